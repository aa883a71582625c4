"""The exact CP-SAT model of one component (written straight into the model proto).

Used where hours can bind: on a component of the candidate graph whose flow relaxation
breaks some mentor's hours, and on the neighbourhoods of :mod:`matcher.assignment.lns`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.sat.python import cp_model, cp_model_helper

from matcher.assignment.model import INT_LIMIT, Model
from matcher.assignment.validate import BoolArray, IntArray, parameter_error

__all__ = ["MAX_PAIRS", "CpOutcome", "solve_component"]

# Components with more pairs than this are not sent to CP-SAT: on such sizes it cannot
# even finish presolve within a minute; the flow-based assignment and bound are reported.
MAX_PAIRS = 300_000


def _bool_vars(proto: Any, count: int) -> None:
    """Append ``count`` Boolean variables to a model proto quickly (by doubling)."""
    unit = cp_model_helper.CpModelProto()
    unit.merge_text_format("variables { domain: [0, 1] }")
    while count:
        if count & 1:
            proto.merge_from(unit)
        count >>= 1
        if count:
            unit.merge_from(unit)


def _linear(proto: Any, vars_: IntArray, coeffs: IntArray, lo: int, hi: int) -> None:
    """Append ``lo <= sum(coeffs * vars_) <= hi``."""
    ct = proto.constraints.add()
    ct.linear.vars.extend(vars_.tolist())
    ct.linear.coeffs.extend(coeffs.tolist())
    ct.linear.domain.extend([lo, hi])


@dataclass(frozen=True)
class CpOutcome:
    """What CP-SAT found on one component."""

    status: str
    chosen: IntArray | None  # global pair indices, None when no solution
    bound: int  # objective-unit upper bound for the component


@dataclass(frozen=True)
class _Layout:
    """Where each kind of variable sits in the model of one component."""

    pairs: IntArray  # canonical pair indices; x variables 0..k-1
    mentee: IntArray  # per pair
    mentor: IntArray  # per pair
    mentees: IntArray  # distinct, sorted; u variables u0..u0+nm-1 (unless require_all)
    m_first: IntArray  # first pair of each of ``mentees``
    mentors: IntArray  # distinct, sorted
    u0: int
    z0: int  # first seat variable (only with spread)
    seats: IntArray  # seat variables per mentor of ``mentors``
    z_start: IntArray  # z0 + cumulative seats
    n_vars: int

    @property
    def k(self) -> int:
        return int(self.pairs.size)

    @property
    def nm(self) -> int:
        return int(self.mentees.size)


def _layout(md: Model, pairs: IntArray) -> _Layout:
    """Number the variables of the model of ``pairs``."""
    mentee, mentor = md.mentee[pairs], md.mentor[pairs]
    mentees, m_first = np.unique(mentee, return_index=True)
    mentors = np.unique(mentor)
    k, nm = pairs.size, mentees.size
    u0 = k
    z0 = k + (0 if md.require_all else nm)
    seats = md.cap[mentors] if md.spread_units > 0 else np.zeros(mentors.size, dtype=np.int64)
    n_vars = z0 + int(seats.sum())
    z_start = z0 + np.concatenate([[0], np.cumsum(seats)]).astype(np.int64)
    return _Layout(pairs, mentee, mentor, mentees, m_first, mentors, u0, z0, seats, z_start, n_vars)


def _add_constraints(md: Model, lay: _Layout, proto: Any, top: IntArray) -> None:
    """Mentees (one pair or unmatched), mentors (seats, hours), supervisors."""
    k, nm, mentor, mentors, seats = lay.k, lay.nm, lay.mentor, lay.mentors, lay.seats
    # Each mentee: exactly one of its pairs, or "unmatched".
    bounds = np.append(lay.m_first, k)
    for i in range(nm):
        ct = proto.constraints.add()
        lits = list(range(int(bounds[i]), int(bounds[i + 1])))
        if not md.require_all:
            lits.append(lay.u0 + i)
        ct.exactly_one.literals.extend(lits)

    # Per mentor: seats (or seat variables with spread), and hours where they can bind.
    by_mentor = np.argsort(mentor, kind="stable").astype(np.int64)
    sizes = np.bincount(np.searchsorted(mentors, mentor), minlength=mentors.size)
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    z_start = lay.z_start
    for j, mj in enumerate(mentors.tolist()):
        xs = by_mentor[starts[j] : starts[j + 1]]
        cap = int(md.cap[mj])
        if seats[j] > 0:
            zs = np.arange(z_start[j], z_start[j + 1], dtype=np.int64)
            _linear(
                proto, np.concatenate([xs, zs]),
                np.concatenate([np.ones(xs.size, np.int64), -np.ones(zs.size, np.int64)]), 0, 0,
            )  # fmt: skip
        elif cap < xs.size:
            _linear(proto, xs, np.ones(xs.size, dtype=np.int64), 0, cap)
        if top[mj] < cap:  # the cap largest loads do not fit: hours can bind
            _linear(proto, xs, md.load[lay.pairs[xs]], 0, int(md.hours[mj]))

    # Per supervisor with room for fewer than its mentors' seats.
    grp = md.group[mentor]
    for g in np.unique(grp[grp >= 0]).tolist():
        gm = mentors[md.group[mentors] == g]
        if int(md.gcap[g]) < int(md.cap[gm].sum()):
            xs = np.flatnonzero(grp == g).astype(np.int64)
            _linear(proto, xs, np.ones(xs.size, dtype=np.int64), 0, int(md.gcap[g]))


def _add_objective(md: Model, lay: _Layout, proto: Any) -> int:
    """Minimise ``M * sum p u - sum s x + sum pen z``; returns the constant ``M * sum p``."""
    k, nm, seats, z0 = lay.k, lay.nm, lay.seats, lay.z0
    obj_vars = [np.arange(k, dtype=np.int64)]
    obj_coef = [-md.s[lay.pairs]]
    if not md.require_all:
        obj_vars.append(lay.u0 + np.arange(nm, dtype=np.int64))
        obj_coef.append(md.weight * md.p[lay.mentees])
    if seats.sum() > 0:
        who = np.repeat(lay.mentors, seats)
        seat = np.arange(who.size, dtype=np.int64) - np.repeat(lay.z_start[:-1] - z0, seats) + 1
        obj_vars.append(np.arange(z0, lay.n_vars, dtype=np.int64))
        obj_coef.append(md.seat_penalty(who, seat))
    ov, oc = np.concatenate(obj_vars), np.concatenate(obj_coef)
    nz = oc != 0
    proto.objective.vars.extend(ov[nz].tolist())
    proto.objective.coeffs.extend(oc[nz].tolist())
    return md.weight * int(md.p[lay.mentees].sum())


def _add_hint(md: Model, lay: _Layout, proto: Any, hint: BoolArray) -> None:
    """Hint every variable with the values of the assignment ``hint``."""
    k, nm, seats, z0, n_vars = lay.k, lay.nm, lay.seats, lay.z0, lay.n_vars
    values = np.zeros(n_vars, dtype=np.int64)
    x = hint[lay.pairs]
    values[:k] = x
    matched = np.zeros(nm, dtype=bool)
    matched[np.searchsorted(lay.mentees, lay.mentee[x])] = True
    if not md.require_all:
        values[lay.u0 : lay.u0 + nm] = ~matched
    if seats.sum() > 0:
        used = np.bincount(np.searchsorted(lay.mentors, lay.mentor[x]), minlength=lay.mentors.size)
        seat_rank = np.arange(n_vars - z0) - np.repeat(lay.z_start[:-1] - z0, seats)
        values[z0:] = seat_rank < np.repeat(used, seats)
    proto.solution_hint.vars.extend(range(n_vars))
    proto.solution_hint.values.extend(values.tolist())


def _run(
    model: cp_model.CpModel,
    lay: _Layout,
    constant: int,
    seconds: float,
    workers: int,
    parameters: Mapping[str, Any],
) -> CpOutcome:
    """Solve the built model and read the answer back in global pair indices."""
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.num_workers = workers
    prm.max_time_in_seconds = max(seconds, 0.01)
    prm.random_seed = 0
    # One worker is deterministic (same input, same answer unless cut by time); more
    # workers run CP-SAT's parallel portfolio: faster on hard components, but ties between
    # equally good assignments may then break differently from run to run.
    for key, val in parameters.items():
        try:
            setattr(prm, key, val)
        except (AttributeError, TypeError, ValueError) as exc:
            raise parameter_error(
                "cp_sat_parameters", "valid CP-SAT parameters", f"{key}={val!r}"
            ) from exc
    status = solver.solve(model)
    name = solver.status_name(status)
    if status == cp_model.INFEASIBLE:
        return CpOutcome("infeasible", None, 0)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if status == cp_model.MODEL_INVALID:
            raise RuntimeError(f"CP-SAT rejected the model: {model.validate()}")
        lb = solver.best_objective_bound
        ub = constant - math.ceil(lb - 1e-6) if math.isfinite(lb) else INT_LIMIT
        return CpOutcome("unknown", None, ub)
    sol = np.asarray(solver.response_proto.solution, dtype=np.int64)
    chosen = lay.pairs[sol[: lay.k] > 0]
    ub = constant - math.ceil(solver.best_objective_bound - 1e-6)
    # CP-SAT also says OPTIMAL when it stopped at a relative or absolute gap limit
    # (``[solver.cp_sat]``): optimal here only when the bound meets the value
    if status == cp_model.OPTIMAL and constant - round(solver.objective_value) >= ub:
        return CpOutcome("optimal", chosen, constant - round(solver.objective_value))
    if status == cp_model.OPTIMAL:
        return CpOutcome("feasible", chosen, ub)
    return CpOutcome(name.lower(), chosen, ub)


def solve_component(
    md: Model,
    pairs: IntArray,
    top: IntArray,
    hint: BoolArray | None,
    seconds: float,
    workers: int,
    parameters: Mapping[str, Any],
) -> CpOutcome:
    """Solve one component exactly with CP-SAT; ``pairs`` are sorted canonical indices.

    ``top`` is, per mentor, the most seats whose largest loads fit its hours: an hours
    constraint is only written where it can bind.

    Variables: x (one per pair), then u (unmatched, one per mentee, unless require_all),
    then z (one per mentor seat, only with spread). Minimises
    ``M * sum p u - sum s x + sum pen z``; the component objective is ``M * sum p - cost``.
    """
    lay = _layout(md, pairs)
    model = cp_model.CpModel()
    proto = model.proto
    _bool_vars(proto, lay.n_vars)
    _add_constraints(md, lay, proto, top)
    constant = _add_objective(md, lay, proto)
    if hint is not None:
        _add_hint(md, lay, proto, hint)
    return _run(model, lay, constant, seconds, workers, parameters)
