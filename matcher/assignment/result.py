"""What :func:`matcher.assignment.solve` returns: the assignment, its status and bound."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt

__all__ = ["SolveMethod", "SolveResult", "SolveStatus"]


class SolveStatus(StrEnum):
    """How far the solver got (a ``str``: ``status == "optimal"`` keeps working)."""

    #: Proven optimal.
    OPTIMAL = "optimal"
    #: Stopped by the time limit; the assignment satisfies every constraint, with a gap.
    FEASIBLE = "feasible"
    #: Proven that no assignment exists (only possible with ``require_all``).
    INFEASIBLE = "infeasible"
    #: Stopped before any assignment satisfying ``require_all`` was found.
    UNKNOWN = "unknown"


class SolveMethod(StrEnum):
    """Which solver decided the answer (a ``str``, like :class:`SolveStatus`)."""

    #: Min-cost flow alone proved the answer.
    FLOW = "flow"
    #: Every component went to CP-SAT.
    CP_SAT = "cp_sat"
    #: Some components by flow, others by CP-SAT.
    MIXED = "mixed"


@dataclass(frozen=True)
class SolveResult:
    """The answer of :func:`~matcher.assignment.solve`.

    Attributes
    ----------
    mentor_of : ndarray of int64, shape (n_mentees,)
        Mentor index of each mentee, ``-1`` when unmatched.
    chosen : ndarray of int64
        Sorted indices into the caller's pair arrays of the pairs used.
    status : SolveStatus
        ``optimal``: proven optimal. ``feasible``: the time limit stopped the search; the
        assignment satisfies every constraint and ``gap`` says how far from optimal it can
        be. ``infeasible``: proven that no assignment exists (only possible with
        ``require_all``). ``unknown``: the time limit stopped the search before any
        assignment satisfying ``require_all`` was found.
    objective : int
        Value of the assignment in *objective units* (``1 / score_resolution`` of one
        score point): ``primary_weight * P + S - D`` where ``P`` is the sum of the matched
        mentees' integer priorities (``round(priority * priority_resolution)``), ``S`` the
        sum of the chosen pairs' integer scores (``round(score * score_resolution)``) and
        ``D`` the integer spread penalty of the seats used. ``primary_weight`` is 0 for
        ``score_only`` and with ``require_all`` (every mentee is matched, so ``P`` is
        fixed). 0 when infeasible/unknown.
    bound : int
        A proven upper bound on ``objective`` over all feasible assignments, in the same
        units: ``bound >= objective`` always and ``bound == objective`` when optimal.
    gap : float
        ``(bound - objective) / max(|bound|, 1)``; 0.0 when optimal, NaN when
        infeasible/unknown.
    total_priority : float
        Sum of ``priority`` (input units) over matched mentees.
    total_score : float
        Sum of ``score`` (input units) over chosen pairs.
    spread_penalty : float
        ``spread_load * sum(seat numbers used)``, in score units (see :func:`solve`).
    seconds : float
        Wall-clock time of the call.
    method : SolveMethod
        ``flow``: min-cost flow alone proved the answer. ``cp_sat``: every component went to
        CP-SAT. ``mixed``: some components by flow, others by CP-SAT.
    n_components : int
        Connected components (mentees, mentors, supervisors joined by pairs) that hold at
        least one pair after the exact filters.
    n_cp_sat_components : int
        How many of them were solved by CP-SAT.
    primary_weight : int
        The lexicographic weight ``M`` of priority units in ``objective``.
    score_resolution, priority_resolution, load_resolution : int
        Integer units per 1.0 of score, priority and load/hours.
    n_pairs_filtered : int
        Pairs removed by exact filters (they cannot be in any feasible assignment).
    pruned : bool
        Always False: no heuristic candidate pruning is done, the answer is exact.
    cp_sat_status : tuple of str
        Per CP-SAT component, in component order: ``optimal``, ``feasible``, ``unknown``
        (no solution within its time share; the hint is kept), ``infeasible``, or
        ``skipped`` (more than 300 000 pairs, or no time left: the flow-based assignment
        and the flow relaxation bound are reported, status ``feasible``; components over
        300 000 pairs are first improved by Lagrangian pricing and large-neighbourhood
        search, whose CP-SAT runs are not listed here).
    pricing_rounds : int
        Sweeps that priced every pair left out of the solver's working set against the
        dual prices of its answer (:mod:`matcher.assignment.pricing`); 0 when every pair
        was in the solver.
    columns : int
        Pairs the solver held at the end: its working set, or every pair when
        ``pricing_rounds`` is 0.
    """

    mentor_of: npt.NDArray[np.int64]
    chosen: npt.NDArray[np.int64]
    status: SolveStatus
    objective: int
    bound: int
    gap: float
    total_priority: float
    total_score: float
    spread_penalty: float
    seconds: float
    method: SolveMethod
    n_components: int
    n_cp_sat_components: int = 0
    primary_weight: int = 0
    score_resolution: int = 1
    priority_resolution: int = 1
    load_resolution: int = 1
    n_pairs_filtered: int = 0
    pruned: bool = False
    cp_sat_status: tuple[str, ...] = field(default_factory=tuple)
    pricing_rounds: int = 0
    columns: int = 0
