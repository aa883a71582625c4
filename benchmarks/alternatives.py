"""The alternatives a user would reach for, on the same candidate pairs and capacities.

Every method takes an :class:`Instance` (the arrays ``matcher.solve`` was given in the
round: pairs, scores, loads, remaining seats, hours and supervisor caps, priorities) and
returns an :class:`Outcome` (the pairs it chose). :func:`evaluate` values any assignment the
same way: matched mentees, total priority, total score, and the limits it breaks.

All of them optimise the same objective as matcher's ``coverage_first`` where they can: one
unit of priority outweighs every score difference (weight ``M * priority + score``).

- ``greedy``: pairs by that weight, best first; a pair is taken when its mentee is free and
  its mentor has a seat, the hours and supervisor room (numba; respects every limit).
- ``scipy_sparse``: :func:`scipy.sparse.csgraph.min_weight_full_bipartite_matching`. Each
  mentor becomes ``capacity`` seat columns. The function needs a *full* matching (every
  row matched), so each mentee also gets a private dummy column ("unmatched", weight 0):
  a full matching always exists and a mentee placed on its dummy is unmatched. Costs are
  ``C - w`` on real arcs and ``C`` on dummies (``C`` above every weight, so all are
  positive). Seats only: hours and supervisor caps cannot be expressed.
- ``hospital_resident``: the ``matching`` library's resident-optimal stable matching.
  Mentees rank their candidates by score; mentors rank their candidates by priority, then
  score. Seats only. Pure Python: run only up to :data:`HR_MAX_PAIRS` pairs.
- ``min_cost_flow``: OR-Tools ``SimpleMinCostFlow`` on every pair, built with vectorised
  calls: mentee -> mentor -> supervisor -> sink, plus a mentee -> sink "unmatched" arc
  costing ``M * priority``. Seats and supervisor caps (a flow expresses both exactly);
  hours cannot be expressed.
- ``cp_sat``: a plain CP-SAT model, one Boolean per pair, every limit, no hints; small
  instances only (:data:`CP_SAT_MAX_PAIRS`).
"""

from __future__ import annotations

import math
import sys
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

