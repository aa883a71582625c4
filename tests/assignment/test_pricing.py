"""Tests of the solver by pricing (matcher.assignment.pricing): the same optimum as the
all-pairs solve, a bound valid over every pair, and what it reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.assignment import SolveResult, solve
from matcher.assignment.model import integer_model
from matcher.assignment.pricing import solve_round, solve_store
from matcher.assignment.store import store_model, validate_store
from matcher.assignment.validate import validate
from matcher.criteria import SCORE_GRID
from matcher.errors import ParameterError

SETTINGS = settings(max_examples=60, deadline=None)


@dataclass(frozen=True)
class Store:
    """Pairs sorted by mentee, as :class:`matcher.candidates.Candidates` holds them."""

    mentee: np.ndarray
    mentor: np.ndarray
    score_steps: np.ndarray


@dataclass(frozen=True)
class Round:
    """A random round: a store, per-mentee loads and the other arguments of solve."""

    store: Store
    load: np.ndarray
    kw: dict[str, Any]

    @property
    def score(self) -> np.ndarray:
        return (SCORE_GRID - self.store.score_steps.astype(np.float64)) / SCORE_GRID

    def all_pairs(self, **extra: Any) -> SolveResult:
        st_ = self.store
        return solve(st_.mentee, st_.mentor, self.score, load=self.load[st_.mentee],
                     **{**self.kw, **extra})  # fmt: skip

    def priced(self, **extra: Any) -> SolveResult:
        return solve_store(self.store, mentee_load=self.load, **{**self.kw, **extra})


@st.composite
def rounds(
    draw: Any, max_n: int = 14, max_m: int = 6, max_deg: int = 5, hours: bool | None = None
) -> Round:  # noqa: E501
    """Random rounds with hours, supervisors, existing relationships (seats and hours
    already taken, seat offsets) and spread, as match builds them."""
    n = draw(st.integers(1, max_n))
    m = draw(st.integers(1, max_m))
    mentee: list[int] = []
    mentor: list[int] = []
    for i in range(n):
        js = draw(st.lists(st.integers(0, m - 1), max_size=min(max_deg, m), unique=True))
        mentee += [i] * len(js)
        mentor += js
    k = len(mentee)
    steps = np.array(draw(st.lists(st.integers(0, 100), min_size=k, max_size=k)), np.int64)
    steps = (steps * (SCORE_GRID // 100)).astype(np.uint32)
    order = np.lexsort((np.array(mentor, np.int32), steps, np.array(mentee, np.int32)))
    store = Store(np.array(mentee, np.int32)[order], np.array(mentor, np.int32)[order],
                  steps[order])  # fmt: skip
    ints = st.integers
    with_hours = draw(st.booleans()) if hours is None else hours
    kw: dict[str, Any] = dict(
        n_mentees=n, n_mentors=m,
        mentor_capacity=np.array(draw(st.lists(ints(0, 3), min_size=m, max_size=m))),
        priority=np.array(draw(st.lists(ints(0, 6), min_size=n, max_size=n))) / 2,
        mentor_hours=(np.array(draw(st.lists(ints(0, 8), min_size=m, max_size=m))) / 2
                      if with_hours else None),
        seat_offset=np.array(draw(st.lists(ints(0, 2), min_size=m, max_size=m))),
        spread_load=draw(st.sampled_from([0.0, 0.0, 0.05, 0.3])),
        objective=draw(st.sampled_from(["coverage_first", "score_only"])),
    )  # fmt: skip
    if draw(st.booleans()):
        g = draw(ints(1, 2))
        kw["mentor_group"] = np.array(draw(st.lists(ints(-1, g - 1), min_size=m, max_size=m)))
        kw["group_capacity"] = np.array(draw(st.lists(ints(0, 3), min_size=g, max_size=g)))
    load = np.array(draw(st.lists(ints(0, 6), min_size=n, max_size=n))) / 2
    return Round(store, load, kw)


def feasible(r: Round, res: SolveResult) -> bool:
    """Every limit holds (one mentor each, seats, hours, supervisors)."""
    s = r.store
    mentee, mentor = s.mentee[res.chosen], s.mentor[res.chosen]
    if np.unique(mentee).size != mentee.size:
        return False
    m = r.kw["n_mentors"]
    if (np.bincount(mentor, minlength=m) > r.kw["mentor_capacity"]).any():
        return False
    if r.kw["mentor_hours"] is not None:
        hours = np.bincount(mentor, weights=r.load[mentee], minlength=m)
        if (hours > r.kw["mentor_hours"] + 1e-9).any():
            return False
    if "mentor_group" in r.kw:
        g = r.kw["mentor_group"][mentor]
        if (np.bincount(g[g >= 0], minlength=len(r.kw["group_capacity"]))
                > r.kw["group_capacity"]).any():  # fmt: skip
            return False
    mentor_of = np.full(r.kw["n_mentees"], -1)
    mentor_of[mentee] = mentor
    return bool((mentor_of == res.mentor_of).all())


@SETTINGS
@given(rounds())
def test_pricing_finds_the_all_pairs_optimum(r: Round) -> None:
    """From a one-pair-per-mentee working set, pricing reaches the all-pairs optimum and
    proves it whenever the all-pairs solve does; the bound holds over every pair."""
    exact = r.all_pairs()
    res = r.priced(working_set=1, mentor_working_set=None)
    assert feasible(r, res)
    assert res.objective <= exact.objective <= res.bound
    if exact.status == "optimal":
        assert res.objective == exact.objective
        assert res.status == "optimal" and res.bound == res.objective and res.gap == 0
    assert res.total_score == pytest.approx(r.score[res.chosen].sum())
    assert res.primary_weight == exact.primary_weight
    assert res.pricing_rounds >= 1


@SETTINGS
@given(rounds(hours=True))
def test_priced_hours_give_a_bound_valid_over_every_pair(r: Round) -> None:
    """Components that break hours solved by priced hours on the working set (forced on
    small rounds): hours-feasible, and objective <= optimum <= bound over every pair."""
    exact = r.all_pairs()
    res = r.priced(working_set=1, mentor_working_set=None, cp_sat_pairs=0, time_limit=2.0)
    assert feasible(r, res)
    assert exact.status == "optimal"
    assert res.objective <= exact.objective <= res.bound
    if res.status == "optimal":
        assert res.objective == exact.objective


@settings(max_examples=30, deadline=None)
@given(rounds(hours=True))
def test_cp_sat_after_priced_hours_never_loses_what_they_found(r: Round) -> None:
    """CP-SAT on the small hours-bound components starts from the priced hours'
    assignment: the answer is never worse than the priced hours alone (``cp_sat_pairs=0``),
    and its bound no looser. (CP-SAT told to stop at its first solution: on rounds this
    small it would otherwise find the optimum from anywhere.)"""
    first = {"cp_sat_parameters": {"absolute_gap_limit": 1e15}, "time_limit": 1.0}
    alone = r.priced(working_set=1, mentor_working_set=None, cp_sat_pairs=0, **first)
    both = r.priced(working_set=1, mentor_working_set=None, **first)
    assert feasible(r, both)
    assert both.objective >= alone.objective
    assert both.bound <= alone.bound
    assert r.all_pairs().objective <= both.bound


@SETTINGS
@given(rounds(hours=True), st.sampled_from([0.01, 0.2, 0.5]))
def test_gap_limit_leaves_cp_sat_components_to_be_proven(r: Round, limit: float) -> None:
    """The gap limit stops only the neighbourhood search on components too big for
    CP-SAT: small hours-bound components still go to CP-SAT after the priced hours, so the
    answer is proven whenever the all-pairs solve proves it."""
    res = r.priced(working_set=1, mentor_working_set=None, gap_limit=limit)
    exact = r.all_pairs()
    assert feasible(r, res)
    assert res.objective <= exact.objective <= res.bound
    if exact.status == "optimal":
        assert res.status == "optimal" and res.objective == exact.objective


@settings(max_examples=300, deadline=None)
@given(rounds(hours=True))
def test_cp_sat_stopped_at_its_gap_limit_is_not_called_optimal(r: Round) -> None:
    """CP-SAT reports OPTIMAL when it stops at a ``relative_gap_limit`` or
    ``absolute_gap_limit`` passed through ``[solver.cp_sat]``; the answer is then optimal
    only when its bound meets its value, and the bound stays valid."""
    exact = r.all_pairs()
    loose = r.all_pairs(cp_sat_parameters={"absolute_gap_limit": 1e15}, time_limit=1.0)
    assert loose.objective <= exact.objective <= loose.bound
    if loose.status == "optimal":
        assert loose.objective == exact.objective == loose.bound


def crowded_round(n: int = 60, m: int = 12, seed: int = 3) -> Round:
    """Every mentee's best pair is the same busy mentor: a one-pair working set is far
    from enough, so pricing must add many pairs over several rounds."""
    rng = np.random.default_rng(seed)
    mentee = np.repeat(np.arange(n, dtype=np.int32), m)
    mentor = np.tile(np.arange(m, dtype=np.int32), n)
    steps = rng.integers(1, 90, n * m) * (SCORE_GRID // 100)
    steps[mentor == 0] = 0  # mentor 0 is everyone's best
    order = np.lexsort((mentor, steps, mentee))
    store = Store(mentee[order], mentor[order], steps[order].astype(np.uint32))
    kw: dict[str, Any] = dict(
        n_mentees=n, n_mentors=m, mentor_capacity=rng.integers(1, 4, m),
        priority=rng.integers(1, 4, n).astype(float), mentor_hours=None,
        mentor_group=rng.integers(-1, 2, m), group_capacity=np.array([6, 4]),
    )  # fmt: skip
    return Round(store, np.ones(n), kw)


def test_tiny_working_set_converges_to_the_optimum() -> None:
    r = crowded_round()
    exact = r.all_pairs()
    res = r.priced(working_set=1, mentor_working_set=None)
    assert exact.status == "optimal" and res.status == "optimal"
    assert res.objective == exact.objective
    assert res.pricing_rounds > 2  # it took several sweeps...
    assert 60 < res.columns < len(r.store.mentee)  # ...and never every pair


def test_default_working_set_also_converges() -> None:
    r = crowded_round(seed=4)
    assert r.priced().objective == r.all_pairs().objective


@SETTINGS
@given(rounds(), st.sampled_from([64, 0]))
def test_store_model_derives_what_integer_model_derives(r: Round, codes: int) -> None:
    """The compiled sweeps give the all-pairs model's weight, resolutions and seats (the
    seats that fit hours counted per load, or by heaps of loads)."""
    s = r.store
    kw = {k: v for k, v in r.kw.items() if k not in ("n_mentees", "n_mentors")}
    args = dict(mentor_group=None, group_capacity=None, time_limit=60.0, workers=1,
                score_resolution=10_000, cp_sat_parameters=None, spread_load=0.0,
                seat_offset=None, objective="coverage_first")  # fmt: skip
    args.update(kw)
    inp, load = validate_store(s, n_mentees=r.kw["n_mentees"], n_mentors=r.kw["n_mentors"],
                               mentee_load=r.load, **args)  # fmt: skip
    sm = store_model(s, inp, load, max_load_codes=codes)
    md = integer_model(validate(
        pair_mentee=s.mentee, pair_mentor=s.mentor, score=r.score, load=r.load[s.mentee],
        n_mentees=r.kw["n_mentees"], n_mentors=r.kw["n_mentors"], require_all=False,
        method="auto", **args,
    ))  # fmt: skip
    assert sm.weight == md.weight
    assert (sm.priority_resolution, sm.load_resolution) == (md.priority_resolution,
                                                            md.load_resolution)  # fmt: skip
    np.testing.assert_array_equal(sm.cap, md.cap)
    np.testing.assert_array_equal(sm.hours, md.hours)
    assert sm.n_filtered == md.n_filtered
    from matcher.assignment.flow import seats_where_loads_fit

    np.testing.assert_array_equal(sm.relax_cap, seats_where_loads_fit(md, largest=False))
    np.testing.assert_array_equal(sm.safe_cap, seats_where_loads_fit(md, largest=True))


def test_solve_round_uses_every_pair_below_the_threshold() -> None:
    r = crowded_round()
    kw = {**r.kw, "mentee_load": r.load}
    small = solve_round(r.store, **kw)
    exact = r.all_pairs()
    np.testing.assert_array_equal(small.chosen, exact.chosen)
    assert small.pricing_rounds == 0 and small.columns == len(r.store.mentee)
    forced = solve_round(r.store, pricing_min_pairs=0, **kw)
    assert forced.pricing_rounds >= 1 and forced.objective == exact.objective
    assert solve_round(r.store, working_set=0, pricing_min_pairs=0, **kw).pricing_rounds == 0


def test_pricing_is_deterministic() -> None:
    r = crowded_round(seed=5)
    a, b = r.priced(working_set=1), r.priced(working_set=1)
    np.testing.assert_array_equal(a.chosen, b.chosen)
    assert (a.pricing_rounds, a.columns) == (b.pricing_rounds, b.columns)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"working_set": 0}, "'working_set' parameter of solve must be an integer >= 1"),
        ({"mentor_working_set": -1}, "'mentor_working_set' parameter"),
        ({"mentee_load": np.ones(3)}, "'mentee_load' parameter of solve must be of length"),
    ],
)
def test_bad_arguments(change: dict[str, Any], message: str) -> None:
    r = crowded_round()
    kw = {**r.kw, "mentee_load": r.load, **change}
    with pytest.raises(ParameterError, match=message):
        solve_store(r.store, **kw)


def test_unsorted_store_is_refused() -> None:
    r = crowded_round()
    s = r.store
    rev = Store(s.mentee[::-1].copy(), s.mentor[::-1].copy(), s.score_steps[::-1].copy())
    with pytest.raises(ParameterError, match="sorted by mentee"):
        solve_store(rev, mentee_load=r.load, **r.kw)


@dataclass(frozen=True)
class OffsetStore:
    """The same pairs read through CSR offsets, as :class:`matcher.candidates.Candidates`
    keeps them: its ``mentee`` must never be read."""

    indptr: np.ndarray
    mentor: np.ndarray
    score_steps: np.ndarray

    @property
    def mentee(self) -> np.ndarray:
        raise AssertionError("a store with offsets was read through its mentees")


def _offset_store(s: Store, n: int) -> OffsetStore:
    indptr = np.searchsorted(s.mentee, np.arange(n + 1)).astype(np.int64)
    return OffsetStore(indptr, s.mentor, s.score_steps)


@SETTINGS
@given(rounds())
def test_a_store_read_through_offsets_solves_as_one_with_mentees(r: Round) -> None:
    """Candidates keep offsets per mentee, not a mentee per pair: the solver reads them
    and gives the same assignment, bound and status, never touching ``mentee``."""
    a = r.priced()
    b = solve_store(_offset_store(r.store, r.kw["n_mentees"]), mentee_load=r.load, **r.kw)
    assert b.chosen.tolist() == a.chosen.tolist()
    assert (b.status, b.objective, b.bound) == (a.status, a.objective, a.bound)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.astype(np.int32), "1-D int64 'indptr'"),
        (lambda p: p[:-1], "1-D int64 'indptr'"),
        (lambda p: np.r_[p[:-1], p[-1] + 1], "rising from 0"),
        (lambda p: np.r_[p[0], p[2], p[1], p[3:]], "rising from 0"),
    ],
)
def test_bad_offsets_are_refused(change: Any, message: str) -> None:
    r = crowded_round()
    good = _offset_store(r.store, r.kw["n_mentees"])
    assert good.indptr[2] > good.indptr[1]  # the swap below makes them fall
    bad = OffsetStore(change(good.indptr), good.mentor, good.score_steps)
    with pytest.raises(ParameterError, match=message):
        solve_store(bad, mentee_load=r.load, **r.kw)


@SETTINGS
def _store_model(r: Round) -> tuple[Any, dict[str, Any], int, int, Any]:
    """The round's store, its solver arguments, sizes and store model."""
    s = r.store
    args = {k: v for k, v in r.kw.items() if k not in ("n_mentees", "n_mentors")}
    args = {"mentor_group": None, "group_capacity": None, "time_limit": 60.0, "workers": 1,
            "score_resolution": 10_000, "cp_sat_parameters": None, **args}  # fmt: skip
    n, m = r.kw["n_mentees"], r.kw["n_mentors"]
    inp, load = validate_store(s, n_mentees=n, n_mentors=m, mentee_load=r.load, **args)
    return s, args, n, m, store_model(s, inp, load)


