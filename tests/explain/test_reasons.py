"""Every kind of reason a coordinator acts on, from hand-built caseloads."""

from __future__ import annotations

from dataclasses import astuple
from datetime import date

from matcher.config import config_from_dict
from matcher.models import Existing, Supervisor
from matcher.round import match
from tests.factories import AS_OF, make_mentee, make_mentor


def test_distance_reason_names_nearest_and_reach() -> None:
    mentee = make_mentee("E1", lat=51.5, lon=-0.12)
    far = make_mentor("M1", lat=51.5, lon=-0.12 + 41 / 69.4, max_travel_km=30)  # ~41 km east
    row = match([mentee], [far], as_of=AS_OF).row("E1")
    assert row.status == "unmatched" and row.rule == "distance"
    assert "travel distance" in row.reason and "30 km" in row.reason and "41 km" in row.reason


def test_required_gender_reason() -> None:
    mentee = make_mentee("E1", mentor_gender="female", mentor_gender_strength="required")
    mentors = [make_mentor(f"M{j}", gender="male") for j in range(3)]
    row = match([mentee], mentors, as_of=AS_OF).row("E1")
    assert row.status == "unmatched"
    assert "required female mentor" in row.reason and "3" in row.reason


def test_capacity_reason_names_who_took_the_best_candidate() -> None:
    urgent = make_mentee("E2", priority=5)
    other = make_mentee("E1", priority=1)
    result = match([other, urgent], [make_mentor("M1", capacity=1)], as_of=AS_OF)
    row = result.row("E1")
    assert row.status == "unmatched" and row.rule == "capacity"
    assert row.reason == "the only candidate at capacity; best candidate M1 went to E2 (priority 5)"
    assert result.summary.unmatched_by_reason == {"capacity": 1}


def test_hours_reason() -> None:
    a, b = make_mentee("E1", priority=2), make_mentee("E2", priority=1)  # weekly: 2 h each
    row = match([a, b], [make_mentor("M1", capacity=2, max_hours=3.0)], as_of=AS_OF).row("E2")
    assert row.status == "unmatched" and row.rule == "hours"
    assert "out of weekly hours" in row.reason


def test_supervisor_cap_reason() -> None:
    mentors = [make_mentor("M1", supervisor="S1"), make_mentor("M2", supervisor="S1")]
    mentees = [make_mentee("E1", priority=2), make_mentee("E2", priority=1)]
    result = match(mentees, mentors, supervisors=[Supervisor(id="S1", capacity=1)], as_of=AS_OF)
    row = result.row("E2")
    assert row.status == "unmatched" and row.rule == "supervisor"
    assert "supervisor's cap" in row.reason


def test_rank_two_match_says_who_took_rank_one() -> None:
    e1 = make_mentee("E1", priority=1, goals=("family",))
    e2 = make_mentee("E2", priority=1, goals=("family",), lat=51.7)
    m1 = make_mentor("M1", capacity=1, specialisms=("family",), max_travel_km=40)
    m2 = make_mentor("M2", capacity=1, specialisms=("health",), max_travel_km=40, lat=51.52)
    result = match([e1, e2], [m1, m2], as_of=AS_OF)
    ranks = sorted(r.rank or 0 for r in result.rows)
    assert ranks == [1, 2]
    second = next(r for r in result.rows if r.rank == 2)
    assert "top candidate M1 went to" in second.reason


def test_prison_clearance_required_rule() -> None:
    config = config_from_dict({"rules": {"require_prison_clearance": True}})
    mentee = make_mentee("E1", custody="custody", prison="HMP9", release_date=date(2026, 5, 1))
    row = match([mentee], [make_mentor("M1", prisons=("HMP1",))], config, as_of=AS_OF).row("E1")
    assert row.status == "unmatched" and "prison" in row.reason


def test_hours_reason_says_what_is_left_and_needed() -> None:
    a, b = make_mentee("E1", priority=2), make_mentee("E2", priority=1)  # weekly: 2 h each
    row = match([a, b], [make_mentor("M1", capacity=2, max_hours=3.0)], as_of=AS_OF).row("E2")
    assert row.reason == (
        "the only candidate out of weekly hours; "
        "best candidate M1 has 1 of 3 weekly hours left; needs 2"
    )


def test_strongest_criteria_are_only_ones_the_mentee_expressed() -> None:
    # No gender, ethnicity or faith wish: those 1.0 scores must not be named as strengths.
    row = match([make_mentee("E1")], [make_mentor("M1")], as_of=AS_OF).row("E1")
    for vacuous in ("gender", "ethnicity", "faith", "lived_experience", "through_the_gate"):
        assert vacuous not in row.reason


def test_top_candidate_with_room_is_not_called_full() -> None:
    # With load spreading, E1 goes to empty M2 although M1 (closer) has room.
    config = config_from_dict({"objective": {"spread_load": 0.2}})
    existing = [Existing(mentee_id=f"X{i}", mentor_id="M1", hours=0.5) for i in range(2)]
    m1 = make_mentor("M1", capacity=4, max_hours=20.0)
    m2 = make_mentor("M2", capacity=4, max_hours=20.0, lat=51.56)
    result = match([make_mentee("E1")], [m1, m2], config, existing=existing, as_of=AS_OF)
    row = result.row("E1")
    assert row.mentor_id == "M2" and row.rank == 2
    assert "top candidate M1 had room" in row.reason


def test_capacity_zero_mentor_is_named_as_such() -> None:
    result = match([make_mentee("E1")], [make_mentor("M1", capacity=0)], as_of=AS_OF)
    assert result.row("E1").reason == (
        "the only candidate at capacity; best candidate M1 takes no mentees (capacity 0)"
    )
    assert result.summary.mentor_capacity_use.over_capacity == 0
    assert sum(astuple(result.summary.mentor_capacity_use)) == 1
