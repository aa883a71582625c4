"""Invariants no valid input may break (issue 13), on random whole rounds.

Each check is written here from the data contract (SPEC §3-4), independently of the
engine: capacity, weekly hours and supervisor caps hold with running relationships
counted; every hard rule holds for every proposed pair; running relationships are kept;
every mentee appears exactly once; the order of the input rows (decisions and ended
relationships included) changes nothing; and adding a mentor never lowers the optimum.
What decisions promise (accepted pairs kept or dropped plainly, rejected ones never
proposed) is checked in ``tests/round/test_review.py`` on the same kind of rounds.
"""

from __future__ import annotations

import math
import random
from dataclasses import replace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.config import Config
from matcher.models import Mentee, Mentor
from matcher.round import MatchResult, match
from matcher.vocab import risk_level
from tests.factories import AS_OF
from tests.strategies import ReviewedRound, reviewed_rounds, rounds

_SETTINGS = settings(max_examples=40)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius), written here from scratch."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def _hard_rules_hold(e: Mentee, m: Mentor, config: Config) -> bool:
    """SPEC §4: every hard rule of a feasible pair."""
    rules = config.rules
    wish = e.gender if e.mentor_gender == "same" else e.mentor_gender
    gender_ok = (
        e.mentor_gender_strength != "required"
        or e.mentor_gender == "any"
        or (wish != "undisclosed" and m.gender == wish)
    )
    return (
        bool(set(e.languages) & set(m.languages))
        and risk_level(e.risk) <= risk_level(m.max_risk)
        and _km(e.lat, e.lon, m.lat, m.lon) <= m.max_travel_km + 1e-6
        and (not rules.require_prison_clearance or e.custody != "custody" or e.prison in m.prisons)
        and gender_ok
        and (m.mentee_gender == "any" or m.mentee_gender == e.gender)
        and (e.ethnicity_match != "required" or e.ethnicity == m.ethnicity)
        and (e.faith_match != "required" or (e.faith is not None and e.faith == m.faith))
        and (e.lived_experience != "required" or m.lived_experience)
        and m.id not in e.exclude_mentors
        and len(set(e.availability) & set(m.availability)) >= rules.min_shared_slots
    )


def _run(case: dict[str, Any]) -> MatchResult:
    return match(
        case["mentees"],
        case["mentors"],
        case["config"],
        existing=case["existing"],
        supervisors=case["supervisors"],
        as_of=AS_OF,
    )


@_SETTINGS
@given(rounds())
def test_limits_rules_and_running_relationships_hold(case: dict[str, Any]) -> None:
    result = _run(case)
    config: Config = case["config"]
    mentees = {e.id: e for e in case["mentees"]}
    mentors = {m.id: m for m in case["mentors"]}
    running = {rel.mentee_id: rel for rel in case["existing"]}

    # Every mentee exactly once, in id order.
    assert [r.mentee_id for r in result.rows] == sorted(mentees)

    seats = dict.fromkeys(mentors, 0)
    hours = dict.fromkeys(mentors, 0.0)
    for rel in case["existing"]:
        seats[rel.mentor_id] += 1
        hours[rel.mentor_id] += config.support_hours.existing if rel.hours is None else rel.hours
    new_seats = dict.fromkeys(mentors, 0)
    new_hours = dict.fromkeys(mentors, 0.0)
    for r in result.rows:
        e = mentees[r.mentee_id]
        if r.mentee_id in running:  # kept as it is, never matched again
            assert (r.status, r.mentor_id) == ("existing", running[r.mentee_id].mentor_id)
            continue
        assert r.status in ("matched", "unmatched")
        if r.status == "unmatched":
            assert r.mentor_id is None and r.reason
            continue
        assert r.mentor_id is not None
        m = mentors[r.mentor_id]
        assert _hard_rules_hold(e, m, config), (e.id, m.id)
        new_seats[m.id] += 1
        own = getattr(config.support_hours, e.contact_frequency)
        new_hours[m.id] += own if e.support_hours is None else e.support_hours

    for mid, m in mentors.items():
        if new_seats[mid]:  # a mentor over its limits already takes no one new
            assert seats[mid] + new_seats[mid] <= m.capacity
            assert hours[mid] + new_hours[mid] <= m.max_hours + 1e-9
    for s in case["supervisors"]:
        overseen = [mid for mid, m in mentors.items() if m.supervisor == s.id]
        if any(new_seats[mid] for mid in overseen):
            assert sum(seats[mid] + new_seats[mid] for mid in overseen) <= s.capacity


@_SETTINGS
@given(rounds(), st.randoms(use_true_random=False))
def test_reordering_input_rows_changes_nothing(case: dict[str, Any], rnd: random.Random) -> None:
    base = _run(case)
    shuffled = {k: list(v) if isinstance(v, list) else v for k, v in case.items()}
    for key in ("mentees", "mentors", "existing", "supervisors"):
        rnd.shuffle(shuffled[key])
    again = _run(shuffled)
    assert again.rows == base.rows
    assert again.summary == base.summary
    assert (again.solver.objective, again.solver.bound) == (
        base.solver.objective,
        base.solver.bound,
    )


def _lexicographic(result: MatchResult, case: dict[str, Any]) -> tuple[int, int]:
    """The objective, recomputed from the rows as SPEC §4 states it: priority matched, then
    total score (in the solver's units) less the load-spreading penalty of the new seats."""
    assert result.solver.status == "optimal"
    config: Config = case["config"]
    res = config.objective.score_resolution
    spread = config.objective.spread_load * res
    matched = [r for r in result.rows if r.status == "matched"]
    priority = sum(round((r.priority or 0.0) * 100) for r in matched)  # 2 decimals at most
    score = sum(round((r.score or 0.0) * res) for r in matched)
    seats = {m.id: 0 for m in case["mentors"]}
    for rel in case["existing"]:
        seats[rel.mentor_id] += 1
    penalty = 0
    for r in matched:
        seats[r.mentor_id or ""] += 1
        penalty += round(spread * seats[r.mentor_id or ""])  # the k-th seat costs k * spread
    if config.objective.mode == "score_only":
        priority = 0
    return priority, score - penalty


@_SETTINGS
@given(rounds(), st.data())
def test_adding_a_mentor_never_lowers_the_optimum(
    case: dict[str, Any], data: st.DataObject
) -> None:
    base = _run(case)
    extra = data.draw(rounds(max_mentees=1, max_mentors=1))["mentors"][0]
    extra = extra.model_copy(update={"id": "MNEW", "supervisor": None})
    bigger = {**case, "mentors": [*case["mentors"], extra]}
    assert _lexicographic(_run(bigger), bigger) >= _lexicographic(base, case)


@_SETTINGS
@given(reviewed_rounds(), st.randoms(use_true_random=False))
def test_reordering_rows_changes_nothing_with_decisions_and_endings(
    case: ReviewedRound, rnd: random.Random
) -> None:
    def run(c: ReviewedRound) -> MatchResult:
        return match(
            c.mentees, c.mentors, Config(), existing=c.existing, supervisors=c.supervisors,
            as_of=c.as_of, decisions=c.decisions,
        )  # fmt: skip

    base = run(case)
    lists = [list(x) for x in (case.mentees, case.mentors, case.existing, case.decisions)]
    for x in lists:
        rnd.shuffle(x)
    mentees, mentors, existing, decisions = lists
    again = run(replace(case, mentees=mentees, mentors=mentors, existing=existing,
                        decisions=decisions))  # fmt: skip
    assert again.rows == base.rows
    assert again.review == base.review
    assert again.warnings == base.warnings
