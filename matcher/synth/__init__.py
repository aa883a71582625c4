"""Synthetic caseloads in the data contract (``docs/fields.md``), calibrated to published figures.

:func:`generate` writes ``mentees.csv``, ``mentors.csv``, ``prisons.csv``, ``existing.csv``
and ``supervisors.csv`` into a directory; :func:`generate_csv` returns the same files as
text. Every column is built with vectorised numpy, so 200,000 mentees take a few seconds,
and the same ``(n_mentees, n_mentors, seed, as_of)`` always gives byte-identical files (on
one numpy version: numpy does not promise identical random streams across versions). No
real person is in the output: ids are sequential pseudonyms and every attribute is drawn at
random. :func:`write_demo` rebuilds the demo caseload bundled with the package.

Modules, in the order data flows through them:

- ``calibration``: every published figure and assumed probability, with its source;
- ``geography``: the probation regions, towns and prison sites (reference tables);
- ``draws``: vectorised sampling helpers; ``cells``: values as CSV cell text;
- ``places``: where people live and which prison holds them;
- ``people``: traits drawn alike for both sides (age, ethnicity and faith, languages);
- ``mentees``, ``mentors``: the columns of each file; ``relationships``: running
  relationships, supervisors and exclusions, which link the two;
- ``generator``: :func:`generate` and :func:`generate_csv`; ``demo``: the bundled demo.

Every calibration figure, its source and every modelling assumption is listed in
``docs/synthetic.md``.
"""

from matcher.synth.demo import DEMO_AS_OF, DEMO_MENTEES, DEMO_MENTORS, DEMO_SEED, write_demo
from matcher.synth.generator import (
    DEFAULT_AS_OF,
    FILES,
    HEADERS,
    MAX_ROWS,
    generate,
    generate_csv,
)

__all__ = [
    "DEFAULT_AS_OF",
    "DEMO_AS_OF",
    "DEMO_MENTEES",
    "DEMO_MENTORS",
    "DEMO_SEED",
    "FILES",
    "HEADERS",
    "MAX_ROWS",
    "generate",
    "generate_csv",
    "write_demo",
]
