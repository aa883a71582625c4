"""The alternatives solve the problem they claim to, on small random instances."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from benchmarks.alternatives import Instance, evaluate, run_method


def _instance(seed: int, hours: bool) -> Instance:
    rng = np.random.default_rng(seed)
    n, m = 30, 8
    pairs = np.array([(i, j) for i in range(n) for j in range(m) if rng.random() < 0.35])
    k = len(pairs)
    return Instance(
        mentee=pairs[:, 0].astype(np.int64), mentor=pairs[:, 1].astype(np.int64),
        score=rng.random(k), load=rng.integers(1, 5, k) * 0.5 if hours else np.zeros(k),
        priority=rng.integers(1, 4, n).astype(float), capacity=rng.integers(0, 4, m),
        hours=rng.uniform(1, 4, m) if hours else np.full(m, np.inf),
        group=rng.integers(-1, 2, m), group_capacity=np.array([3, 2]), n_mentees=n,
        n_mentors=m,
    )  # fmt: skip


def _value(inst: Instance, method: str) -> tuple[float, float, int]:
    out, _ = run_method(method, inst, 10.0)
    assert out.chosen is not None
    ev = evaluate(inst, out.chosen)
    return round(ev.total_priority, 9), round(ev.total_score, 9), ev.violations


@pytest.mark.parametrize("seed", range(4))
def test_exact_methods_agree_and_relaxations_bound_them(seed: int) -> None:
    inst = _instance(seed, hours=True)
    *exact, broken = _value(inst, "cp_sat")
    assert broken == 0
    # the flow ignores hours only, scipy ignores hours and supervisors: relaxations
    assert _value(inst, "min_cost_flow")[:2] >= tuple(exact)
    assert _value(inst, "scipy_sparse")[:2] >= _value(inst, "min_cost_flow")[:2]
    assert _value(inst, "greedy")[2] == 0 and _value(inst, "greedy")[:2] <= tuple(exact)


@pytest.mark.parametrize("seed", range(4))
def test_without_hours_or_supervisors_flow_scipy_and_cp_sat_agree(seed: int) -> None:
    base = _instance(seed, hours=False)
    inst = replace(base, group=np.full(base.n_mentors, -1, np.int64))
    values = {m: _value(inst, m) for m in ("cp_sat", "min_cost_flow", "scipy_sparse")}
    assert len(set(values.values())) == 1, values
    assert values["cp_sat"][2] == 0


def test_stable_matching_keeps_seats_and_is_stable() -> None:
    pytest.importorskip("matching")
    inst = _instance(0, hours=False)
    out, _ = run_method("hospital_resident", inst, 10.0)
    assert out.chosen is not None
    assert evaluate(inst, out.chosen).by_limit["seats"] == 0
    # no blocking pair: a mentee who prefers a mentor with a free seat would take it
    mentor_of = np.full(inst.n_mentees, -1)
    mentor_of[inst.mentee[out.chosen]] = inst.mentor[out.chosen]
    used = np.bincount(inst.mentor[out.chosen], minlength=inst.n_mentors)
    mine = {
        int(i): float(inst.score[p])
        for i, p in zip(inst.mentee[out.chosen], out.chosen, strict=True)
    }
    for p in range(inst.pairs):
        i, j = int(inst.mentee[p]), int(inst.mentor[p])
        if used[j] < inst.capacity[j] and mentor_of[i] != j:
            assert i in mine and mine[i] >= inst.score[p]


def test_evaluate_counts_each_broken_limit() -> None:
    inst = Instance(
        mentee=np.array([0, 1, 2]), mentor=np.array([0, 0, 1]), score=np.ones(3),
        load=np.array([2.0, 2.0, 1.0]), priority=np.ones(3), capacity=np.array([1, 1]),
        hours=np.array([3.0, 5.0]), group=np.array([0, 0]), group_capacity=np.array([2]),
        n_mentees=3, n_mentors=2,
    )  # fmt: skip
    ev = evaluate(inst, np.array([0, 1, 2]))
    assert ev.by_limit == {"seats": 1, "hours": 1, "supervisor": 1}
    assert ev.matched == 3 and ev.violations == 3
