"""Feasible mentor–mentee pairs: hard rules and scores over a sparse set of pairs.

- :mod:`~matcher.candidates.rules`: the hard rules, each defined once.
- :mod:`~matcher.candidates.grid`: the spatial join (no dense mentees × mentors matrix).
- :mod:`~matcher.candidates.kernel`: the compiled pass (numba) that applies every rule and
  sums every criterion's term; :mod:`~matcher.candidates.marshal` builds its arguments.
- :mod:`~matcher.candidates.search`: :func:`find_candidates`, chunks and threads.
- :mod:`~matcher.candidates.pairs`: :class:`Candidates`, 8 bytes a pair (mentees as CSR offsets).
- :mod:`~matcher.candidates.cascade`: one mentee's rule cascade and its reason.
- :mod:`~matcher.candidates.cascades`: the same reasons for many mentees at once.
- :mod:`~matcher.candidates.writer`: the candidates CSV.
"""

from __future__ import annotations

from matcher.candidates.cascade import Cascade, RuleStep, rule_cascade
from matcher.candidates.cascades import cascade_reasons
from matcher.candidates.pairs import Candidates
from matcher.candidates.rules import RULES, Rule, active_rules
from matcher.candidates.search import find_candidates
from matcher.candidates.writer import write_candidates
from matcher.criteria import SCORE_GRID

__all__ = [
    "RULES",
    "SCORE_GRID",
    "Candidates",
    "Cascade",
    "Rule",
    "RuleStep",
    "active_rules",
    "cascade_reasons",
    "find_candidates",
    "rule_cascade",
    "write_candidates",
]
