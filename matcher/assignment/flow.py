"""Min-cost flow on the integer model, and the per-mentor seat counts that hours allow.

The flow ignores hours; :func:`seats_where_loads_fit` turns hours into seat limits: with a
mentor's *smallest* loads it gives a relaxation (every hours-feasible assignment keeps to
it), with its *largest* loads seats that are safe whatever pairs the flow picks.
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import min_cost_flow

from matcher.assignment.model import Model
from matcher.assignment.validate import BoolArray, IntArray, parameter_error

__all__ = ["flow_assignment", "seats_where_loads_fit"]


def seats_where_loads_fit(md: Model, largest: bool, pair_mask: BoolArray | None = None) -> IntArray:
    """Per mentor, the most seats such that its largest (or smallest) loads fit its hours."""
    sel = np.arange(md.mentee.size) if pair_mask is None else np.flatnonzero(pair_mask)
    order = sel[np.lexsort((-md.load[sel] if largest else md.load[sel], md.mentor[sel]))]
    mentor, load = md.mentor[order], md.load[order]
    degree = np.bincount(mentor, minlength=md.m)
    has = degree > 0
    first = (np.cumsum(degree) - degree)[has]  # position of each mentor's first pair
    cum = np.cumsum(load)
    within = cum - np.repeat(cum[first] - load[first], degree[has])
    fits = np.bincount(mentor[within <= md.hours[mentor]], minlength=md.m)
    return np.minimum(md.cap, fits).astype(np.int64)


def flow_assignment(
    md: Model, cap: IntArray, pair_mask: BoolArray | None = None, price: IntArray | None = None
) -> BoolArray | None:
    """Min-cost flow optimum with per-mentor seats ``cap``, ignoring hours.

    Returns the chosen-pair mask, or None when ``require_all`` cannot be met. Only pairs
    in ``pair_mask`` (default: all) and their mentees take part. ``price`` (per pair,
    objective units, >= 0) is added to each pair's arc cost: the Lagrangian price of the
    hours the pair would use (see :func:`lagrangian`).
    """
    n, m = md.n, md.m
    sink = n + m + md.n_groups
    idx = np.arange(md.mentee.size) if pair_mask is None else np.flatnonzero(pair_mask)
    mentee, mentor = md.mentee[idx], md.mentor[idx]
    active = np.zeros(n, dtype=bool)
    active[mentee] = True
    if pair_mask is None and not md.require_all:
        active[:] = True
    act = np.flatnonzero(active)
    seats = np.zeros(m, dtype=np.int64)
    used_mentors = np.unique(mentor)
    seats[used_mentors] = cap[used_mentors]
    out_node = np.where(md.group >= 0, n + m + md.group, sink)

    smcf = min_cost_flow.SimpleMinCostFlow()
    cost = -md.s[idx] if price is None else price[idx] - md.s[idx]
    pair_arcs = smcf.add_arcs_with_capacity_and_unit_cost(
        mentee, n + mentor, np.ones(idx.size, dtype=np.int64), cost
    )
    if not md.require_all:  # "unmatched" bypass costs the mentee's priority
        smcf.add_arcs_with_capacity_and_unit_cost(
            act, np.full(act.size, sink), np.ones(act.size, dtype=np.int64),
            md.weight * md.p[act],
        )  # fmt: skip
    has = np.flatnonzero(seats > 0)
    if md.spread_units > 0:  # one unit arc per seat: costs rise seat by seat (convex)
        who = np.repeat(has, seats[has])
        first = np.repeat(np.cumsum(seats[has]) - seats[has], seats[has])
        seat = np.arange(who.size, dtype=np.int64) - first + 1
        smcf.add_arcs_with_capacity_and_unit_cost(
            n + who, out_node[who], np.ones(who.size, dtype=np.int64), md.seat_penalty(who, seat)
        )
    else:
        smcf.add_arcs_with_capacity_and_unit_cost(
            n + has, out_node[has], seats[has], np.zeros(has.size, dtype=np.int64)
        )
    if md.n_groups:
        g = np.arange(md.n_groups, dtype=np.int64)
        smcf.add_arcs_with_capacity_and_unit_cost(
            n + m + g, np.full(g.size, sink), md.gcap, np.zeros(g.size, dtype=np.int64)
        )
    smcf.set_nodes_supplies(
        np.append(act, sink).astype(np.int64),
        np.append(np.ones(act.size, dtype=np.int64), -act.size).astype(np.int64),
    )
    status = smcf.solve()
    if status == smcf.INFEASIBLE or status == smcf.UNBALANCED:
        return None
    if status == smcf.BAD_COST_RANGE:
        raise parameter_error(
            "score_resolution", "small enough for OR-Tools min-cost flow", md.score_resolution
        )
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    chosen = np.zeros(md.mentee.size, dtype=bool)
    chosen[idx] = smcf.flows(pair_arcs) > 0
    return chosen
