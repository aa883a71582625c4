"""The demo caseload bundled with the package (``matcher/data/demo``) and how to rebuild it.

The bundled files are exactly ``generate(DEMO_MENTEES, DEMO_MENTORS, DEMO_SEED,
as_of=DEMO_AS_OF)`` (a test checks it byte for byte); :func:`write_demo` rebuilds them.
:data:`DEMO_AS_OF` is also the run date of the demo round (:mod:`matcher.demo`).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from matcher.synth.generator import DEFAULT_AS_OF, generate

__all__ = ["DEMO_AS_OF", "DEMO_MENTEES", "DEMO_MENTORS", "DEMO_SEED", "write_demo"]

#: The bundled demo caseload (``matcher/data/demo``) is ``generate(300, 80, 20260105)``.
DEMO_MENTEES, DEMO_MENTORS, DEMO_SEED = 300, 80, 20260105
#: The reference date the demo caseload was generated for, and the demo round's run date.
DEMO_AS_OF = DEFAULT_AS_OF


def write_demo(out_dir: str | os.PathLike[str] | None = None) -> dict[str, Path]:
    """Rebuild the bundled demo caseload (``matcher/data/demo``, or ``out_dir``).

    The demo is ``generate(DEMO_MENTEES, DEMO_MENTORS, DEMO_SEED, as_of=DEMO_AS_OF)``.

    Returns
    -------
    dict of str to pathlib.Path
        The files written, by kind.
    """
    bundled = Path(str(resources.files("matcher") / "data" / "demo"))
    out = bundled if out_dir is None else Path(out_dir)
    return generate(DEMO_MENTEES, DEMO_MENTORS, DEMO_SEED, out, as_of=DEMO_AS_OF)
