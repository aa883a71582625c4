"""The inputs stage's readers: safe file reading, CSV and JSON rows, messages, round limits.

``matcher.io`` builds the loaders (``load_mentees`` … ``load_caseload``) from these parts;
``matcher.config`` reads its TOML file through :mod:`matcher.inputs.files`. This package
imports nothing at import time, so ``config`` can use it without an import cycle.

Modules
-------
files
    Only regular files are read, up to a size limit, and decoded as UTF-8.
messages
    Pydantic errors turned into "what was expected; what was found", never echoing a
    special-category value, with control characters escaped.
csv_rows, json_rows
    A file's text turned into raw rows (dicts) with their row and line numbers.
columnar, columns
    The fast path for valid CSV files: read into columns by polars, each column checked
    vectorised, records built without validating again; it declines at any doubt and
    the per-row path above takes over (and names the problems).
limits
    The checks a whole round must pass so the engine can carry it (int64 headroom,
    distinct languages and prisons): what validates runs through every command.
"""
