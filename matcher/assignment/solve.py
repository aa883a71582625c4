"""The driver: :func:`solve` runs the stages of :mod:`matcher.assignment` in turn.

Each stage is one function below; they hand each other small frozen records
(:class:`_Relaxation`, :class:`_Hints`, :class:`_CpSatPass`) so the flow of data is visible.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.assignment import cp_sat
from matcher.assignment.components import Components, find_components
from matcher.assignment.flow import flow_assignment, seats_where_loads_fit
from matcher.assignment.lagrangian import lagrangian
from matcher.assignment.lns import lns, shortfall
from matcher.assignment.model import NO_LIMIT, Model, hours_used, integer_model, total_value
from matcher.assignment.repair import fill, repair
from matcher.assignment.result import SolveMethod, SolveResult, SolveStatus
from matcher.assignment.staged import solve_staged
from matcher.assignment.validate import (
    BoolArray,
    IntArray,
    Method,
    Objective,
    SolveInput,
    parameter_error,
    validate,
)

__all__ = ["solve", "solve_model"]


@dataclass(frozen=True)
class _Run:
    """One call: its validated input, integer model and start time."""

    inp: SolveInput
    md: Model
    t0: float

    def seconds_left(self) -> float:
        return self.inp.time_limit - (time.perf_counter() - self.t0)

    def result(
        self, chosen: BoolArray | None, status: SolveStatus, bound: int, method: SolveMethod,
        n_comp: int, n_cp: int, cp_status: tuple[str, ...] = (),
    ) -> SolveResult:  # fmt: skip
        """The :class:`SolveResult` of an assignment (None: no assignment), valued exactly."""
        inp, md = self.inp, self.md
        mentor_of = np.full(md.n, -1, dtype=np.int64)
        if chosen is None:
            return SolveResult(
                mentor_of, np.zeros(0, dtype=np.int64), status, 0, 0, math.nan, 0.0, 0.0, 0.0,
                time.perf_counter() - self.t0, method, n_comp, n_cp, md.weight,
                md.score_resolution, md.priority_resolution, md.load_resolution,
                md.n_filtered, False, cp_status, 0, int(md.mentee.size),
            )  # fmt: skip
        pairs = np.flatnonzero(chosen)
        mentor_of[md.mentee[pairs]] = md.mentor[pairs]
        value = total_value(md, chosen)
        bound = max(bound, value)
        if status == SolveStatus.OPTIMAL:
            bound = value
        elif bound == value:
            status = SolveStatus.OPTIMAL
        used = np.bincount(md.mentor[pairs], minlength=md.m)
        numbers = used * inp.seat_offset + used * (used + 1) // 2
        return SolveResult(
            mentor_of=mentor_of,
            chosen=np.sort(md.orig[pairs]),
            status=status,
            objective=value,
            bound=bound,
            gap=(bound - value) / max(abs(bound), 1),
            total_priority=float(inp.priority[mentor_of >= 0].sum()),
            total_score=float(inp.score[md.orig[pairs]].sum()),
            spread_penalty=float(inp.spread_load * numbers.sum()),
            seconds=time.perf_counter() - self.t0,
            method=method,
            n_components=n_comp,
            n_cp_sat_components=n_cp,
            primary_weight=md.weight,
            score_resolution=md.score_resolution,
            priority_resolution=md.priority_resolution,
            load_resolution=md.load_resolution,
            n_pairs_filtered=md.n_filtered,
            cp_sat_status=cp_status,
            columns=int(md.mentee.size),
        )


@dataclass(frozen=True)
class _Relaxation:
    """The flow that ignores hours (seats capped where the smallest loads stop fitting)."""

    cap: IntArray  # per mentor: the most seats whose smallest loads fit its hours
    chosen: BoolArray  # the flow optimum: an upper bound, not always hours-feasible
    value: IntArray  # per component: a proven upper bound
    to_cp: BoolArray  # per component: its relaxed answer breaks hours (or method="cp_sat")


@dataclass(frozen=True)
class _Hints:
    """Hours-feasible starting points on the components that go to CP-SAT."""

    hint: BoolArray  # per pair; meaningful on the CP-SAT components
    feasible: BoolArray  # per component: ``hint`` satisfies every constraint there
    final: BoolArray  # the answer so far: ``hint`` on CP-SAT components, relaxed elsewhere
    comp_pairs: IntArray  # pairs per component
    too_big: BoolArray  # per component: for CP-SAT, but over ``cp_sat.MAX_PAIRS`` pairs


@dataclass(frozen=True)
class _CpSatPass:
    """What the CP-SAT pass over the components left."""

    final: BoolArray
    bound: int  # sum of the per-component bounds
    statuses: tuple[str, ...]
    infeasible: bool  # some component is proven infeasible
    unknown: bool  # some component has no assignment satisfying require_all


def _every_mentee_has_a_pair(md: Model) -> bool:
    """False when ``require_all`` is impossible from the start."""
    covered = np.zeros(md.n, dtype=bool)
    covered[md.mentee] = True
    return bool(covered.all())


def _safe_seats(md: Model) -> IntArray:
    """Per mentor, the most seats that are safe whatever pairs fill them."""
    if (md.hours >= NO_LIMIT).all():  # no hours limit: every seat is safe (fast path)
        return md.cap.copy()
    return seats_where_loads_fit(md, largest=True)


def _relax(md: Model, comp: Components, method: str) -> _Relaxation | None:
    """Solve the relaxation; None when even it cannot match everyone (require_all)."""
    relax_cap = seats_where_loads_fit(md, largest=False)
    relaxed = flow_assignment(md, relax_cap)
    if relaxed is None:
        return None
    relax_val = comp.values(md, relaxed)
    over = hours_used(md, relaxed) > md.hours
    to_cp = np.zeros(comp.count, dtype=bool)
    if method == "cp_sat":
        to_cp[:] = comp.has_pairs
    else:
        to_cp[comp.of_mentor[over]] = True
    return _Relaxation(relax_cap, relaxed, relax_val, to_cp)


def _hints(
    md: Model, comp: Components, relax: _Relaxation, safe: IntArray, start: BoolArray | None
) -> _Hints:
    """The best hours-feasible assignment per component of: the relaxation repaired and
    filled, a flow restricted to ``safe`` seats, and the caller's ``start`` (if any)."""
    to_cp = relax.to_cp
    cp_pair = to_cp[comp.of_pair(md)]
    hint = fill(md, repair(md, relax.chosen), cp_pair, rounds=4)
    hint_feasible_comp = np.ones(comp.count, dtype=bool)
    if md.require_all:  # the repair may have unmatched someone
        covered = np.zeros(md.n, dtype=bool)
        covered[md.mentee[hint]] = True
        hint_feasible_comp[comp.of_mentee[~covered]] = False
    comp_pairs = np.bincount(comp.of_pair(md), minlength=comp.count)
    too_big = to_cp & (comp_pairs > cp_sat.MAX_PAIRS)
    res_mask = cp_pair
    if not md.require_all:  # big components get priced flows below instead
        res_mask = cp_pair & ~too_big[comp.of_pair(md)]
    restricted = flow_assignment(md, safe, res_mask) if res_mask.any() else None
    if restricted is not None:
        v_rep = comp.values(md, hint)
        v_res = comp.values(md, restricted)
        better = (v_res > v_rep) | ~hint_feasible_comp
        take = res_mask & better[comp.of_pair(md)]
        hint = np.where(take, restricted, hint)
        hint_feasible_comp |= to_cp
    if start is not None:  # satisfies every constraint (the caller's contract)
        better = (comp.values(md, start) > comp.values(md, hint)) | ~hint_feasible_comp
        hint = np.where(cp_pair & better[comp.of_pair(md)], start, hint)
        hint_feasible_comp |= to_cp
    final = np.where(cp_pair, hint, relax.chosen)
    return _Hints(hint, hint_feasible_comp, final, comp_pairs, too_big)


