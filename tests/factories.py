"""Shared test factories: records with sensible defaults, and small geometry helpers.

Test modules import from here (and from ``tests.strategies``), never from each other.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from typing import Any

from matcher.arrays import EARTH_RADIUS_KM
from matcher.assignment import SolveMethod, SolveStatus
from matcher.config import Config
from matcher.criteria import CRITERION_NAMES
from matcher.models import Mentee, Mentor
from matcher.round import (
    POOLED_GROUP,
    CapacityUse,
    Counts,
    GroupRate,
    KeptRelationship,
    MatchResult,
    MatchRow,
    MatchStatus,
    SolverInfo,
    Summary,
)

__all__ = [
    "AS_OF",
    "KM_PER_DEG",
    "existing_row",
    "group_rate",
    "hand_result",
    "make_mentee",
    "make_mentor",
    "matched_row",
    "north",
    "solver_info",
    "unmatched_row",
]

#: The run date most tests use.
AS_OF = date(2026, 1, 5)
KM_PER_DEG = math.pi * EARTH_RADIUS_KM / 180  # along a meridian


def north(km: float, lat: float = 51.5) -> float:
    """Latitude ``km`` north of ``lat`` on the same meridian."""
    return lat + km / KM_PER_DEG


def make_mentee(id: str = "E001", **kw: Any) -> Mentee:
    """A plain community mentee in London with no preferences; override any field."""
    base: dict[str, Any] = {
        "id": id,
        "gender": "male",
        "ethnicity": "white",
        "goals": ("employment",),
        "contact_frequency": "weekly",
        "contact_modes": ("in_person",),
        "availability": ("mon_am", "tue_pm", "wed_eve"),
        "custody": "community",
        "lat": 51.5,
        "lon": -0.12,
        "risk": "low",
    }
    base.update(kw)
    return Mentee(**base)


def make_mentor(id: str = "M001", **kw: Any) -> Mentor:
    """A plain London mentor with room for 2; override any field."""
    base: dict[str, Any] = {
        "id": id,
        "gender": "female",
        "ethnicity": "white",
        "specialisms": ("employment",),
        "contact_frequency": "weekly",
        "contact_modes": ("in_person", "phone"),
        "availability": ("mon_am", "tue_pm", "wed_eve"),
        "lat": 51.51,
        "lon": -0.13,
        "max_travel_km": 20.0,
        "max_risk": "high",
        "capacity": 2,
        "max_hours": 6.0,
    }
    base.update(kw)
    return Mentor(**base)


# --------------------------------------------------------------------------- round results


def matched_row(
    mentee: str,
    mentor: str,
    score: float,
    rank: int = 1,
    cands: int = 3,
    reason: str = "rank 1 of 3 candidates; strongest on goals",
) -> MatchRow:
    """A matched row as :func:`matcher.match` builds it."""
    return MatchRow(
        mentee, mentor, MatchStatus.MATCHED, score, dict.fromkeys(CRITERION_NAMES, 1.0),
        ("employment",), ("accommodation", "substance_use"), date(2027, 1, 5), rank, cands,
        1.0, reason, "matched",
    )  # fmt: skip


def unmatched_row(mentee: str, rule: str, reason: str, cands: int = 0) -> MatchRow:
    """An unmatched row with its reason."""
    return MatchRow(mentee, None, MatchStatus.UNMATCHED, None, dict.fromkeys(CRITERION_NAMES),
                    (), ("finance",), None, None, cands, 1.0, reason, rule)  # fmt: skip


def existing_row(mentee: str, mentor: str) -> MatchRow:
    """A kept relationship whose mentee is in the mentees file."""
    return MatchRow(mentee, mentor, MatchStatus.EXISTING, None, dict.fromkeys(CRITERION_NAMES),
                    (), (), None, None, 0, None, f"existing relationship with {mentor} kept",
                    "existing")  # fmt: skip


def group_rate(n: int, k: int, mean: float | None = 0.7) -> GroupRate:
    """One group's figures, as the summary computes them."""
    return GroupRate(n, k, round(k / n, 4), mean)


def solver_info(**changes: Any) -> SolverInfo:
    """An optimal solver record; override any field."""
    base: dict[str, Any] = {
        "status": SolveStatus.OPTIMAL, "method": SolveMethod.FLOW, "objective": 123,
        "bound": 123, "gap": 0.0,
        "total_priority": 15.0, "total_score": 7.6, "components": 2, "score_resolution": 10000,
        "pruned": False, "seconds": 12.345,
    }  # fmt: skip
    base.update(changes)
    return SolverInfo(**base)


def hand_result(**changes: Any) -> MatchResult:
    """A round of 12 new matches, 3 unmatched and 2 existing, with a summary to match."""
    scores = [0.0, 0.05, 0.31, 0.55, 0.6, 0.7, 0.72, 0.81, 0.9, 0.95, 0.999, 1.0]
    rows = [matched_row(f"E{i:03d}", f"M{i % 4:03d}", s, rank=1 + i % 2)
            for i, s in enumerate(scores)]  # fmt: skip
    rows += [
        unmatched_row("E100", "distance", "no mentor within travel distance (nearest 31 km)"),
        unmatched_row("E101", "competition", "all 2 candidates taken <b>bold</b> & co", cands=2),
        unmatched_row("E102", "distance", "no mentor within travel distance (nearest 40 km)"),
        existing_row("X001", "M001"),
        existing_row("X002", "M003"),
    ]
    summary = Summary(
        counts=Counts(
            mentees=17,
            to_match=15,
            matched=12,
            unmatched=3,
            existing=2,
            existing_in_mentees_file=2,
            mentors=9,
            candidate_pairs=48,
        ),
        match_rate=0.8,
        mean_score=0.6323,
        score_quartiles=(0.5125, 0.71, 0.9125),
        mentor_capacity_use=CapacityUse(
            empty=2, under_half=1, over_half=3, full=2, over_capacity=1
        ),
        mentor_capacity_use_mean=0.6111,
        unmatched_by_reason={"competition": 1, "distance": 2},
        by_group={
            "gender": {
                "female": group_rate(5, 4),
                "male": group_rate(6, 5),
                POOLED_GROUP: GroupRate(None),
            },
            "ethnicity": {"white": group_rate(8, 7), POOLED_GROUP: group_rate(7, 5)},
            "custody": {"community": group_rate(9, 8), "custody": group_rate(6, 4)},
            # deliberately unpooled small groups: the report must still hide them
            "risk": {
                "low": group_rate(11, 10),
                "tinyrisk": group_rate(3, 2),
                "zerorisk": GroupRate(0),
            },
            "region": {"north_west": group_rate(15, 12)},
        },
    )
    warnings = ("mentor M009: existing relationships exceed capacity",)
    kept = (KeptRelationship("X001", "M001"), KeptRelationship("X002", "M003"))
    ordered = tuple(sorted(rows, key=lambda r: r.mentee_id))
    result = MatchResult(ordered, summary, solver_info(), AS_OF, Config(), warnings, kept)
    return replace(result, **changes)
