"""Reasons from the round's arrays: loads, the limit each candidate hit, who took each
mentor, why a mentee got no mentor, and what a match is strongest on.

This stage reads the candidate pairs and the solver's assignment; it knows nothing of the
round's result value (:mod:`matcher.round` builds that from what is computed here).
"""

from matcher.explain.limits import LIMITS, Loads, Outcome, RoundState, best_takers, limits_hit
from matcher.explain.reasons import (
    CAPACITY,
    COMPETITION,
    COMPETITION_REASONS,
    HOURS,
    NO_CANDIDATES,
    NOT_CHOSEN,
    SUPERVISOR,
    CompetitionReason,
    explain_unmatched,
    limit_phrase,
    limit_phrases,
    match_reason,
    strongest_criteria,
)

__all__ = [
    "CAPACITY",
    "COMPETITION",
    "COMPETITION_REASONS",
    "HOURS",
    "LIMITS",
    "NOT_CHOSEN",
    "NO_CANDIDATES",
    "SUPERVISOR",
    "CompetitionReason",
    "Loads",
    "Outcome",
    "RoundState",
    "best_takers",
    "explain_unmatched",
    "limit_phrase",
    "limit_phrases",
    "limits_hit",
    "match_reason",
    "strongest_criteria",
]