@given(rounds(hours=True), st.integers(0, 2**31), st.sampled_from([1, 2, 1000]))
def test_dual_bound_holds_over_every_pair_after_any_sweep(r: Round, seed: int, sweeps: int) -> None:  # noqa: E501
    """The lemma the proofs rest on: with any hour prices, after any number of pricing
    sweeps from a one-pair working set, the bound is at least the priced flow optimum over
    every pair; once pricing has converged it is that optimum."""
    from matcher.assignment.columns import HourPrices, column_generation
    from matcher.assignment.flow import flow_assignment
    from matcher.assignment.model import objective_values

    s, args, n, m, sm = _store_model(r)
    md = integer_model(validate(pair_mentee=s.mentee, pair_mentor=s.mentor, score=r.score,
                                load=r.load[s.mentee], n_mentees=n, n_mentors=m,
                                require_all=False, method="auto", **args))  # fmt: skip
    lam = np.random.default_rng(seed).integers(0, 3 * max(md.weight, 1), m)
    prices = HourPrices(lam, 2, 2 * max(md.weight, 1), 2**40)
    from matcher.assignment.kernels import best_k

    pos = best_k(sm.indptr, sm.mentor, sm.steps, sm.load, sm.hours, sm.mentor_ok, 1)
    cols = column_generation(sm, pos, sm.relax_cap, np.ones(n, dtype=bool), prices, sweeps)
    bound = int(cols.u.sum() + cols.mentor_term.sum() + cols.group_term.sum())
    price = prices.of_pairs(md)
    chosen = flow_assignment(md, sm.relax_cap, price=price)
    assert chosen is not None
    one = np.zeros(max(n, m, 1), dtype=np.int64)
    best = int(objective_values(md, chosen, one[:n], one[:m], 1)[0])
    best -= 0 if price is None else int(price[chosen].sum())
    assert bound >= best
    if cols.converged:
        assert bound == best


