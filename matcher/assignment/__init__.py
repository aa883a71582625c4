"""Exact capacity-limited assignment of mentees to mentors, on arrays.

:func:`solve` takes the candidate pairs as parallel numpy arrays and returns a proven
optimum (or, when a time limit stops the search, the best assignment found together with
a proven bound and the relative gap). The method, for users, is in ``docs/method.md``.

How it works
------------
1. **Validate and canonicalise** (:mod:`~matcher.assignment.validate`,
   :func:`~matcher.assignment.model.canonical_order`). Pairs are sorted by
   ``(mentee, mentor, score, load)`` so the model never depends on the order the caller
   happened to give; the answer is mapped back to the caller's indices at the end.
2. **Integerise once** (:func:`~matcher.assignment.model.integer_model`): scores,
   priorities, loads, hours and the spread penalty become int64 with documented
   resolutions, and the lexicographic weight ``M`` is chosen so that one priority unit
   outweighs every possible score difference.
3. **Exact filters** that cannot change the optimum (also in ``integer_model``): pairs
   whose load alone exceeds the mentor's hours, pairs of mentors with no seat or whose
   supervisor has no room.
4. **Min-cost flow** (:mod:`~matcher.assignment.flow`; OR-Tools ``SimpleMinCostFlow``,
   vectorised calls): mentee -> mentor -> [supervisor] -> sink, plus a mentee -> sink
   "unmatched" arc that costs the mentee's priority. When no mentor's hours can bind (the
   sum of its ``capacity`` largest candidate loads fits in its hours) this is the whole
   problem.
5. **Hours that bind** make it a generalised assignment problem. The flow is then solved
   as a *relaxation* (each mentor limited to the most seats whose smallest loads fit); if
   its answer happens to respect every mentor's hours it is optimal. Otherwise the
   connected components (:mod:`~matcher.assignment.components`) of the candidate graph
   (mentees, mentors and supervisors) whose relaxed answer breaks hours go to CP-SAT
   (:mod:`~matcher.assignment.cp_sat`), hinted with the better of two hours-feasible
   assignments (the relaxed answer repaired greedily and filled,
   :mod:`~matcher.assignment.repair`, and a flow restricted to the seats whose *largest*
   loads fit). The relaxation value is an upper bound for each component; CP-SAT's bound
   is another; the smaller is reported. Each component is solved in stages
   (:mod:`~matcher.assignment.staged`): CP-SAT for a tenth of its time; if that does not
   close it, sampled large-neighbourhood search
   (:func:`~matcher.assignment.lns.lns_sampled`) and CP-SAT again from the best
   assignment found.
6. **Components too big for CP-SAT** (more than 300 000 pairs) get, within their share of
   the time limit: a Lagrangian relaxation of the hours
   (:func:`~matcher.assignment.lagrangian.lagrangian`; priced min-cost flows, subgradient
   steps; each ``L(lam)`` is a proven upper bound, and each priced flow is repaired into
   an hours-feasible assignment), then large-neighbourhood search
   (:func:`~matcher.assignment.lns.lns`: about 20 mentors at a time, emptied and re-solved
   exactly by CP-SAT, kept only if the whole assignment's exact value improves). The
   answer is hours-feasible and ``feasible`` with a reported gap unless it meets the bound.
   On the 50 000 x 10 000 benchmark the hours-free flow bound is already within 0.0001 %
   of the LP relaxation: the gap was the greedy primal, which these steps close.

7. **National rounds** (:mod:`~matcher.assignment.pricing`): the pairs stay in a compact
   store and the stages run on a working set, which pricing (column generation: a compiled
   sweep over every pair against the dual prices of a warm-started network simplex) grows
   until no pair left out could improve the answer; every bound is computed over every pair.

:mod:`~matcher.assignment.solve` runs these stages in turn; the answer is a
:class:`~matcher.assignment.result.SolveResult` (module :mod:`~matcher.assignment.result`).
"""

from matcher.assignment.pricing import solve_round, solve_store
from matcher.assignment.result import SolveMethod, SolveResult, SolveStatus
from matcher.assignment.solve import solve

__all__ = ["SolveMethod", "SolveResult", "SolveStatus", "solve", "solve_round", "solve_store"]
