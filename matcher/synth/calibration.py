"""Calibration of the synthetic caseload: published figures, their sources, and assumptions.

Every probability and share the generator draws from is a constant here, next to a comment
naming its source or saying that it is an assumption; ``docs/synthetic.md`` lists the same
numbers with full references. Tables are keyed by vocabulary tokens (:mod:`matcher.vocab`,
or :data:`FAITHS` and :data:`LANGUAGES` below); a missing key has probability 0. Changing
any value changes the output for every seed: rebuild the bundled demo with
:func:`matcher.synth.write_demo` and update the docs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from matcher.vocab import DAYS, PERIODS

__all__ = [
    "AVAILABLE_UNTIL_DAYS",
    "AVAILABLE_UNTIL_SHARE",
    "CAPACITY_P",
    "CUSTODY_SHARE",
    "ETHNICITY_MATCH_P",
    "ETH_FAITH_AFFINITY",
    "EXCLUDE_SHARE",
    "EXISTING_DEFAULT_HOURS",
    "EXISTING_HOURS_MISSING",
    "EXISTING_HOURS_VALUES",
    "EXISTING_SECOND",
    "EXISTING_SHARE",
    "FAITHS",
    "FAITH_MATCH_P",
    "GOAL_COUNT_P",
    "GOAL_WEIGHT",
    "HOURS_PER_SEAT",
    "IN_REGION_PRISON",
    "IN_REGION_SCALE_KM",
    "LANGUAGES",
    "LANGUAGE_ORDER_P",
    "LIVED_EXPERIENCE_P",
    "MAX_RISK_P",
    "MAX_TRAVEL_KM",
    "MENTEE_AGE_BANDS",
    "MENTEE_AGE_MISSING",
    "MENTEE_ETHNICITY_P",
    "MENTEE_FAITH_MISSING",
    "MENTEE_FAITH_P",
    "MENTEE_FREQUENCY_P",
    "MENTEE_GENDER_P",
    "MENTEE_GENDER_REQ_P",
    "MENTORS_PER_SUPERVISOR",
    "MENTOR_AGE_BANDS",
    "MENTOR_AGE_MISSING",
    "MENTOR_ETHNICITY_P",
    "MENTOR_FAITH_MISSING",
    "MENTOR_FAITH_P",
    "MENTOR_FREQUENCY_P",
    "MENTOR_GENDER_P",
    "MENTOR_GENDER_WISH_P",
    "MENTOR_LIVED_EXPERIENCE",
    "MODE_P_COMMUNITY",
    "MODE_P_CUSTODY",
    "MODE_P_MENTOR",
    "OTHER_LANGUAGE",
    "PRIORITY_SHARE",
    "PRIORITY_VALUES",
    "PRISON_CLEARANCE_COUNT_P",
    "PRISON_CLEARANCE_KM",
    "PRISON_CLEARED_SHARE",
    "PRISON_DISTANCE_SCALE_KM",
    "RELEASE_DAYS",
    "RISK_P_COMMUNITY",
    "RISK_P_CUSTODY",
    "SLOT_PATTERNS",
    "SPECIALISM_COUNT_P",
    "SPECIALISM_WEIGHT",
    "SUPERVISED_SHARE",
    "SUPERVISOR_HEADROOM",
    "SUPPORT_HOURS_SHARE",
    "SUPPORT_HOURS_VALUES",
    "WELSH_ORDER_P",
    "WELSH_SPEAKERS_IN_WALES",
    "WISH_REQUIRED",
]

FloatArray = npt.NDArray[np.float64]

# Sex of people in custody: ~96% male, ~4% female (MoJ Offender Management Statistics
# Quarterly; HMPPS Offender Equalities Report). A small non_binary/undisclosed share is an
# assumption so that those code paths are exercised.
MENTEE_GENDER_P = {"male": 0.956, "female": 0.040, "non_binary": 0.002, "undisclosed": 0.002}
# Prison population by ethnicity, 31 March 2024 (n = 87,869); "not recorded" -> undisclosed.
MENTEE_ETHNICITY_P = {
    "white": 0.718, "black": 0.121, "asian": 0.080, "mixed": 0.048, "other": 0.020,
    "undisclosed": 0.012,
}  # fmt: skip
# Prison population by age band, March 2024: 15-20 3.8% (drawn as 18-20: adults only),
# 21-29 24.3%, 30-39 33.4%, 40+ 38.5% (split inside 40+ is an assumption).
MENTEE_AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (18, 20, 0.038),
    (21, 29, 0.243),
    (30, 39, 0.334),
    (40, 49, 0.385 * 0.50),
    (50, 59, 0.385 * 0.32),
    (60, 69, 0.385 * 0.13),
    (70, 85, 0.385 * 0.05),
)
# Prison population by religion, March 2024: Christian 44.5%, no religion 30.9%, Muslim
# 18.1%, other 6.5% (split of "other" among faiths is an assumption).
FAITHS: tuple[str, ...] = (
    "christian", "none", "muslim", "buddhist", "sikh", "jewish", "hindu", "other",
)  # fmt: skip
MENTEE_FAITH_P = {
    "christian": 0.445, "none": 0.309, "muslim": 0.181, "buddhist": 0.017, "sikh": 0.010,
    "jewish": 0.006, "hindu": 0.005, "other": 0.027,
}  # fmt: skip
MENTEE_FAITH_MISSING = 0.03
MENTEE_AGE_MISSING = 0.02

# Volunteer mentors (assumptions, stated in docs): ethnicity and religion as the population
# of England and Wales (ONS Census 2021), more women than men, a wide age range.
MENTOR_GENDER_P = {"female": 0.60, "male": 0.38, "non_binary": 0.01, "undisclosed": 0.01}
MENTOR_ETHNICITY_P = {
    "white": 0.817 * 0.98, "asian": 0.093 * 0.98, "black": 0.040 * 0.98,
    "mixed": 0.029 * 0.98, "other": 0.021 * 0.98, "undisclosed": 0.02,
}  # fmt: skip
MENTOR_FAITH_P = {
    "christian": 0.462, "none": 0.372, "muslim": 0.065, "hindu": 0.017, "sikh": 0.009,
    "buddhist": 0.005, "jewish": 0.005, "other": 0.006,
}  # fmt: skip
MENTOR_FAITH_MISSING = 0.06  # Census 2021: 6.0% did not answer the religion question
MENTOR_AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (18, 24, 0.12),
    (25, 34, 0.18),
    (35, 49, 0.25),
    (50, 64, 0.27),
    (65, 80, 0.18),
)
MENTOR_AGE_MISSING = 0.05
MENTOR_LIVED_EXPERIENCE = 0.30

# Qualitative association between ethnic group and faith (rows: ETHNICITIES order, columns:
# FAITHS order). Only its pattern matters: iterative proportional fitting rescales it to the
# published marginals above, so marginals are exact and the joint is plausible.
ETH_FAITH_AFFINITY: dict[str, tuple[float, ...]] = {
    "asian": (0.15, 0.2, 5.0, 0.8, 12.0, 0.1, 12.0, 0.6),
    "black": (1.3, 0.5, 1.0, 0.2, 0.02, 0.1, 0.02, 0.8),
    "mixed": (1.0, 1.0, 0.8, 0.5, 0.1, 0.3, 0.1, 1.0),
    "white": (1.0, 1.0, 0.15, 0.6, 0.02, 1.0, 0.02, 1.0),
    "other": (0.6, 0.5, 3.0, 1.0, 0.5, 0.3, 0.5, 1.0),
    "undisclosed": (1.0,) * 8,
}

# Share of the caseload in custody (the rest are on probation in the community).
CUSTODY_SHARE = 0.40
# Custody: release in 21..548 days (about 3 weeks to 18 months), most often ~2 months ahead.
RELEASE_DAYS = (21, 60, 548)  # triangular (left, mode, right)
# Custody mentees held in a prison of their home region (else: near it, by distance).
IN_REGION_PRISON = 0.80
IN_REGION_SCALE_KM = 50.0  # within the region, nearer sites likelier
PRISON_DISTANCE_SCALE_KM = 100.0  # out of region: by distance

# RoSH levels: mostly low/medium, few very high; custody skews higher.
RISK_P_CUSTODY = {"low": 0.20, "medium": 0.50, "high": 0.25, "very_high": 0.05}
RISK_P_COMMUNITY = {"low": 0.35, "medium": 0.52, "high": 0.12, "very_high": 0.01}

# Languages other than English, by ethnic group: P(speaks one), then which one.
LANGUAGES: tuple[str, ...] = (
    "english", "welsh", "polish", "romanian", "urdu", "punjabi", "bengali", "arabic", "somali",
)  # fmt: skip
OTHER_LANGUAGE: dict[str, tuple[float, dict[str, float]]] = {
    "white": (0.05, {"polish": 0.55, "romanian": 0.45}),
    "black": (0.05, {"somali": 0.6, "arabic": 0.4}),
    "asian": (0.35, {"urdu": 0.45, "punjabi": 0.35, "bengali": 0.20}),
    "mixed": (0.03, {"arabic": 0.5, "somali": 0.5}),
    "other": (0.30, {"arabic": 0.7, "romanian": 0.15, "polish": 0.15}),
    "undisclosed": (0.03, {"polish": 0.5, "romanian": 0.5}),
}
WELSH_SPEAKERS_IN_WALES = 0.12
# Mentee with another language: English first / other language first / other language only.
LANGUAGE_ORDER_P = (0.55, 0.35, 0.10)
WELSH_ORDER_P = (0.70, 0.30, 0.0)

# Goals (resettlement pathways + social networks): number of goals, and relative weights.
GOAL_COUNT_P = (0.30, 0.35, 0.22, 0.13)  # 1, 2, 3, 4 goals
GOAL_WEIGHT = {
    "accommodation": 1.2, "employment": 1.4, "health": 0.8, "substance_use": 1.0,
    "finance": 0.9, "family": 0.8, "attitudes": 0.6, "social": 1.0,
}  # fmt: skip
SPECIALISM_COUNT_P = (0.20, 0.35, 0.30, 0.15)  # 1, 2, 3, 4 specialisms
SPECIALISM_WEIGHT = {
    "accommodation": 0.8, "employment": 1.2, "health": 0.7, "substance_use": 0.6,
    "finance": 0.8, "family": 1.0, "attitudes": 0.7, "social": 1.2,
}  # fmt: skip

# Mentee-led preferences: most have none; some prefer, a few require.
MENTOR_GENDER_WISH_P: dict[str, dict[str, float]] = {
    "male": {"any": 0.85, "same": 0.07, "female": 0.04, "male": 0.04},
    "female": {"any": 0.45, "same": 0.25, "female": 0.28, "male": 0.02},
    "non_binary": {"any": 0.85, "same": 0.05, "female": 0.07, "male": 0.03},
    "undisclosed": {"any": 0.90, "female": 0.07, "male": 0.03},
}
WISH_REQUIRED = 0.25  # share of stated gender wishes that are 'required' (rest 'preferred')
ETHNICITY_MATCH_P = {
    "white": {"none": 0.92, "preferred": 0.07, "required": 0.01},
    "minority": {"none": 0.78, "preferred": 0.17, "required": 0.05},
}
FAITH_MATCH_P = {"none": 0.85, "preferred": 0.12, "required": 0.03}  # faith holders only
LIVED_EXPERIENCE_P = {"none": 0.65, "preferred": 0.30, "required": 0.05}

MENTEE_FREQUENCY_P = {"weekly": 0.50, "fortnightly": 0.35, "monthly": 0.15}
MENTOR_FREQUENCY_P = {"weekly": 0.45, "fortnightly": 0.40, "monthly": 0.15}
MODE_P_CUSTODY = {"in_person": 1.0, "phone": 0.25, "video": 0.15}
MODE_P_COMMUNITY = {"in_person": 0.85, "phone": 0.60, "video": 0.35}
MODE_P_MENTOR = {"in_person": 0.92, "phone": 0.75, "video": 0.55}

SUPPORT_HOURS_SHARE, SUPPORT_HOURS_VALUES = 0.05, (0.5, 1.0, 1.5, 2.0, 3.0)
PRIORITY_SHARE, PRIORITY_VALUES = 0.03, (0.5, 2.0, 3.0)
EXCLUDE_SHARE = 0.01

MAX_TRAVEL_KM = {10: 0.10, 15: 0.15, 20: 0.20, 25: 0.15, 30: 0.15, 40: 0.10, 50: 0.10, 60: 0.05}
PRISON_CLEARED_SHARE = 0.50
PRISON_CLEARANCE_KM = 60.0
PRISON_CLEARANCE_COUNT_P = (0.5, 0.3, 0.2)  # cleared for the 1, 2 or 3 nearest sites
MAX_RISK_P = {"low": 0.20, "medium": 0.50, "high": 0.25, "very_high": 0.05}
MENTEE_GENDER_REQ_P: dict[str, dict[str, float]] = {
    "female": {"any": 0.95, "female": 0.05},
    "male": {"any": 0.95, "male": 0.05},
    "non_binary": {"any": 1.0},
    "undisclosed": {"any": 1.0},
}
CAPACITY_P = (0.10, 0.30, 0.35, 0.25)  # capacity 1, 2, 3, 4 (mean 2.75)
HOURS_PER_SEAT = {1.0: 0.20, 1.5: 0.35, 2.0: 0.30, 2.5: 0.15}
AVAILABLE_UNTIL_SHARE, AVAILABLE_UNTIL_DAYS = 0.75, (90, 730)
SUPERVISED_SHARE, MENTORS_PER_SUPERVISOR = 0.90, 12
SUPERVISOR_HEADROOM = (0.65, 0.95)  # supervisor capacity / seats of their mentors
EXISTING_SHARE, EXISTING_SECOND = 0.25, 0.35  # mentors with 1 (or 2) running relationships
EXISTING_HOURS_VALUES, EXISTING_HOURS_MISSING = (0.5, 1.0, 1.5, 2.0), 0.20
EXISTING_DEFAULT_HOURS = 1.0  # config [support_hours] existing: what an empty cell counts as

# Weekly availability patterns: relative weight of each slot (DAYS x PERIODS).
_WEEKDAY = np.array([d not in ("sat", "sun") for d in DAYS for _ in PERIODS])
_PERIOD = np.array([p for _ in DAYS for p in PERIODS])


def _pattern(weekday: Sequence[float], weekend: Sequence[float]) -> FloatArray:
    per = {True: dict(zip(PERIODS, weekday, strict=True)),
           False: dict(zip(PERIODS, weekend, strict=True))}  # fmt: skip
    return np.array([per[bool(w)][p] for w, p in zip(_WEEKDAY, _PERIOD, strict=True)])


SLOT_PATTERNS: dict[str, FloatArray] = {
    # in prison: visits and sessions in the core day
    "custody": _pattern((1.0, 1.0, 0.05), (0.5, 0.5, 0.02)),
    # working or studying: evenings and weekends
    "evenings": _pattern((0.15, 0.15, 1.0), (0.8, 0.9, 0.5)),
    # free in the day (unemployed, retired, shift patterns)
    "daytime": _pattern((1.0, 1.0, 0.3), (0.4, 0.4, 0.2)),
}
