"""An independent reference for the assignment: a plain two-stage CP-SAT model written
from the problem as docs/method.md states it, sharing no code with ``matcher``.

Test modules import it from here (never from each other). Loads, hours and priorities
must be multiples of 0.5 and scores are counted in units of 1/10 000, so the model is
exact on the instances the tests draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

__all__ = ["Instance", "plain_cp_sat"]


@dataclass
class Instance:
    """An assignment problem over explicit pairs (the arguments of ``matcher.solve``)."""

    n: int
    m: int
    mentee: np.ndarray
    mentor: np.ndarray
    score: np.ndarray
    load: np.ndarray
    cap: np.ndarray
    priority: np.ndarray
    hours: np.ndarray | None
    group: np.ndarray | None
    gcap: np.ndarray | None
    spread: float
    offset: np.ndarray
    objective: str = "coverage_first"
    require_all: bool = False


def plain_cp_sat(inst: Instance) -> tuple[float, float] | None:
    """The lexicographic optimum (total priority, total score less load spreading).

    Returns
    -------
    (float, float) or None
        The best total priority (0 unless ``coverage_first`` without ``require_all``)
        and, among assignments reaching it, the best secondary value; None when no
        assignment satisfies every constraint.
    """

    def build() -> tuple[cp_model.CpModel, list[Any], Any, Any]:
        md = cp_model.CpModel()
        x = [md.new_bool_var(f"x{e}") for e in range(inst.mentee.size)]
        for i in range(inst.n):
            xs = [x[e] for e in np.flatnonzero(inst.mentee == i)]
            if inst.require_all:
                md.add(sum(xs) == 1)
            else:
                md.add(sum(xs) <= 1)
        seat_pen = []
        for j in range(inst.m):
            es = np.flatnonzero(inst.mentor == j)
            md.add(sum(x[e] for e in es) <= int(inst.cap[j]))
            if inst.hours is not None:
                md.add(sum(int(2 * inst.load[e]) * x[e] for e in es) <= int(2 * inst.hours[j]))
            for t in range(1, len(es) + 1):  # y_t = "mentor j uses at least t seats"
                y = md.new_bool_var("")
                md.add(sum(x[e] for e in es) >= t).only_enforce_if(y)
                md.add(sum(x[e] for e in es) <= t - 1).only_enforce_if(~y)
                seat_pen.append(round(inst.spread * (inst.offset[j] + t) * 10_000) * y)
        if inst.group is not None and inst.gcap is not None:
            for g in range(len(inst.gcap)):
                es = np.flatnonzero(inst.group[inst.mentor] == g)
                md.add(sum(x[e] for e in es) <= int(inst.gcap[g]))
        prim = sum(round(inst.priority[inst.mentee[e]] * 2) * x[e] for e in range(len(x)))
        sec = sum(round(inst.score[e] * 10_000) * x[e] for e in range(len(x))) - sum(seat_pen)
        return md, x, prim, sec

    def maximise(expr) -> float | None:  # type: ignore[no-untyped-def]
        md.maximize(expr)
        s = cp_model.CpSolver()
        s.parameters.num_workers = 1
        st_ = s.solve(md)
        if st_ == cp_model.INFEASIBLE:
            return None
        assert st_ == cp_model.OPTIMAL
        return float(s.objective_value)

    md, x, prim, sec = build()
    p_opt = 0
    lexicographic = inst.objective == "coverage_first" and not inst.require_all
    if lexicographic:
        best_p = maximise(prim)
        if best_p is None:
            return None
        p_opt = round(best_p)
        md.add(prim >= p_opt)
    best_s = maximise(sec)
    if best_s is None:
        return None
    return (p_opt / 2 if lexicographic else 0.0, best_s / 10_000)
