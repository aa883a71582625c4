"""The one registry of scoring criteria.

Config weight fields, output columns, CLI choices and the docs all derive from
:data:`CRITERIA`. The vectorised scoring functions live in ``matcher.criteria``,
keyed by the same names.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CRITERIA", "CRITERION_NAMES", "CriterionInfo"]


@dataclass(frozen=True)
class CriterionInfo:
    """What one criterion measures and its default weight."""

    name: str
    default_weight: float
    description: str


CRITERIA: tuple[CriterionInfo, ...] = (
    CriterionInfo("goals", 3.0, "share of the mentee's goals covered by the mentor's specialisms"),
    CriterionInfo("expectations", 2.0, "contact frequency and contact modes agree"),
    CriterionInfo("gender", 1.0, "the mentee's preferred mentor gender is met"),
    CriterionInfo("ethnicity", 1.0, "the mentee's preferred ethnicity match is met"),
    CriterionInfo("faith", 1.0, "the mentee's preferred faith match is met"),
    CriterionInfo("language", 1.0, "the mentor speaks the mentee's preferred language"),
    CriterionInfo("availability", 1.0, "shared weekly slots against what the frequency needs"),
    CriterionInfo("location", 1.0, "distance decay within the mentor's reach"),
    CriterionInfo(
        "through_the_gate",
        2.0,
        "custody: mentor cleared for the prison and lives near the release area",
    ),
    CriterionInfo("continuity", 1.0, "mentor's commitment covers the planned relationship"),
    CriterionInfo("lived_experience", 1.0, "the mentee's preference for lived experience is met"),
)

CRITERION_NAMES: tuple[str, ...] = tuple(c.name for c in CRITERIA)
