"""Run every benchmark in turn (long: minutes, not part of the tests).

Each script prints a markdown table and records its figures under benchmarks/results/.
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
