"""One component by CP-SAT in stages: a first run, then, when it did not close the
component, sampled large-neighbourhood search, then CP-SAT again from the best assignment.

A single CP-SAT worker runs one tree search with no neighbourhood search of its own (that
needs more workers, and CP-SAT's interleaved one-thread portfolio spreads the time too
thin); on hard generalised assignment components (OR-Library gapd) its assignment was
0.7-1.7 % off the best known after 60 s. Re-solving a few mentors at a time
(:func:`~matcher.assignment.lns.lns_sampled`) finds better assignments much sooner, and
the second CP-SAT run starts from the best of them, which also helps it prune.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from matcher.assignment.cp_sat import CpOutcome, solve_component
from matcher.assignment.lns import lns_sampled
from matcher.assignment.model import Model, total_value
from matcher.assignment.validate import BoolArray, IntArray

__all__ = ["FIRST_SHARE", "LNS_PATIENCE", "LNS_SHARE", "solve_staged"]

#: Share of a component's time for the first CP-SAT run (most components end in it).
FIRST_SHARE = 0.1
#: Share for the neighbourhood search, when the first run did not close the component.
LNS_SHARE = 0.4
#: The search stops sooner when its best assignment has not improved for this share of the
#: time: the second CP-SAT run, which can prove optimality, gets what is left.
LNS_PATIENCE = 0.2


def solve_staged(
    md: Model,
    pairs: IntArray,
    top: IntArray,
    hint: BoolArray | None,
    seconds: float,
    workers: int,
    parameters: Mapping[str, Any],
) -> CpOutcome:
    """Solve the component of ``pairs`` (sorted canonical indices) within ``seconds``.

    ``hint`` (an assignment satisfying every constraint on the component, or None) seeds
    the first CP-SAT run. If that run proves the component optimal or infeasible, or
    finds no assignment while ``hint`` is None, its outcome is returned. Otherwise the
    better of its assignment and ``hint`` is improved by
    :func:`~matcher.assignment.lns.lns_sampled` for ``LNS_SHARE`` of the time (less if it
    stops improving for ``LNS_PATIENCE`` of it), and CP-SAT runs again, hinted with the
    result, for the rest. The assignment returned is the best
    one seen (exact values); the bound is the smaller of the two runs' bounds.
    """
    t0 = time.perf_counter()
    first = solve_component(md, pairs, top, hint, FIRST_SHARE * seconds, workers, parameters)
    if first.status in ("optimal", "infeasible"):
        return first
    region = np.zeros(md.mentee.size, dtype=bool)
    region[pairs] = True
    starts = []
    if first.chosen is not None:
        x = np.zeros(md.mentee.size, dtype=bool)
        x[first.chosen] = True
        starts.append(x)
    if hint is not None:
        starts.append(hint & region)
    if not starts:
        return first
    best = max(starts, key=lambda x: total_value(md, x))
    # outside the component ``best`` is empty: the search only moves pairs of ``region``
    lns_end = t0 + (FIRST_SHARE + LNS_SHARE) * seconds
    patience = LNS_PATIENCE * seconds
    best, _ = lns_sampled(md, best, region, top, lns_end, workers, parameters, patience=patience)
    left = seconds - (time.perf_counter() - t0)
    second = solve_component(md, pairs, top, best, left, workers, parameters)
    bound = min(first.bound, second.bound)
    if second.status == "optimal" or second.chosen is None:
        chosen = second.chosen if second.status == "optimal" else np.flatnonzero(best)
        status = second.status if second.status == "optimal" else "feasible"
        return CpOutcome(status, chosen, second.bound if second.status == "optimal" else bound)
    x = np.zeros(md.mentee.size, dtype=bool)
    x[second.chosen] = True
    chosen = second.chosen if total_value(md, x) >= total_value(md, best) else np.flatnonzero(best)
    return CpOutcome(second.status, chosen, bound)
