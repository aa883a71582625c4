"""Every controlled vocabulary of the data contract (docs/fields.md), in one place.

Validation (``models``), CLI choices, the synthetic generator and the field
reference in ``docs/fields.md`` all derive from these tuples.
"""

from __future__ import annotations

from typing import Literal, get_args

__all__ = [
    "AVAILABILITY_SLOTS",
    "CONTACT_FREQUENCIES",
    "CONTACT_MODES",
    "CUSTODY",
    "DAYS",
    "DECISIONS",
    "ETHNICITIES",
    "GENDERS",
    "GOALS",
    "MENTEE_GENDER_REQUIREMENTS",
    "MENTOR_GENDER_WISHES",
    "PERIODS",
    "RISKS",
    "ROW_STATUSES",
    "STRENGTHS",
    "ContactFrequency",
    "ContactMode",
    "Custody",
    "DecisionKind",
    "Ethnicity",
    "Gender",
    "Goal",
    "MenteeGenderRequirement",
    "MentorGenderWish",
    "Risk",
    "RowStatus",
    "Slot",
    "Strength",
    "risk_level",
]

Gender = Literal["female", "male", "non_binary", "undisclosed"]
# ONS 2021 high-level ethnic groups.
Ethnicity = Literal["asian", "black", "mixed", "white", "other", "undisclosed"]
# The resettlement pathways, plus social networks.
Goal = Literal[
    "accommodation",
    "employment",
    "health",
    "substance_use",
    "finance",
    "family",
    "attitudes",
    "social",
]
Strength = Literal["none", "preferred", "required"]
# RoSH (Risk of Serious Harm) levels, in increasing order.
Risk = Literal["low", "medium", "high", "very_high"]
ContactFrequency = Literal["weekly", "fortnightly", "monthly"]
ContactMode = Literal["in_person", "phone", "video"]
Custody = Literal["custody", "community"]
MentorGenderWish = Literal["any", "same", "female", "male"]
MenteeGenderRequirement = Literal["any", "female", "male"]
# A coordinator's review of a proposed pair (decisions files).
DecisionKind = Literal["accept", "reject"]
# The status of a row of matches.csv, as read back from an earlier round.
RowStatus = Literal["matched", "unmatched", "existing", "accepted"]

DAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PERIODS: tuple[str, ...] = ("am", "pm", "eve")
AVAILABILITY_SLOTS: tuple[str, ...] = tuple(f"{d}_{p}" for d in DAYS for p in PERIODS)
Slot = Literal[
    "mon_am", "mon_pm", "mon_eve", "tue_am", "tue_pm", "tue_eve",
    "wed_am", "wed_pm", "wed_eve", "thu_am", "thu_pm", "thu_eve",
    "fri_am", "fri_pm", "fri_eve", "sat_am", "sat_pm", "sat_eve",
    "sun_am", "sun_pm", "sun_eve",
]  # fmt: skip

GENDERS: tuple[str, ...] = get_args(Gender)
ETHNICITIES: tuple[str, ...] = get_args(Ethnicity)
GOALS: tuple[str, ...] = get_args(Goal)
STRENGTHS: tuple[str, ...] = get_args(Strength)
RISKS: tuple[str, ...] = get_args(Risk)
CONTACT_FREQUENCIES: tuple[str, ...] = get_args(ContactFrequency)
CONTACT_MODES: tuple[str, ...] = get_args(ContactMode)
CUSTODY: tuple[str, ...] = get_args(Custody)
MENTOR_GENDER_WISHES: tuple[str, ...] = get_args(MentorGenderWish)
MENTEE_GENDER_REQUIREMENTS: tuple[str, ...] = get_args(MenteeGenderRequirement)
DECISIONS: tuple[str, ...] = get_args(DecisionKind)
ROW_STATUSES: tuple[str, ...] = get_args(RowStatus)

assert get_args(Slot) == AVAILABILITY_SLOTS


def risk_level(risk: str) -> int:
    """Return the ordinal of a RoSH level (low = 0 … very_high = 3)."""
    return RISKS.index(risk)
