"""Run the older single-purpose benchmark scripts in turn (long; not part of the tests).

Each script prints a markdown table. The suite itself (whole rounds against the
alternatives, RESULTS.md) is ``python -m benchmarks --scenario all``, which ``make bench``
runs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = (
    "bench_generate.py",
    "bench_candidates.py",
    "bench_solve.py",
    "orlib_gap.py",
    "bench_tuning.py",
)

if __name__ == "__main__":
    failed = 0
    for name in SCRIPTS:
        print(f"## {name}", flush=True)
        failed |= subprocess.call([sys.executable, str(HERE / name)])
    sys.exit(failed)
