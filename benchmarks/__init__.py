"""The benchmark suite: whole matching rounds against the alternatives, in one run.

``python -m benchmarks --scenario NAME [--repeats N] [--out DIR]`` runs one scenario and
writes ``DIR/NAME.json``; ``make bench`` runs them all and writes ``benchmarks/RESULTS.md``
and the charts under ``benchmarks/results/``.

Modules: :mod:`~benchmarks.scenarios` (what is run: the caseloads and their changes),
:mod:`~benchmarks.alternatives` (greedy, scipy, stable matching, raw min-cost flow, plain
CP-SAT, and the checks every assignment goes through), :mod:`~benchmarks.measure` (one
child process per timed run: stages, peak memory, budgets), :mod:`~benchmarks.suite` (a
scenario from start to JSON), :mod:`~benchmarks.orlib` and :mod:`~benchmarks.estimate`
(the OR-Library and stress scenarios), :mod:`~benchmarks.report` (RESULTS.md and charts).
The older single-purpose scripts (``bench_*.py``, ``orlib_gap.py``) still run on their own.
"""

__all__: list[str] = []
