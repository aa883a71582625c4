"""Tests of the staged CP-SAT path (first run, sampled neighbourhood search, second run):
every answer keeps every limit, never loses value, and its bound stays valid."""

from __future__ import annotations

import time

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.assignment.flow import seats_where_loads_fit
from matcher.assignment.lns import lns_sampled
from matcher.assignment.model import Model, integer_model, objective_values
from matcher.assignment.validate import validate
from tests.assignment.test_solve import Inst, check_invariants, feasible

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _dense(seed: int) -> Inst:
    """A small generalised-assignment-like instance whose hours bind: most mentees can go to
    most of 3-6 mentors; random supervisors, spreading, existing seats and require_all."""
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(8, 17)), int(rng.integers(3, 7))
    keep = rng.random((n, m)) < 0.8
    keep[np.arange(n), rng.integers(0, m, n)] = True
    mentee, mentor = np.nonzero(keep)
    k = mentee.size
    load = rng.integers(1, 7, k) / 2
    hours = np.bincount(mentor, load, minlength=m) * rng.uniform(0.2, 0.5, m)
    group = gcap = None
    if rng.random() < 0.4:
        group = rng.integers(-1, 2, m)
        gcap = rng.integers(n // 3, n, 2)
    return Inst(
        n, m, mentee.astype(np.int64), mentor.astype(np.int64), rng.integers(0, 101, k) / 100,
        load, rng.integers(2, n // 2 + 3, m), rng.integers(1, 7, n) / 2, np.floor(hours * 2) / 2,
        group, gcap, float(rng.choice([0.0, 0.0, 0.05])), rng.integers(0, 3, m),
        str(rng.choice(["coverage_first", "score_only"])), bool(rng.random() < 0.25),
    )  # fmt: skip


def _model(inst: Inst) -> Model:
    inp = validate(
        pair_mentee=inst.mentee, pair_mentor=inst.mentor, score=inst.score, **inst.kwargs(),
        time_limit=10.0, workers=1, score_resolution=10_000, cp_sat_parameters=None,
        method="auto",
    )  # fmt: skip
    return integer_model(inp)


def _value(md: Model, x: np.ndarray) -> int:
    one = np.zeros(max(md.n, md.m, 1), dtype=np.int64)
    return int(objective_values(md, x, one[: md.n], one[: md.m], 1)[0])


@SETTINGS
@given(st.integers(0, 2**32 - 1))
def test_staged_path_keeps_limits_and_a_valid_bound(seed: int) -> None:
    """CP-SAT stopped at its first conflict seldom proves anything, so the search and the
    second run take over: the answer keeps every limit and objective <= optimum <= bound."""
    inst = _dense(seed)
    exact = inst.run()
    res = inst.run(cp_sat_parameters={"max_number_of_conflicts": 0}, time_limit=1.0)
    check_invariants(inst, res)
    if exact.status == "infeasible":
        assert res.status in ("infeasible", "unknown")
        return
    assert exact.status == "optimal"
    if res.status in ("optimal", "feasible"):
        assert res.objective <= exact.objective <= res.bound


@SETTINGS
@given(st.integers(0, 2**32 - 1))
def test_sampled_search_from_nobody_matched_keeps_limits(seed: int) -> None:
    """From the empty assignment, the search returns one that keeps every limit and is
    worth at least as much, and no more than the optimum."""
    inst = _dense(seed)
    if inst.require_all:
        inst = Inst(**{**inst.__dict__, "require_all": False})
    md = _model(inst)
    empty = np.zeros(md.mentee.size, dtype=bool)
    region = np.ones(md.mentee.size, dtype=bool)
    top = seats_where_loads_fit(md, largest=True)
    best, _ = lns_sampled(md, empty, region, top, time.perf_counter() + 0.15, 1, {})
    assert feasible(inst, np.sort(md.orig[best]))
    exact = inst.run()
    assert _value(md, empty) <= _value(md, best) <= exact.objective


def test_sampled_search_improves_a_poor_start() -> None:
    """Nobody matched, every pair worth something: re-solving mentors matches mentees."""
    rng = np.random.default_rng(3)
    n, m = 30, 6
    mentee, mentor = np.repeat(np.arange(n), m), np.tile(np.arange(m), n)
    inst = Inst(
        n, m, mentee, mentor, rng.integers(1, 100, n * m) / 100, rng.integers(1, 5, n * m) / 2,
        np.full(m, 10), np.ones(n), np.full(m, 6.0), None, None, 0.0, np.zeros(m, np.int64),
    )  # fmt: skip
    md = _model(inst)
    empty = np.zeros(md.mentee.size, dtype=bool)
    top = seats_where_loads_fit(md, largest=True)
    best, improved = lns_sampled(md, empty, empty | True, top, time.perf_counter() + 1.0, 1, {})
    assert improved > 0 and _value(md, best) > 0
    assert feasible(inst, np.sort(md.orig[best]))
