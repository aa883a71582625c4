"""The report's labels: unmatched reasons, capacity bins, solver methods and objectives."""

from __future__ import annotations

from matcher.candidates import RULES
from matcher.explain import COMPETITION_REASONS
from matcher.report.fmt import words

__all__ = ["CAPACITY_LABELS", "METHODS", "OBJECTIVES", "reason_label"]

CAPACITY_LABELS = {
    "empty": "No mentees",
    "under_half": "Up to half full",
    "over_half": "Over half full",
    "full": "Full",
    "over_capacity": "Over capacity",
}
# Hard rules (from their definitions) and the competition for candidates, one table.
_REASON_LABELS = {
    **{r.name: r.chart_label for r in RULES},
    **{r.name: r.chart_label for r in COMPETITION_REASONS},
}
METHODS = {"flow": "min-cost flow", "cp_sat": "CP-SAT", "mixed": "min-cost flow and CP-SAT"}
OBJECTIVES = {
    "coverage_first": "match as many (by priority) as possible, then the best scores",
    "score_only": "the best total score",
}


def reason_label(rule: str) -> str:
    """The chart label of an unmatched row's rule key (a hard rule or the competition)."""
    return _REASON_LABELS.get(rule, words(rule))