def _improve_big_components(
    run: _Run, comp: Components, relax: _Relaxation, hints: _Hints, safe: IntArray
) -> tuple[_Relaxation, _Hints]:
    """Components too big for CP-SAT: price the hours (Lagrangian relaxation) for a tighter
    bound and better hours-feasible assignments, then neighbourhood search, within their
    share of the time."""
    md, inp = run.md, run.inp
    big = hints.too_big & hints.feasible
    if not big.any():
        return relax, hints
    region = big[comp.of_pair(md)]
    comp_pairs = hints.comp_pairs
    left = run.seconds_left()
    share = left * int(comp_pairs[big].sum()) / max(int(comp_pairs[relax.to_cp].sum()), 1)
    start = time.perf_counter()
    best, lag_bound, _ = lagrangian(
        md, relax.cap, region, relax.chosen & region, hints.final, relax.value, comp,
        start + 0.25 * share,
    )  # fmt: skip
    bound = int(np.minimum(relax.value, lag_bound)[big].sum())
    short = shortfall(bound - int(comp.values(md, best)[big].sum()), bound, inp.gap_limit)
    if short > 0:
        best, _ = lns(
            md, best, relax.chosen, region, safe, start + 0.95 * share - 0.5, inp.workers,
            inp.cp_sat_parameters, enough=short,
        )  # fmt: skip
    hints = replace(
        hints, final=np.where(region, best, hints.final), hint=np.where(region, best, hints.hint)
    )
    return replace(relax, value=np.minimum(relax.value, lag_bound)), hints