@pytest.mark.parametrize(("n", "m"), [(0, 0), (3, 0), (0, 2), (3, 2)])
def test_round_without_pairs(n: int, m: int) -> None:
    empty = Store(np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0, np.uint32))
    res = solve_store(empty, n_mentees=n, n_mentors=m, mentor_capacity=np.ones(m, dtype=int))
    assert res.status == "optimal" and res.objective == res.bound == 0
    assert (res.mentor_of == -1).all() and res.mentor_of.size == n and res.chosen.size == 0


@SETTINGS
@given(rounds(hours=True), st.integers(0, 2**31))
def test_warm_reprice_reaches_the_fresh_optimum(r: Round, seed: int) -> None:
    """Re-pricing the working set's flow from its old basis (what the hour-price search
    does each step) gives the same priced optimum as solving afresh."""
    from matcher.assignment.columns import HourPrices, column_generation
    from matcher.assignment.duals import WorkingFlow
    from matcher.assignment.kernels import best_k

    s, args, n, m, sm = _store_model(r)
    pos = best_k(sm.indptr, sm.mentor, sm.steps, sm.load, sm.hours, sm.mentor_ok, 2)
    cols = column_generation(sm, pos, sm.relax_cap, np.ones(n, dtype=bool))
    md = cols.md
    lam = np.random.default_rng(seed).integers(0, 3 * max(md.weight, 1), m)
    price = HourPrices(lam, 2, 2 * max(md.weight, 1), 2**40).of_pairs(md)
    fresh = WorkingFlow(md, sm.relax_cap, price)
    cols.flow.reprice(price)
    warm_x, fresh_x = cols.flow.duals().chosen, fresh.duals().chosen
    assert _flow_value(md, warm_x, price) == _flow_value(md, fresh_x, price)


