"""Sweep a grid of configs over one caseload: one row of figures per config.

The feasible pairs are found once per set of active rules (:class:`PairPool`) and
rescored for each config; each config's round is then run in full by
:func:`matcher.match` on those pairs, so a row is what ``matcher match`` with that config
gives. Rounds run in local worker processes (default) or on a Dask cluster
(:mod:`matcher.tuning.dask_backend`); the rows are the same either way, in grid order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

from matcher._cpus import usable_cpus
from matcher.config import Config
from matcher.errors import ParameterError
from matcher.io import Caseload
from matcher.models import Existing, Mentee, Mentor, Prison, Supervisor
from matcher.round import MatchResult, match
from matcher.round.plan import plan_review
from matcher.tuning.figures import Figures, figures
from matcher.tuning.grid import Grid
from matcher.tuning.rescore import PairPool, feasibility_key

__all__ = ["Sweep", "SweepRow", "SweepRound", "run_config", "sweep"]

#: Progress callback: called with (configs done, configs in all).
Progress = Callable[[int, int], None]


@dataclass(frozen=True, eq=False)
class SweepRound:
    """Everything a config's round needs: the records and the pair pools (pickled once
    to each worker process or cluster worker)."""

    mentees: tuple[Mentee, ...]
    mentors: tuple[Mentor, ...]
    existing: tuple[Existing, ...]
    supervisors: tuple[Supervisor, ...]
    prisons: tuple[Prison, ...]
    as_of: date
    pools: tuple[PairPool, ...]

    def pool(self, config: Config) -> PairPool:
        """The pool of the config's active rules."""
        key = feasibility_key(config)
        for p in self.pools:
            if p.key == key:
                return p
        raise ParameterError(
            "The 'config' parameter of SweepRound.pool must be one of the sweep's configs, "
            "got a config with other rules instead"
        )

    def result(self, config: Config) -> MatchResult:
        """The config's whole round, on its rescored pairs."""
        return match(
            self.mentees, self.mentors, config, existing=self.existing,
            supervisors=self.supervisors, prisons=self.prisons, as_of=self.as_of,
            explain_top=0, reasons=False, candidates=self.pool(config).candidates_for(config),
        )  # fmt: skip


def run_config(state: SweepRound, config: Config) -> Figures:
    """One config's round and its figures (the unit of work a worker runs)."""
    return figures(state.result(config), state.mentees, state.mentors)


@dataclass(frozen=True)
class SweepRow:
    """One config of a sweep: its varied values (in the grid's key order) and figures."""

    values: tuple[Any, ...]
    figures: Figures


@dataclass(frozen=True)
class Sweep:
    """A sweep's rows, one per config of the grid, in grid order."""

    keys: tuple[str, ...]
    rows: tuple[SweepRow, ...]
    pools: int  # how many times the pairs were found (once per set of active rules)


def _to_match(caseload: Caseload, config: Config, as_of: date) -> tuple[Mentee, ...]:
    """The mentees a round solves: no running relationship, ended pairs excluded, and the
    config's ``[priority] ended_early`` lift for those whose relationship ended early."""
    plan = plan_review(
        caseload.mentees, caseload.mentors, caseload.existing, (), caseload.supervisors,
        config, as_of,
    )  # fmt: skip
    return plan.to_match


def prepare(caseload: Caseload, configs: Sequence[Config], as_of: date) -> SweepRound:
    """Find the pairs once per set of active rules and score what the configs weight."""
    groups: dict[tuple[Any, ...], list[Config]] = {}
    for c in configs:
        groups.setdefault(feasibility_key(c), []).append(c)
    pools = []
    for group in groups.values():
        # The pairs are the group's; the priorities (and so the mentee arrays) each config's.
        mentees_of = [_to_match(caseload, c, as_of) for c in group]
        pools.append(
            PairPool.build(
                mentees_of[0], caseload.mentors, group, as_of=as_of, mentees_of=mentees_of
            )
        )
    return SweepRound(
        tuple(caseload.mentees), tuple(caseload.mentors), tuple(caseload.existing),
        tuple(caseload.supervisors), tuple(caseload.prisons), as_of, tuple(pools),
    )  # fmt: skip


_STATE: SweepRound | None = None


def _init_worker(state: SweepRound) -> None:
    global _STATE
    _STATE = state


def _run_in_worker(config: Config) -> Figures:
    assert _STATE is not None  # set by the pool's initializer
    return run_config(_STATE, config)


def _run_local(
    state: SweepRound, configs: Sequence[Config], workers: int, progress: Progress | None
) -> list[Figures]:
    out: list[Figures] = []
    if workers == 1 or len(configs) == 1:
        for config in configs:
            out.append(run_config(state, config))
            if progress:
                progress(len(out), len(configs))
        return out
    # The state goes to each worker once (initializer), not with every config.
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(state,)) as pool:
        for fig in pool.map(_run_in_worker, configs):
            out.append(fig)
            if progress:
                progress(len(out), len(configs))
    return out


def sweep(
    caseload: Caseload,
    grid: Grid,
    *,
    as_of: date | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
) -> Sweep:
    """Run every config of a grid on one caseload.

    Parameters
    ----------
    caseload : Caseload
        The round's records (:func:`matcher.load_caseload`).
    grid : Grid
        The configs (:func:`matcher.tuning.load_grid`).
    as_of : date, optional
        The run date; default today.
    workers : int, optional
        Local worker processes; default the CPUs this process may use, at most one per
        config. 1 runs every round in this process. Ignored with ``scheduler``.
    scheduler : str, optional
        Address of a running Dask distributed scheduler (``tcp://HOST:PORT``): the rounds
        run on its workers instead (needs the ``distributed`` extra).
    progress : callable, optional
        Called as ``progress(done, total)`` after each config.

    Returns
    -------
    Sweep
        One row per config, in grid order; the same whichever way the rounds ran.
    """
    if workers is not None and (isinstance(workers, bool) or workers < 1):
        raise ParameterError(
            f"The 'workers' parameter of sweep must be >= 1 or None, got {workers!r} instead"
        )
    as_of = as_of or date.today()
    state = prepare(caseload, grid.configs, as_of)
    if scheduler is not None:
        from matcher.tuning.dask_backend import run_on_cluster

        figs = run_on_cluster(scheduler, state, grid.configs, progress)
    else:
        n = min(workers or usable_cpus(), len(grid.configs)) or 1
        figs = _run_local(state, grid.configs, n, progress)
    rows = tuple(SweepRow(v, f) for v, f in zip(grid.combinations, figs, strict=True))
    return Sweep(grid.keys, rows, len(state.pools))