def _cp_sat_pass(
    run: _Run, comp: Components, relax: _Relaxation, hints: _Hints, safe: IntArray,
    staged: bool = True,
) -> _CpSatPass:  # fmt: skip
    """Each component that needs it, in order, by CP-SAT within its share of the time left:
    in stages (:func:`~matcher.assignment.staged.solve_staged`), or in one run when
    ``staged`` is False; skipped, keeping the hint and the relaxation bound, when too big
    or out of time."""
    md, inp = run.md, run.inp
    to_cp, relax_val, feasible = relax.to_cp, relax.value, hints.feasible
    final = hints.final.copy()
    comps = np.flatnonzero(to_cp)
    pair_comp = comp.of_pair(md)
    order = np.argsort(pair_comp, kind="stable")
    sorted_comp = pair_comp[order]
    lo = np.searchsorted(sorted_comp, comps, side="left")
    hi = np.searchsorted(sorted_comp, comps, side="right")
    remaining_pairs = int((hi - lo).sum())
    bound_total = int(relax_val[~to_cp].sum())
    statuses: list[str] = []
    any_infeasible = any_unknown = False
    for c, a, b in zip(comps.tolist(), lo.tolist(), hi.tolist(), strict=True):
        pairs = np.sort(order[a:b])
        budget = run.seconds_left() * (b - a) / max(remaining_pairs, 1)
        remaining_pairs -= b - a
        if (b - a > cp_sat.MAX_PAIRS or budget < 0.05) and feasible[c]:
            statuses.append("skipped")
            bound_total += int(relax_val[c])
            continue
        out = (solve_staged if staged else cp_sat.solve_component)(
            md, pairs, safe, hints.hint if feasible[c] else None, budget, inp.workers,
            inp.cp_sat_parameters,
        )  # fmt: skip
        statuses.append(out.status)
        comp_bound = min(out.bound, int(relax_val[c]))
        if out.status == "optimal" and out.chosen is not None:
            mask = np.zeros(md.mentee.size, dtype=bool)
            mask[out.chosen] = True
            comp_bound = int(comp.values(md, mask)[c])  # exact value (CP-SAT reports doubles)
        if out.status == "infeasible":
            any_infeasible = True
            break
        if out.chosen is not None:
            final[pairs] = False
            final[out.chosen] = True
        elif not feasible[c]:
            any_unknown = True
        bound_total += comp_bound
    return _CpSatPass(final, bound_total, tuple(statuses), any_infeasible, any_unknown)


def _conclude(run: _Run, cp: _CpSatPass, method: SolveMethod, n_real: int) -> SolveResult:
    """The result of a round that went (partly) to CP-SAT."""
    n_cp = len(cp.statuses)
    if cp.infeasible:
        return run.result(None, SolveStatus.INFEASIBLE, 0, method, n_real, n_cp, cp.statuses)
    if cp.unknown:
        return run.result(None, SolveStatus.UNKNOWN, cp.bound, method, n_real, n_cp, cp.statuses)
    optimal = all(s == "optimal" for s in cp.statuses)
    status = SolveStatus.OPTIMAL if optimal else SolveStatus.FEASIBLE
    return run.result(cp.final, status, cp.bound, method, n_real, n_cp, cp.statuses)