def _flow_value(md: Any, x: np.ndarray, price: np.ndarray | None) -> int:
    """The priced flow's objective: its pairs' gains less their seats' spreading costs
    (the k-th seat a mentor fills costs ``seat_penalty(j, k)``, as in the network)."""
    gain = md.weight * md.p[md.mentee] + md.s - (0 if price is None else price)
    value = int(gain[x].sum())
    if md.spread_units > 0:
        used = np.bincount(md.mentor[x], minlength=md.m)
        who = np.repeat(np.arange(md.m), used)
        seat = np.arange(who.size) - np.repeat(np.cumsum(used) - used, used) + 1
        value -= int(md.seat_penalty(who, seat).sum())
    return value


def hours_round(seed: int, n: int = 300, m: int = 40, deg: int = 8) -> Round:
    """Mentors whose weekly hours bind well before their seats, mentees of mixed loads:
    the relaxation that ignores hours breaks many mentors' hours."""
    rng = np.random.default_rng(seed)
    mentee = np.repeat(np.arange(n, dtype=np.int32), deg)
    mentor = np.concatenate([rng.choice(m, deg, replace=False) for _ in range(n)])
    mentor = mentor.astype(np.int32)
    steps = (rng.integers(0, 100, n * deg) * (SCORE_GRID // 100)).astype(np.uint32)
    order = np.lexsort((mentor, steps, mentee))
    store = Store(mentee[order], mentor[order], steps[order])
    kw: dict[str, Any] = dict(
        n_mentees=n, n_mentors=m, mentor_capacity=rng.integers(2, 6, m),
        priority=rng.integers(1, 4, n).astype(float),
        mentor_hours=rng.integers(2, 9, m).astype(float), mentor_group=rng.integers(-1, 3, m),
        group_capacity=np.array([9, 8, 7]),
    )  # fmt: skip
    return Round(store, rng.integers(1, 5, n) / 2, kw)


@pytest.mark.parametrize("seed", [0, 2, 3])
def test_hour_price_search_reaches_the_optimal_coverage(seed: int) -> None:
    """Priced hours on the working set (forced: no component to CP-SAT whole) from a
    one-pair working set: hours-feasible, objective <= CP-SAT's proven optimum <= the
    bound over every pair, and the coverage (priorities matched) of that optimum."""
    r = hours_round(seed)
    exact = r.all_pairs()
    res = r.priced(working_set=1, mentor_working_set=None, cp_sat_pairs=0, time_limit=5.0)
    assert exact.status == "optimal"
    assert feasible(r, res)
    assert res.objective <= exact.objective <= res.bound
    assert res.total_priority == exact.total_priority


@pytest.mark.parametrize("seed", [0, 2, 3])
def test_hour_price_search_alone_fits_hours_at_full_coverage(seed: int) -> None:
    """The price search by itself (no neighbourhood search after it) ends with an
    hours-feasible assignment of the optimal coverage, its bound valid."""
    import time

    from matcher.assignment.columns import column_generation, components
    from matcher.assignment.hours import improve_hours
    from matcher.assignment.kernels import best_k
    from matcher.assignment.store import working_model

    r = hours_round(seed)
    exact = r.all_pairs()
    s = r.store
    args = {k: v for k, v in r.kw.items() if k not in ("n_mentees", "n_mentors")}
    args = {"time_limit": 60.0, "workers": 1, "score_resolution": 10_000,
            "cp_sat_parameters": None, "spread_load": 0.0, "seat_offset": None,
            "objective": "coverage_first", **args}  # fmt: skip
    n, m = r.kw["n_mentees"], r.kw["n_mentors"]
    inp, load = validate_store(s, n_mentees=n, n_mentors=m, mentee_load=r.load, **args)
    sm = store_model(s, inp, load)
    pos = best_k(sm.indptr, sm.mentor, sm.steps, sm.load, sm.hours, sm.mentor_ok, 1)
    cols = column_generation(sm, pos, sm.relax_cap, np.ones(n, dtype=bool))
    comp = components(sm)
    big = np.ones(comp.count, dtype=bool)
    out = improve_hours(sm, cols, comp, big, time.perf_counter() + 60.0, 0.0, 1, {})
    md = working_model(sm, np.sort(out.chosen))
    one = np.ones(md.mentee.size, dtype=bool)
    assert (np.bincount(md.mentor, md.load, minlength=m) <= sm.hours).all()
    assert out.steps > 0
    assert int(md.p[md.mentee].sum()) == round(exact.total_priority * sm.priority_resolution)
    assert comp.values(md, one).sum() <= exact.objective <= out.bound.sum()


@pytest.mark.parametrize("seed", [2, 3])
def test_gap_limit_stops_the_search_within_the_limit_and_repeats(seed: int) -> None:
    """With a gap limit the neighbourhood search after the hour prices is skipped once the
    proven gap is within it: the answer is hours-feasible, its gap (bound valid over every
    pair) within the limit, the same in two runs; searching on (gap limit 0) finds more on
    these rounds, so the limit did stop it."""
    r = hours_round(seed)
    kw: dict[str, Any] = dict(working_set=1, mentor_working_set=None, cp_sat_pairs=0,
                              time_limit=20.0)  # fmt: skip
    exact = r.all_pairs()
    loose = [r.priced(gap_limit=1e-4, **kw) for _ in range(2)]
    np.testing.assert_array_equal(loose[0].chosen, loose[1].chosen)
    full = r.priced(gap_limit=0.0, **kw)
    for res in (loose[0], full):
        assert feasible(r, res)
        assert res.objective <= exact.objective <= res.bound
    assert 0 < loose[0].gap <= 1e-4
    assert loose[0].objective < full.objective


@pytest.mark.parametrize(
    ("gap", "bound", "limit", "short"),
    [(7, 1000, 0.0, 7), (10, 1000, 0.01, 0), (11, 1000, 0.01, 1), (0, 0, 0.5, 0),
     (5, -3, 0.5, 5)],
)  # fmt: skip
def test_shortfall_is_what_is_left_above_the_limit(
    gap: int, bound: int, limit: float, short: int
) -> None:
    from matcher.assignment.lns import shortfall

    assert shortfall(gap, bound, limit) == short


@pytest.mark.parametrize("bad", [-0.1, 1.0, float("nan"), "0.1", True])
def test_gap_limit_is_checked(bad: Any) -> None:
    r = crowded_round()
    with pytest.raises(ParameterError, match="'gap_limit' parameter of solve must be a number"):
        solve_store(r.store, mentee_load=r.load, gap_limit=bad, **r.kw)
    with pytest.raises(ParameterError, match="'gap_limit' parameter of solve must be a number"):
        r.all_pairs(gap_limit=bad)


@SETTINGS
@given(rounds(max_n=30, max_m=6, max_deg=6), st.integers(0, 4))
def test_each_mentors_most_valuable_pairs(r: Round, extra: int) -> None:
    """The first working set's per-mentor pairs: each mentor's ``keep`` usable pairs of the
    highest value ``M p + s`` (ties: the earlier position), as a sort over all pairs."""
    from matcher.assignment.kernels import best_per_mentor
    from matcher.assignment.store import score_units

    *_, sm = _store_model(r)
    keep = sm.relax_cap + extra
    got = best_per_mentor(sm.indptr, sm.mentor, sm.steps, float(SCORE_GRID),
                          float(sm.score_resolution), sm.weight, sm.p, sm.load, sm.hours,
                          sm.mentor_ok, keep)  # fmt: skip
    pos = np.arange(sm.mentor.size)
    ok = sm.mentor_ok[sm.mentor] & (sm.load[sm.mentee_at(pos)] <= sm.hours[sm.mentor])
    value = sm.weight * sm.p[sm.mentee_at(pos)] + score_units(sm, pos)
    want: list[int] = []
    for j in range(sm.m):
        mine = pos[ok & (sm.mentor == j)]
        order = np.lexsort((mine, -value[mine]))
        want += mine[order][: max(int(keep[j]), 0)].tolist()
    np.testing.assert_array_equal(got, np.sort(np.array(want, dtype=np.int64)))


@SETTINGS
@given(rounds(max_n=40, max_m=8, max_deg=6), st.integers(2, 5))
def test_a_sweep_split_over_threads_is_the_same_sweep(r: Round, threads: int) -> None:
    """Pricing split into mentee ranges on several threads adds the same pairs and gives
    the same bound as one thread."""
    from matcher.assignment.columns import HourPrices, column_generation, price_round
    from matcher.assignment.kernels import best_k

    *_, sm = _store_model(r)
    pos = best_k(sm.indptr, sm.mentor, sm.steps, sm.load, sm.hours, sm.mentor_ok, 1)
    cols = column_generation(sm, pos, sm.relax_cap, np.ones(sm.n, dtype=bool), max_rounds=1)
    region = np.ones(sm.n, dtype=bool)
    one = price_round(sm, cols, HourPrices.none(sm.m), region, 4, threads=1)
    u_one = cols.u.copy()
    many = price_round(sm, cols, HourPrices.none(sm.m), region, 4, threads=threads)
    np.testing.assert_array_equal(one, many)
    np.testing.assert_array_equal(u_one, cols.u)


@pytest.mark.parametrize("seed", [0, 2, 3])
def test_hours_are_searched_even_when_the_relaxation_used_the_time_limit(seed: int) -> None:
    """A relaxation slower than the whole time limit (as at 200k x 40k) still leaves the
    hour-price search its floor: the coverage it reaches, not the relaxed flow's repair."""
    import time
    from unittest.mock import patch

    from matcher.assignment import pricing

    limit = 2.0
    real = pricing.column_generation

    def slow(*a: Any, **k: Any) -> Any:
        out = real(*a, **k)
        time.sleep(limit)  # the relaxation has used the whole limit
        return out

    r = hours_round(seed)
    exact = r.all_pairs()
    kw = {"working_set": 1, "mentor_working_set": None, "cp_sat_pairs": 0, "time_limit": limit}
    with patch.object(pricing, "column_generation", slow):
        res = r.priced(**kw)
        with patch.object(pricing, "HOURS_FLOOR", 0.0):
            repaired = r.priced(**kw)
    assert feasible(r, res) and feasible(r, repaired)
    assert res.objective <= exact.objective <= res.bound
    assert res.total_priority == exact.total_priority
    assert res.objective >= repaired.objective


def test_cp_sat_after_the_hours_floor_gets_the_rest_of_it() -> None:
    """Small components where hours bind, after a relaxation that used the whole limit:
    CP-SAT still gets what the floor leaves after the hour-price search, and proves them."""
    import time
    from unittest.mock import patch

    from matcher.assignment import pricing

    limit = 6.0
    real = pricing.column_generation

    def slow(*a: Any, **k: Any) -> Any:
        out = real(*a, **k)
        time.sleep(limit)
        return out

    r = hours_round(0)
    exact = r.all_pairs()
    with patch.object(pricing, "column_generation", slow):
        res = r.priced(working_set=1, mentor_working_set=None, time_limit=limit)
    assert exact.status == "optimal"
    assert feasible(r, res)
    assert res.status == "optimal" and res.objective == exact.objective


def test_a_store_of_lists_is_refused_with_a_parameter_error() -> None:
    r = crowded_round()
    s = r.store
    listed = Store(s.mentee, s.mentor.tolist(), s.score_steps)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="1-D int32 'mentor'"):
        solve_store(listed, mentee_load=r.load, **r.kw)
