"""Hours-feasible assignments from a relaxed one: greedy repair, then fill by flow.

Both keep every constraint except that :func:`repair` is the step that restores hours;
neither proves anything. Their answers are the hints and fallbacks of the exact stages.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from matcher.assignment.flow import flow_assignment, seats_where_loads_fit
from matcher.assignment.model import Model, hours_used
from matcher.assignment.validate import BoolArray

__all__ = ["fill", "repair"]


def repair(md: Model, chosen: BoolArray) -> BoolArray:
    """Make an assignment respect hours: each mentor keeps its best value-per-hour pairs."""
    over = hours_used(md, chosen) > md.hours
    pairs = np.flatnonzero(chosen & over[md.mentor])
    if pairs.size == 0:
        return chosen
    value = (md.weight * md.p[md.mentee[pairs]] + md.s[pairs]).astype(np.float64)
    density = value / np.maximum(md.load[pairs], 1)
    order = np.lexsort((pairs, -density, md.mentor[pairs]))
    pairs = pairs[order]
    mentor, load = md.mentor[pairs], md.load[pairs]
    cum = np.cumsum(load)
    first = np.r_[True, mentor[1:] != mentor[:-1]]
    base = np.maximum.accumulate(np.where(first, np.arange(pairs.size), 0))
    within = cum - cum[base] + load[base]
    out = chosen.copy()
    out[pairs[within > md.hours[mentor]]] = False
    return out


def fill(md: Model, chosen: BoolArray, region: BoolArray, rounds: int = 2) -> BoolArray:
    """Improve an hours-feasible assignment: keep it, and match still-unmatched mentees
    into the seats and hours left, by min-cost flow on seats that are safe whatever
    pairs the flow picks (the largest remaining candidate loads fit)."""
    if md.require_all:
        return chosen
    out = chosen.copy()
    for _ in range(rounds):
        used = np.bincount(md.mentor[out], minlength=md.m).astype(np.int64)
        left_hours = md.hours - hours_used(md, out)
        grp_used = np.bincount(md.group[md.mentor[out]] + 1, minlength=md.n_groups + 1)[1:]
        matched = np.zeros(md.n, dtype=bool)
        matched[md.mentee[out]] = True
        mask = region & ~matched[md.mentee] & (md.cap[md.mentor] > used[md.mentor])
        mask &= md.load <= left_hours[md.mentor]
        if not mask.any():
            break
        rest = replace(
            md, cap=md.cap - used, hours=left_hours, gcap=md.gcap - grp_used,
            seat_offset=md.seat_offset + used,
        )  # fmt: skip
        extra = flow_assignment(rest, seats_where_loads_fit(rest, True, mask), mask)
        if extra is None or not extra.any():
            break
        out |= extra
    return out