def solve(
    pair_mentee: npt.ArrayLike,
    pair_mentor: npt.ArrayLike,
    score: npt.ArrayLike,
    *,
    n_mentees: int,
    n_mentors: int,
    mentor_capacity: npt.ArrayLike,
    priority: npt.ArrayLike | None = None,
    load: npt.ArrayLike | None = None,
    mentor_hours: npt.ArrayLike | None = None,
    mentor_group: npt.ArrayLike | None = None,
    group_capacity: npt.ArrayLike | None = None,
    objective: Objective = "coverage_first",
    require_all: bool = False,
    spread_load: float = 0.0,
    seat_offset: npt.ArrayLike | None = None,
    time_limit: float = 60.0,
    workers: int = 1,
    score_resolution: int = 10_000,
    cp_sat_parameters: Mapping[str, Any] | None = None,
    method: Method = "auto",
    gap_limit: float = 0.0,
) -> SolveResult:
    """Assign mentees to mentors, exactly, under seat, hours and supervisor limits.

    Parameters
    ----------
    pair_mentee, pair_mentor : array of int, shape (k,)
        The candidate pairs: mentee index in ``[0, n_mentees)``, mentor index in
        ``[0, n_mentors)``. Only these pairs can be used.
    score : array of float, shape (k,)
        Finite, >= 0; the pair's score (the criteria's scores are in [0, 1]; see
        ``docs/scoring.md``).
    n_mentees, n_mentors : int
        Sizes.
    mentor_capacity : array of int, shape (n_mentors,)
        New seats each mentor still has (existing relationships already subtracted).
    priority : array of float, shape (n_mentees,), optional
        Finite, >= 0; default 1.0 each.
    load : array of float, shape (k,), optional
        Weekly hours the pair would use on its mentor; default 0.
    mentor_hours : array of float, shape (n_mentors,), optional
        Remaining weekly hours per mentor (``+inf`` = no limit); None = no limits.
    mentor_group, group_capacity : array of int, optional
        Supervisor of each mentor (``-1`` none) and relationships each supervisor can
        still take. Give both or neither.
    objective : {"coverage_first", "score_only"}
        ``coverage_first``: maximise the total priority of matched mentees, then the
        total score minus the spread penalty. ``score_only``: maximise total score minus
        spread penalty.
    require_all : bool
        Every mentee must be matched; otherwise the status is ``infeasible``.
    spread_load : float
        Load spreading: the ``t``-th new seat of a mentor (``t = 1, 2, ...``) costs
        ``spread_load * (seat_offset + t)`` score points in the secondary objective. The
        marginal cost rises with each seat (a convex cost of the mentor's load), so
        between two otherwise equal assignments the one that spreads mentees over more,
        emptier mentors wins. ``coverage_first`` never trades a priority unit for it.
    seat_offset : array of int, shape (n_mentors,), optional
        Seats already used by existing relationships (default 0).
    time_limit : float
        Seconds, for the whole call; only CP-SAT, the neighbourhood search and, on
        components over 300 000 pairs, the Lagrangian pricing can run out of it.
    workers : int
        CP-SAT worker threads. 1 (the default) is deterministic; more run CP-SAT's
        parallel portfolio, faster on hard components but ties may break differently.
    score_resolution : int
        Integer units per 1.0 of score; scores are rounded to it (see ``objective``).
    cp_sat_parameters : dict, optional
        Set on ``CpSolver.parameters`` after our defaults (``num_workers``,
        ``max_time_in_seconds`` per component, ``random_seed=0``).
    method : {"auto", "flow", "cp_sat"}
        ``auto`` chooses; ``flow`` fails with ParameterError when some mentor's hours can
        bind; ``cp_sat`` sends every component to CP-SAT (for testing).
    gap_limit : float
        In ``[0, 1)``. On components too big for CP-SAT, the neighbourhood search that
        follows the hour prices is skipped, or stops, once their gap, proven, is at most
        this share of their bound, instead of searching to the time limit; 0 (the
        default) searches to it. CP-SAT components are unaffected (``cp_sat_parameters``
        sets theirs).

    Returns
    -------
    SolveResult
        ``objective`` is the integer value ``M * P + S - D`` in units of
        ``1 / score_resolution`` score points (``P`` matched priority units, ``S`` score
        units, ``D`` spread-penalty units, ``M`` = ``primary_weight``); ``bound`` is a
        proven upper bound on it and ``gap = (bound - objective) / max(|bound|, 1)``.

    Raises
    ------
    ParameterError
        Invalid input, or a resolution so fine that the integer objective could overflow.

    Notes
    -----
    Deterministic: pairs are put in a canonical order before modelling, min-cost flow is
    deterministic, and CP-SAT runs with a fixed seed; with one worker only a CP-SAT run
    cut by the time limit can differ between runs (and, on a component that its first
    CP-SAT run does not close, how many neighbourhoods the search after it tries). On
    components over 300 000 pairs the number of pricing steps and neighbourhoods done
    depends on the time limit and the machine, so the answer (always hours-feasible, bound
    always valid) can too. (CP-SAT's interleaved deterministic multi-worker search was 20x
    slower on the demo round, and no better on OR-Library gapd, so it is not used.)
    """
    t0 = time.perf_counter()
    inp = validate(
        pair_mentee=pair_mentee, pair_mentor=pair_mentor, score=score, n_mentees=n_mentees,
        n_mentors=n_mentors, mentor_capacity=mentor_capacity, priority=priority, load=load,
        mentor_hours=mentor_hours, mentor_group=mentor_group, group_capacity=group_capacity,
        objective=objective, require_all=require_all, spread_load=spread_load,
        seat_offset=seat_offset, time_limit=time_limit, workers=workers,
        score_resolution=score_resolution, cp_sat_parameters=cp_sat_parameters, method=method,
        gap_limit=gap_limit,
    )  # fmt: skip
    return solve_model(inp, integer_model(inp), t0)