__all__ = [
    "CP_SAT_MAX_PAIRS",
    "EXPRESSES",
    "HR_MAX_PAIRS",
    "LIMITS",
    "METHODS",
    "Evaluation",
    "Instance",
    "Outcome",
    "evaluate",
    "not_applicable",
    "run_method",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: The limits of a round; an alternative is checked against each.
LIMITS = ("seats", "hours", "supervisor")
#: What each method can express (the rest it ignores, and is checked for).
EXPRESSES: dict[str, tuple[str, ...]] = {
    "matcher": LIMITS,
    "greedy": LIMITS,
    "scipy_sparse": ("seats",),
    "hospital_resident": ("seats",),
    "min_cost_flow": ("seats", "supervisor"),
    "cp_sat": LIMITS,
}
#: The pure-Python stable matching builds a player object per mentee and mentor and lists
#: per pair: measured 5 s at 52k pairs, 22 s at 161k (growing faster than the pairs); the
#: regional round (~540k pairs) takes minutes, so beyond this it is not run.
HR_MAX_PAIRS = 600_000
#: A plain CP-SAT model (one Boolean per pair, built from Python) is for small rounds only.
CP_SAT_MAX_PAIRS = 600_000
# Integer units per 1.0 of score, as matcher's default ``score_resolution``.
SCORE_RESOLUTION = 10_000


@dataclass(frozen=True, eq=False)
class Instance:
    """One assignment problem: the arrays of a ``matcher.solve`` call.

    ``capacity``, ``hours`` and ``group_capacity`` are what is left after running
    relationships; ``hours`` is ``inf`` where a mentor has no limit.
    """

    mentee: IntArray
    mentor: IntArray
    score: FloatArray
    load: FloatArray
    priority: FloatArray
    capacity: IntArray
    hours: FloatArray
    group: IntArray
    group_capacity: IntArray
    n_mentees: int
    n_mentors: int
    require_all: bool = False

    @property
    def pairs(self) -> int:
        return int(self.mentee.size)

    def write(self, path: Path) -> None:
        """Write the instance as one uncompressed ``.npz`` file."""
        arrays: dict[str, Any] = {k: np.asarray(v) for k, v in asdict(self).items()}
        np.savez(path, **arrays)

    @classmethod
    def read(cls, path: Path) -> Instance:
        with np.load(path) as z:
            d = {k: z[k] for k in z.files}
        return cls(
            **{k: d[k] for k in ("mentee", "mentor", "score", "load", "priority")},
            capacity=d["capacity"].astype(np.int64),
            hours=d["hours"].astype(np.float64),
            group=d["group"].astype(np.int64),
            group_capacity=d["group_capacity"].astype(np.int64),
            n_mentees=int(d["n_mentees"]),
            n_mentors=int(d["n_mentors"]),
            require_all=bool(d["require_all"]),
        )

    def weights(self) -> tuple[IntArray, IntArray, int]:
        """Integer score and priority units per pair, and the lexicographic weight ``M``.

        ``M`` exceeds any possible total score, so one priority unit always wins
        (0 with ``require_all``: every mentee is matched and only the score counts).
        """
        s = np.round(self.score * SCORE_RESOLUTION).astype(np.int64)
        pri = self.priority
        scale = next((r for r in (1, 10, 100, 1000) if np.allclose(pri * r, np.round(pri * r))),
                     1000)  # fmt: skip
        p = np.round(pri * scale).astype(np.int64)[self.mentee]
        best = np.zeros(self.n_mentees, dtype=np.int64)
        np.maximum.at(best, self.mentee, s)
        big = 0 if self.require_all else int(best.sum()) + 1
        return s, p, big


@dataclass(frozen=True)
class Outcome:
    """What a method returned: chosen pair indices (None if it gave no assignment)."""

    status: str
    chosen: IntArray | None
    note: str = ""


@dataclass(frozen=True)
class Evaluation:
    """An assignment valued and checked the same way for every method."""

    matched: int
    total_priority: float
    total_score: float
    violations: int  # mentors (or supervisors) over a limit, summed over the limits
    by_limit: dict[str, int]
    unassigned: int  # with require_all: mentees left out (counted in violations)


def evaluate(inst: Instance, chosen: IntArray) -> Evaluation:
    """Value ``chosen`` and count every limit it breaks (vectorised)."""
    chosen = np.asarray(chosen, dtype=np.int64)
    who, to = inst.mentee[chosen], inst.mentor[chosen]
    twice = int(chosen.size - np.unique(who).size)  # a mentee given two mentors
    seats = np.bincount(to, minlength=inst.n_mentors)
    hours = np.bincount(to, weights=inst.load[chosen], minlength=inst.n_mentors)
    g = inst.group[to]
    in_group = np.bincount(g[g >= 0], minlength=inst.group_capacity.size)
    by_limit = {
        "seats": int((seats > inst.capacity).sum()) + twice,
        "hours": int((hours > inst.hours + 1e-9).sum()),
        "supervisor": int((in_group > inst.group_capacity).sum()),
    }
    unassigned = inst.n_mentees - int(np.unique(who).size) if inst.require_all else 0
    return Evaluation(
        matched=int(np.unique(who).size),
        total_priority=float(inst.priority[np.unique(who)].sum()),
        total_score=float(inst.score[chosen].sum()),
        violations=sum(by_limit.values()) + unassigned,
        by_limit=by_limit,
        unassigned=unassigned,
    )


def not_applicable(method: str, pairs: int) -> str | None:
    """Why ``method`` is not run on an instance of ``pairs`` pairs (None: it runs)."""
    if method == "hospital_resident":
        try:
            import matching  # noqa: F401
        except ImportError:
            return "the `matching` library is not installed (pip install '.[bench]')"
        if pairs > HR_MAX_PAIRS:
            return (
                f"{pairs:,} pairs > {HR_MAX_PAIRS:,}: the pure-Python stable matching "
                "would not finish in reasonable time"
            )
    if method == "cp_sat" and pairs > CP_SAT_MAX_PAIRS:
        return f"{pairs:,} pairs > {CP_SAT_MAX_PAIRS:,}: a plain CP-SAT model is for small rounds"
    return None


# --- greedy -----------------------------------------------------------------------------


@numba.njit(cache=True)
def _greedy_pass(
    order: IntArray, mentee: IntArray, mentor: IntArray, load: FloatArray,
    capacity: IntArray, hours: FloatArray, group: IntArray, gcap: IntArray, n: int,
) -> npt.NDArray[np.bool_]:  # fmt: skip
    taken = np.zeros(mentee.size, dtype=np.bool_)
    done = np.zeros(n, dtype=np.bool_)
    seats = capacity.copy()
    left = hours.copy()
    room = gcap.copy()
    for p in order:
        i, j = mentee[p], mentor[p]
        g = group[j]
        if done[i] or seats[j] <= 0 or load[p] > left[j] + 1e-9 or (g >= 0 and room[g] <= 0):
            continue
        taken[p] = True
        done[i] = True
        seats[j] -= 1
        left[j] -= load[p]
        if g >= 0:
            room[g] -= 1
    return taken


def greedy(inst: Instance, time_limit: float) -> Outcome:
    """Best pair first (weight ``M * priority + score``), every limit respected."""
    s, p, _ = inst.weights()
    order = np.lexsort((inst.mentor, inst.mentee, -s, -p)).astype(np.int64)
    taken = _greedy_pass(
        order, inst.mentee, inst.mentor, inst.load, inst.capacity, inst.hours, inst.group,
        inst.group_capacity, inst.n_mentees,
    )  # fmt: skip
    return Outcome("heuristic", np.flatnonzero(taken))


# --- scipy ------------------------------------------------------------------------------


def scipy_sparse(inst: Instance, time_limit: float) -> Outcome:
    """Seat expansion plus one dummy column per mentee (see the module docstring)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    s, p, big = inst.weights()
    w = (big * p + s).astype(np.float64)
    cap = np.minimum(inst.capacity, np.bincount(inst.mentor, minlength=inst.n_mentors))
    first = np.concatenate([[0], np.cumsum(cap)[:-1]]).astype(np.int64)
    reps = cap[inst.mentor]
    pair = np.repeat(np.arange(inst.pairs, dtype=np.int64), reps)
    seat = first[inst.mentor][pair] + (
        np.arange(pair.size, dtype=np.int64) - np.repeat(np.cumsum(reps) - reps, reps)
    )
    n, n_seats = inst.n_mentees, int(cap.sum())
    top = float(w.max(initial=0.0)) + 1.0
    rows = np.concatenate([inst.mentee[pair], np.arange(n)]).astype(np.int32)
    cols = np.concatenate([seat, n_seats + np.arange(n)]).astype(np.int32)
    cost = np.concatenate([top - w[pair], np.full(n, top)])
    del pair, seat
    graph = csr_matrix((cost, (rows, cols)), shape=(n, n_seats + n))
    del rows, cols, cost
    row, col = min_weight_full_bipartite_matching(graph)
    real = col < n_seats
    seat_mentor = np.repeat(np.arange(inst.n_mentors, dtype=np.int64), cap)
    chosen = _pair_index(inst, row[real].astype(np.int64), seat_mentor[col[real]])
    return Outcome("optimal", chosen, "ignores hours and supervisor caps")


def _pair_index(inst: Instance, mentee: IntArray, mentor: IntArray) -> IntArray:
    """Sorted indices of the pairs ``(mentee[k], mentor[k])`` (each must be a pair)."""
    key = inst.mentee * inst.n_mentors + inst.mentor
    order = np.argsort(key, kind="stable")
    pos = np.searchsorted(key[order], mentee * inst.n_mentors + mentor)
    found = order[np.minimum(pos, key.size - 1)]
    if not np.array_equal(key[found], mentee * inst.n_mentors + mentor):
        raise RuntimeError("an assignment used a pair that is not a candidate")
    return np.sort(found)


# --- hospital / resident ----------------------------------------------------------------


def hospital_resident(inst: Instance, time_limit: float) -> Outcome:
    """The ``matching`` library's resident-optimal stable matching (seats only)."""
    from matching.games import HospitalResident

    keep = np.flatnonzero(inst.capacity[inst.mentor] > 0)
    mentee, mentor, score = inst.mentee[keep], inst.mentor[keep], inst.score[keep]
    by_mentee = np.lexsort((mentor, -score, mentee))
    by_mentor = np.lexsort((mentee, -score, -inst.priority[mentee], mentor))
    resident_prefs: dict[int, list[int]] = {}
    for i, j in zip(mentee[by_mentee].tolist(), mentor[by_mentee].tolist(), strict=True):
        resident_prefs.setdefault(i, []).append(j)
    hospital_prefs: dict[int, list[int]] = {}
    for j, i in zip(mentor[by_mentor].tolist(), mentee[by_mentor].tolist(), strict=True):
        hospital_prefs.setdefault(j, []).append(i)
    capacities = {j: int(inst.capacity[j]) for j in hospital_prefs}
    result = _deep_stack(
        lambda: HospitalResident.create_from_dictionaries(
            resident_prefs, hospital_prefs, capacities
        ).solve(optimal="resident")
    )
    got_i, got_j = [], []
    for hospital, residents in result.items():
        for r in residents:
            got_i.append(r.name)
            got_j.append(hospital.name)
    chosen = _pair_index(inst, np.asarray(got_i, dtype=np.int64), np.asarray(got_j, np.int64))
    return Outcome("stable", chosen, "ignores hours and supervisor caps")


def _deep_stack(work: Callable[[], Any]) -> Any:
    """Run ``work`` in a thread with a 1 GiB stack and a high recursion limit.

    ``matching`` deep-copies its players, which link to each other through their
    preference lists: the copy recurses as deep as the chain of players (over Python's
    default limit from about 1 000 mentees).
    """
    out: list[Any] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # one warning per player it cleans; none here
                out.append(work())
        except BaseException as e:  # re-raised in the caller's thread
            errors.append(e)

    limit, size = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(2_000_000)
    threading.stack_size(2**30)
    try:
        t = threading.Thread(target=target)
        t.start()
        t.join()
    finally:
        threading.stack_size(size)
        sys.setrecursionlimit(limit)
    if errors:
        raise errors[0]
    return out[0]


# --- min-cost flow ----------------------------------------------------------------------


def min_cost_flow(inst: Instance, time_limit: float) -> Outcome:
    """Raw ``SimpleMinCostFlow`` on every pair: seats and supervisor caps, no hours."""
    from ortools.graph.python import min_cost_flow as mcf

    s, p, big = inst.weights()
    n, m, k = inst.n_mentees, inst.n_mentors, inst.group_capacity.size
    sink = n + m + k
    smcf = mcf.SimpleMinCostFlow()
    ones = np.ones(inst.pairs, dtype=np.int64)
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(inst.mentee, n + inst.mentor, ones, -s)
    p_of = np.zeros(n, dtype=np.int64)
    p_of[inst.mentee] = p
    everyone = np.arange(n, dtype=np.int64)
    if not inst.require_all:
        smcf.add_arcs_with_capacity_and_unit_cost(
            everyone, np.full(n, sink), np.ones(n, dtype=np.int64), big * p_of
        )
    out = np.where(inst.group >= 0, n + m + inst.group, sink)
    smcf.add_arcs_with_capacity_and_unit_cost(
        n + np.arange(m), out, inst.capacity, np.zeros(m, dtype=np.int64)
    )
    if k:
        smcf.add_arcs_with_capacity_and_unit_cost(
            n + m + np.arange(k), np.full(k, sink), inst.group_capacity,
            np.zeros(k, dtype=np.int64),
        )  # fmt: skip
    smcf.set_nodes_supplies(np.append(everyone, sink), np.append(np.ones(n, np.int64), -n))
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        return Outcome(f"flow status {status}", None)
    return Outcome("optimal", np.flatnonzero(smcf.flows(arcs) > 0), "ignores hours")


# --- CP-SAT -----------------------------------------------------------------------------


def cp_sat(inst: Instance, time_limit: float) -> Outcome:
    """A plain CP-SAT model: a Boolean per pair, every limit, one worker, no hint."""
    from ortools.sat.python import cp_model

    s, p, big = inst.weights()
    load_res = 100  # loads and hours in hundredths of an hour (loads rounded up)
    load = np.ceil(inst.load * load_res - 1e-9).astype(np.int64)
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(inst.pairs)]
    for idx in _groups(inst.mentee):
        (model.add_exactly_one if inst.require_all else model.add_at_most_one)(x[q] for q in idx)
    for idx in _groups(inst.mentor):
        j = int(inst.mentor[idx[0]])
        model.add(sum(x[q] for q in idx) <= int(inst.capacity[j]))
        if math.isfinite(inst.hours[j]) and load[idx].sum() > inst.hours[j] * load_res:
            hours = int(math.floor(inst.hours[j] * load_res + 1e-9))
            model.add(sum(int(load[q]) * x[q] for q in idx) <= hours)
    grp = inst.group[inst.mentor]
    for idx in _groups(np.where(grp >= 0, grp, -1)):
        g = int(grp[idx[0]])
        if g >= 0:
            model.add(sum(x[q] for q in idx) <= int(inst.group_capacity[g]))
    gain = (big * p + s).tolist()
    model.maximize(sum(c * v for c, v in zip(gain, x, strict=True)))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    code = solver.solve(model)
    name = solver.status_name(code).lower()
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Outcome(name, None)
    chosen = np.flatnonzero([solver.boolean_value(v) for v in x])
    bound = solver.best_objective_bound
    gap = (bound - solver.objective_value) / max(abs(bound), 1.0)
    return Outcome(name, chosen.astype(np.int64), f"gap {100 * gap:.4f} %")


def _groups(key: IntArray) -> list[IntArray]:
    """Pair indices grouped by ``key`` (one sort, then split)."""
    order = np.argsort(key, kind="stable")
    cuts = np.flatnonzero(np.diff(key[order])) + 1
    return np.split(order, cuts) if key.size else []


METHODS: dict[str, Callable[[Instance, float], Outcome]] = {
    "greedy": greedy,
    "scipy_sparse": scipy_sparse,
    "hospital_resident": hospital_resident,
    "min_cost_flow": min_cost_flow,
    "cp_sat": cp_sat,
}


def run_method(name: str, inst: Instance, time_limit: float) -> tuple[Outcome, float]:
    """Run one alternative; returns its outcome and wall-clock seconds.

    ``greedy`` is compiled (or loaded from numba's cache) before the clock starts.
    """
    if name == "greedy":
        z, o = np.zeros(1, np.int64), np.ones(1)
        _greedy_pass(z, z, z, o, z + 1, o, z - 1, z, 1)
    t0 = time.perf_counter()
    out = METHODS[name](inst, time_limit)
    return out, time.perf_counter() - t0
