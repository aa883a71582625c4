"""``python -m benchmarks --scenario NAME [--repeats N] [--out DIR]``: run the suite.

``--scenario all`` runs every scenario in turn (``make bench``), then writes
``benchmarks/RESULTS.md`` and the charts; ``--report`` alone rewrites those from the JSON
files already in ``--out``. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from benchmarks.measure import Budget
from benchmarks.scenarios import NAMES, SCENARIOS, scaling

__all__ = ["main"]

RESULTS = Path(__file__).resolve().parent / "results"
#: The order of ``--scenario all``: the stress estimate extrapolates from the others.
ALL_ORDER = tuple(n for n in NAMES if n != "smoke" and not n.startswith("stress")) + tuple(
    n for n in NAMES if n.startswith("stress")
)


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", choices=[*NAMES, "all"], help="the scenario to run")
    ap.add_argument("--repeats", type=int, default=3, help="runs per method (medians; >= 1)")
    ap.add_argument("--out", type=Path, default=RESULTS, help="folder for NAME.json")
    ap.add_argument(
        "--orlib",
        type=Path,
        default=None,
        help="OR-Library folder (default ../shared/data/orlib beside the repo)",
    )
    ap.add_argument("--files", nargs="*", default=None, help="orlib: only these files")
    ap.add_argument(
        "--sizes", type=int, nargs="*", default=None, help="scaling: only these mentee counts"
    )
    ap.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="seconds for matcher's and CP-SAT's solver (default 60; smoke 10)",
    )
    ap.add_argument(
        "--memory-gib",
        type=float,
        default=8.0,
        help="a run whose resident memory passes this is stopped (GiB)",
    )
    ap.add_argument(
        "--report",
        action="store_true",
        help="write RESULTS.md and the charts from the JSON files in --out",
    )
    return ap  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the requested scenario(s); 0 on success."""
    args = _parser().parse_args(argv)
    if args.scenario is None and not args.report:
        _parser().error("give --scenario NAME (or all), or --report")
    if args.repeats < 1:
        _parser().error(f"--repeats must be >= 1, got {args.repeats}")
    from benchmarks.suite import run_scenario, write_doc

    names = ALL_ORDER if args.scenario == "all" else (args.scenario,) if args.scenario else ()
    budget = Budget(memory_gib=args.memory_gib)
    for name in names:
        sc = SCENARIOS[name]
        if name == "scaling" and args.sizes:
            sc = scaling(args.sizes)
        if name == "orlib" and args.files:
            sc = replace(sc, options=dict(sc.options, files=tuple(args.files)))
        doc = run_scenario(sc, args.repeats, budget, args.time_limit, args.orlib, args.out)
        path = write_doc(doc, args.out)
        print(f"{name}: wrote {path}", file=sys.stderr)
    if args.report or args.scenario == "all":
        from benchmarks.report import write_report

        for path in write_report(args.out):
            print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