def solve_model(
    inp: SolveInput, md: Model, t0: float, start: BoolArray | None = None
) -> SolveResult:
    """The stages of :func:`solve` on a prebuilt integer model of ``inp``'s pairs
    (``md.orig`` indexes them), the time limit counted from ``t0``. ``start`` (per pair of
    ``md``), an assignment satisfying every constraint, joins the hints CP-SAT starts from;
    with it, each component gets one CP-SAT run rather than the staged search.

    :mod:`matcher.assignment.pricing` calls it on whole components of a round, with a
    model whose constants are the whole round's (:func:`~matcher.assignment.store.working_model`).
    """
    run = _Run(inp, md, t0)
    flow, infeasible = SolveMethod.FLOW, SolveStatus.INFEASIBLE
    if md.require_all and not _every_mentee_has_a_pair(md):
        return run.result(None, infeasible, 0, flow, 0, 0)

    safe = _safe_seats(md)
    binding = safe < md.cap
    if inp.method == "flow" and binding.any():
        raise parameter_error(
            "method", "'auto' or 'cp_sat' when some mentor's hours can bind", "'flow'"
        )
    comp = find_components(md)
    n_real = int(comp.has_pairs.sum())
    if not binding.any() and inp.method != "cp_sat":
        # Fast path: no hours can bind, so one min-cost flow is the exact answer.
        chosen = flow_assignment(md, md.cap)
        if chosen is None:
            return run.result(None, infeasible, 0, flow, 0, 0)
        return run.result(chosen, SolveStatus.OPTIMAL, 0, flow, n_real, 0)
    relax = _relax(md, comp, inp.method)
    if relax is None:  # even the relaxation cannot match everyone
        return run.result(None, infeasible, 0, flow, n_real, 0)
    if not relax.to_cp.any():
        return run.result(relax.chosen, SolveStatus.OPTIMAL, 0, flow, n_real, 0)

    hints = _hints(md, comp, relax, safe, start)
    relax, hints = _improve_big_components(run, comp, relax, hints, safe)
    # a caller's start has had its neighbourhood search (the priced hours'): CP-SAT's
    # whole share then goes to one run, to prove it or improve it (staged, the weekly
    # round's proof took 33 s instead of 14 s)
    cp = _cp_sat_pass(run, comp, relax, hints, safe, staged=start is None)
    method_ = SolveMethod.CP_SAT if relax.to_cp.sum() == n_real else SolveMethod.MIXED
    return _conclude(run, cp, method_, n_real)
