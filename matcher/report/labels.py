"""The report's labels: unmatched reasons, capacity bins, solver methods and objectives."""

from __future__ import annotations

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
# The hard rules' chart labels, by rule name, in cascade order. They move onto the rule
# definitions (matcher.candidates.RULES) as ``Rule.chart_label``; until then, only here.
_HARD_RULE_LABELS = {
    "excluded": "Mentor excluded by mentee",
    "mentee_gender": "Mentor's mentee-gender rule",
    "mentor_gender": "Required mentor gender",
    "risk": "Risk level",
    "language": "No shared language",
    "ethnicity": "Required same ethnicity",
    "faith": "Required same faith",
    "lived_experience": "Required lived experience",
    "prison_clearance": "Prison clearance",
    "commitment": "Commitment too short",
    "region": "Different region",
    "availability": "Too little shared time",
    "distance": "Beyond travel distance",
}
_REASON_LABELS = {
    **_HARD_RULE_LABELS,
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
