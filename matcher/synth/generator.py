"""The generator: a whole synthetic caseload, as files (:func:`generate`) or text.

:func:`generate` writes ``mentees.csv``, ``mentors.csv``, ``prisons.csv``, ``existing.csv``
and ``supervisors.csv`` into a directory; :func:`generate_csv` returns the same files as
text. Mentees, mentors and relationships draw from three independent streams spawned from
the seed (:mod:`matcher.synth.mentees`, :mod:`matcher.synth.mentors`,
:mod:`matcher.synth.relationships`); this module checks the arguments, renders the CSV
text in the column order of :data:`HEADERS` and writes the files atomically.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np

from matcher.errors import ParameterError
from matcher.synth.cells import fmt_coord
from matcher.synth.draws import StrArray
from matcher.synth.geography import PRISONS
from matcher.synth.mentees import mentee_columns
from matcher.synth.mentors import mentor_columns
from matcher.synth.places import PRISON_CODES, PRISON_LAT, PRISON_LON
from matcher.synth.relationships import exclusion_cells, existing_columns, supervisor_columns

__all__ = ["DEFAULT_AS_OF", "FILES", "HEADERS", "MAX_ROWS", "generate", "generate_csv"]

#: The reference date of a generated caseload when none is given.
DEFAULT_AS_OF = date(2026, 1, 5)
#: Largest number of mentees or mentors one call generates.
MAX_ROWS = 10_000_000

#: Column order of every file written (the loaders parse exactly these headers).
HEADERS: dict[str, tuple[str, ...]] = {
    "mentees": (
        "id", "gender", "age", "ethnicity", "faith", "languages", "goals", "mentor_gender",
        "mentor_gender_strength", "ethnicity_match", "faith_match", "lived_experience",
        "contact_frequency", "contact_modes", "availability", "custody", "prison",
        "release_date", "lat", "lon", "risk", "support_hours", "exclude_mentors", "priority",
        "region",
    ),
    "mentors": (
        "id", "gender", "age", "ethnicity", "faith", "languages", "lived_experience",
        "specialisms", "contact_frequency", "contact_modes", "availability", "lat", "lon",
        "max_travel_km", "prisons", "max_risk", "mentee_gender", "capacity", "max_hours",
        "available_until", "supervisor", "region",
    ),
    "prisons": ("code", "name", "lat", "lon"),
    "existing": ("mentee_id", "mentor_id", "hours"),
    "supervisors": ("id", "capacity"),
}  # fmt: skip
#: File name of each kind.
FILES: dict[str, str] = {kind: f"{kind}.csv" for kind in HEADERS}


def _check_params(n_mentees: Any, n_mentors: Any, seed: Any, as_of: Any) -> None:
    for name, value in (("n_mentees", n_mentees), ("n_mentors", n_mentors)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | np.integer)
            or not 0 <= value <= MAX_ROWS
        ):
            raise ParameterError(
                f"The '{name}' parameter of generate must be an int >= 0 and <= {MAX_ROWS}, "
                f"got {value!r} instead"
            )
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(
            f"The 'seed' parameter of generate must be an int >= 0, got {seed!r} instead"
        )
    if isinstance(as_of, datetime) or not isinstance(as_of, date):
        raise ParameterError(
            f"The 'as_of' parameter of generate must be a datetime.date, got {as_of!r} instead"
        )


def _render(kind: str, cols: Mapping[str, StrArray]) -> str:
    header = HEADERS[kind]
    assert tuple(cols) == header, (kind, tuple(cols))
    columns = [np.asarray(cols[c], dtype=object).tolist() for c in header]
    lines = [",".join(header), *map(",".join, zip(*columns, strict=True))]
    return "\n".join(lines) + "\n"


def _prison_cols() -> dict[str, StrArray]:
    return {
        "code": np.asarray(PRISON_CODES, dtype=object),
        "name": np.asarray([p.name for p in PRISONS], dtype=object),
        "lat": fmt_coord(PRISON_LAT),
        "lon": fmt_coord(PRISON_LON),
    }


def generate_csv(
    n_mentees: int, n_mentors: int, seed: int, *, as_of: date = DEFAULT_AS_OF
) -> dict[str, str]:
    """Generate a synthetic caseload in memory, as the text of each CSV file.

    Parameters
    ----------
    n_mentees, n_mentors : int
        Number of mentees and mentors, each between 0 and :data:`MAX_ROWS`.
    seed : int
        Seed of the random generator (>= 0). The same arguments give the same text.
    as_of : datetime.date, optional
        The round's reference date: release dates and mentor commitments lie after it.

    Returns
    -------
    dict of str to str
        ``{"mentees": ..., "mentors": ..., "prisons": ..., "existing": ...,
        "supervisors": ...}``: UTF-8-ready CSV text with ``\\n`` line endings.

    Raises
    ------
    ParameterError
        When an argument is out of range or of the wrong type.

    Notes
    -----
    Mentees, mentors and relationships draw from independent streams spawned from
    ``seed``, so the mentee file (but for ``exclude_mentors``) does not change with
    ``n_mentors`` and the mentor file does not change with ``n_mentees``.
    """
    _check_params(n_mentees, n_mentors, seed, as_of)
    mentee_ss, mentor_ss, link_ss = np.random.SeedSequence(int(seed)).spawn(3)
    mentees, mentee_region = mentee_columns(np.random.default_rng(mentee_ss), int(n_mentees), as_of)
    mentors, facts = mentor_columns(np.random.default_rng(mentor_ss), int(n_mentors), as_of)
    links = np.random.default_rng(link_ss)
    existing, running = existing_columns(links, facts)
    supervisors, mentor_sup = supervisor_columns(links, facts, running)
    mentors["supervisor"] = mentor_sup
    mentees["exclude_mentors"] = exclusion_cells(links, mentee_region, facts)
    tables = {
        "mentees": mentees,
        "mentors": mentors,
        "prisons": _prison_cols(),
        "existing": existing,
        "supervisors": supervisors,
    }
    return {kind: _render(kind, tables[kind]) for kind in HEADERS}


def generate(
    n_mentees: int,
    n_mentors: int,
    seed: int,
    out_dir: str | os.PathLike[str],
    *,
    as_of: date = DEFAULT_AS_OF,
) -> dict[str, Path]:
    """Write a synthetic caseload: mentees, mentors, prisons, existing, supervisors.

    Parameters
    ----------
    n_mentees : int
        Number of mentees (referrals), >= 0.
    n_mentors : int
        Number of volunteer mentors, >= 0. One mentor per 3-5 mentees gives a realistic,
        tight caseload.
    seed : int
        Seed of the random generator, >= 0. The same arguments give byte-identical files.
    out_dir : str or os.PathLike
        Directory to write into; created if missing. Existing files of the same names are
        replaced.
    as_of : datetime.date, optional
        The round's reference date (default 2026-01-05).

    Returns
    -------
    dict of str to pathlib.Path
        The path written for each kind: ``mentees``, ``mentors``, ``prisons``,
        ``existing``, ``supervisors``.

    Raises
    ------
    ParameterError
        When an argument is invalid, or ``out_dir`` exists and is not a directory.

    Notes
    -----
    Each file is written to a temporary file in ``out_dir`` and moved into place only
    once every file has been written, so a failure never leaves a half-written file.
    Calibration and assumptions: ``docs/synthetic.md``.

    Examples
    --------
    >>> paths = generate(300, 80, seed=1, out_dir="caseload")  # doctest: +SKIP
    >>> sorted(paths)  # doctest: +SKIP
    ['existing', 'mentees', 'mentors', 'prisons', 'supervisors']
    """
    if not isinstance(out_dir, str | os.PathLike):
        raise ParameterError(
            f"The 'out_dir' parameter of generate must be a path, got {out_dir!r} instead"
        )
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ParameterError(
            f"The 'out_dir' parameter of generate must be a directory, got {str(out)!r}, "
            "which is a file, instead"
        )
    texts = generate_csv(n_mentees, n_mentors, seed, as_of=as_of)
    out.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}.{secrets.token_hex(4)}"
    temps: dict[str, Path] = {}
    try:
        for kind, text in texts.items():
            tmp = out / f".{FILES[kind]}.{tag}.tmp"
            temps[kind] = tmp
            with open(tmp, "xb") as fh:  # "x": never follows or reuses an existing file
                fh.write(text.encode("utf-8"))
        paths: dict[str, Path] = {}
        for kind, tmp in temps.items():
            paths[kind] = out / FILES[kind]
            os.replace(tmp, paths[kind])
        return paths
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
