"""The round: invariants that no input may break, and the outputs' contract."""

from __future__ import annotations

import csv
import json
import math
import random
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.arrays import add_months
from matcher.candidates import find_candidates
from matcher.config import config_from_dict
from matcher.models import Existing, Supervisor
from matcher.round import (
    MATCH_COLUMNS,
    MatchStatus,
    match,
    write_matches_csv,
    write_result_json,
)
from matcher.vocab import risk_level
from tests.factories import AS_OF, make_mentee, make_mentor


def test_add_months_clamps_day() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


def test_one_row_per_mentee_sorted_by_id() -> None:
    mentees = [make_mentee(f"E{i}") for i in (3, 1, 2)]
    result = match(mentees, [make_mentor("M1", capacity=3)], as_of=AS_OF)
    assert [r.mentee_id for r in result.rows] == ["E1", "E2", "E3"]
    assert all(r.status == MatchStatus.MATCHED and r.mentor_id == "M1" for r in result.rows)


def test_match_explains_goals_and_planned_end() -> None:
    mentee = make_mentee(
        "E1",
        goals=("employment", "finance"),
        custody="custody",
        prison="HMP1",
        release_date=date(2026, 6, 30),
    )
    result = match([mentee], [make_mentor("M1", specialisms=("employment", "family"))], as_of=AS_OF)
    row = result.row("E1")
    assert row.shared_goals == ("employment",)
    assert row.signpost_goals == ("finance",)
    assert row.planned_end == date(2027, 6, 30)  # release + 12 months
    assert row.rank == 1 and row.candidates == 1
    community = match([make_mentee("E2")], [make_mentor("M1")], as_of=AS_OF).row("E2")
    assert community.planned_end == date(2027, 1, 5)


def test_existing_relationship_counts_and_is_kept() -> None:
    mentees = [make_mentee("E1"), make_mentee("E2")]
    mentors = [make_mentor("M1", capacity=1), make_mentor("M2", capacity=1)]
    result = match(
        mentees, mentors, existing=[Existing(mentee_id="E1", mentor_id="M1")], as_of=AS_OF
    )
    assert result.row("E1").status == "existing" and result.row("E1").mentor_id == "M1"
    assert result.row("E2").mentor_id == "M2"  # M1 is full with E1


def test_existing_over_capacity_is_reported_not_an_error() -> None:
    existing = [Existing(mentee_id=f"X{i}", mentor_id="M1") for i in range(3)]
    result = match(
        [make_mentee("E1")], [make_mentor("M1", capacity=2)], existing=existing, as_of=AS_OF
    )
    assert result.row("E1").status == "unmatched"
    assert any("M1" in w and "takes no one new" in w for w in result.warnings)


def test_coverage_first_prefers_more_matches_over_score() -> None:
    # E1 could take either mentor; E2 only M1. Score-greedy would give M1 to E1.
    e1 = make_mentee("E1", goals=("family",))
    e2 = make_mentee("E2", goals=("employment",), lat=51.6)
    m1 = make_mentor("M1", capacity=1, specialisms=("family", "employment"), max_travel_km=30)
    m2 = make_mentor("M2", capacity=1, specialisms=("health",), max_travel_km=5)
    result = match([e1, e2], [m1, m2], as_of=AS_OF)
    assert result.summary.counts.matched == 2


def test_outputs_are_deterministic_and_complete(tmp_path: Path) -> None:
    rng = random.Random(4)
    mentees = [
        make_mentee(
            f"E{i:02}",
            lat=51.5 + rng.uniform(-0.1, 0.1),
            goals=tuple(rng.sample(["employment", "finance", "family"], 2)),
        )
        for i in range(12)
    ]
    mentors = [
        make_mentor(f"M{j}", capacity=rng.randint(1, 3), lat=51.5 + rng.uniform(-0.1, 0.1))
        for j in range(4)
    ]
    outs = []
    for k in range(2):
        result = match(mentees, mentors, as_of=AS_OF)
        write_matches_csv(tmp_path / f"m{k}.csv", result)
        write_result_json(tmp_path / f"r{k}.json", result)
        outs.append(
            (
                (tmp_path / f"m{k}.csv").read_bytes(),
                json.loads((tmp_path / f"r{k}.json").read_text()),
            )
        )
    assert outs[0][0] == outs[1][0]
    for o in outs:
        o[1]["solver"].pop("seconds")
    assert outs[0][1] == outs[1][1]
    rows = list(csv.DictReader(outs[0][0].decode().splitlines()))
    assert tuple(rows[0]) == MATCH_COLUMNS and len(rows) == 12
    doc = outs[0][1]
    assert set(doc) >= {"summary", "solver", "assignments", "unmatched"}
    assert doc["solver"]["status"] == "optimal"
    assert doc["summary"]["counts"]["matched"] == len(doc["assignments"])


def test_shuffling_mentees_and_mentors_keeps_objective() -> None:
    rng = random.Random(7)
    mentees = [
        make_mentee(
            f"E{i:02}",
            lat=51.5 + rng.uniform(-0.2, 0.2),
            contact_frequency=rng.choice(["weekly", "monthly"]),
        )
        for i in range(15)
    ]
    mentors = [
        make_mentor(
            f"M{j}",
            capacity=rng.randint(1, 3),
            lat=51.5 + rng.uniform(-0.2, 0.2),
            max_hours=rng.choice([2.0, 3.0, 6.0]),
        )
        for j in range(5)
    ]
    base = match(mentees, mentors, as_of=AS_OF).solver
    rng.shuffle(mentees)
    rng.shuffle(mentors)
    again = match(mentees, mentors, as_of=AS_OF).solver
    assert (again.objective, again.bound) == (base.objective, base.bound)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance, written here independently of the engine."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


_GOALS = ("employment", "finance", "family", "health")


@st.composite
def _rounds(draw: st.DrawFn):  # type: ignore[no-untyped-def]
    n, m = draw(st.integers(1, 8)), draw(st.integers(1, 4))
    mentees = [
        make_mentee(
            f"E{i}",
            lat=51.5 + draw(st.floats(-0.3, 0.3)),
            lon=-0.1,
            goals=tuple(
                draw(st.lists(st.sampled_from(_GOALS), min_size=1, max_size=2, unique=True))
            ),
            contact_frequency=draw(st.sampled_from(["weekly", "fortnightly", "monthly"])),
            risk=draw(st.sampled_from(["low", "medium", "high", "very_high"])),
            gender=draw(st.sampled_from(["male", "female"])),
            mentor_gender=draw(st.sampled_from(["any", "same", "female"])),
            mentor_gender_strength=draw(st.sampled_from(["none", "preferred", "required"])),
            priority=draw(st.none() | st.sampled_from([0.0, 1.0, 2.0])),
            exclude_mentors=tuple(draw(st.lists(st.sampled_from(["M0", "M1", "M2"]), max_size=2))),
            availability=tuple(
                draw(
                    st.lists(
                        st.sampled_from(["mon_am", "tue_pm", "sun_eve"]), min_size=1, unique=True
                    )
                )
            ),
        )
        for i in range(n)
    ]
    mentors = [
        make_mentor(
            f"M{j}",
            lat=51.5 + draw(st.floats(-0.3, 0.3)),
            lon=-0.1,
            capacity=draw(st.integers(0, 3)),
            max_hours=draw(st.sampled_from([0.5, 1.0, 2.0, 4.0])),
            max_travel_km=draw(st.sampled_from([5.0, 20.0, 60.0])),
            max_risk=draw(st.sampled_from(["low", "medium", "high"])),
            gender=draw(st.sampled_from(["male", "female"])),
            supervisor=draw(st.sampled_from([None, "S1"])),
        )
        for j in range(m)
    ]
    existing = []
    if draw(st.booleans()) and n > 1:
        existing = [
            Existing(mentee_id="E0", mentor_id="M0", hours=draw(st.sampled_from([0.5, 3.0])))
        ]
    supervisors = [Supervisor(id="S1", capacity=draw(st.integers(0, 3)))]
    return mentees, mentors, existing, supervisors


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_rounds())
def test_invariants_hold_for_any_round(case) -> None:  # type: ignore[no-untyped-def]
    mentees, mentors, existing, supervisors = case
    config = config_from_dict({"objective": {"spread_load": 0.01}})
    result = match(
        mentees, mentors, config, existing=existing, supervisors=supervisors, as_of=AS_OF
    )
    assert len(result.rows) == len(mentees)
    by_mentor = {m.id: m for m in mentors}
    by_mentee = {e.id: e for e in mentees}
    # The feasible pairs, found again apart from the round (the result keeps no arrays).
    running = {rel.mentee_id for rel in existing}
    to_match = [e for e in mentees if e.id not in running]
    cands = find_candidates(to_match, mentors, config, as_of=AS_OF)
    feasible = {
        (cands.mentee_arrays.ids[i], cands.mentor_arrays.ids[j])
        for i, j in zip(cands.mentee, cands.mentor, strict=True)
    }
    seats = {m.id: 0 for m in mentors}
    hours = {m.id: 0.0 for m in mentors}
    for rel in existing:
        seats[rel.mentor_id] += 1
        hours[rel.mentor_id] += rel.hours or 1.0
    new = {m.id: 0 for m in mentors}
    new_hours = {m.id: 0.0 for m in mentors}
    for r in result.rows:
        if r.status == "existing":
            assert (r.mentee_id, r.mentor_id) in {(x.mentee_id, x.mentor_id) for x in existing}
        elif r.status == "matched":
            assert (r.mentee_id, r.mentor_id) in feasible  # hard rules hold
            e = by_mentee[r.mentee_id]
            m = by_mentor[r.mentor_id]
            assert risk_level(e.risk) <= risk_level(m.max_risk)  # checked independently
            if e.mentor_gender_strength == "required" and e.mentor_gender != "any":
                want = e.gender if e.mentor_gender == "same" else e.mentor_gender
                assert m.gender == want
            assert set(e.languages) & set(m.languages)
            assert set(e.availability) & set(m.availability)
            assert m.id not in e.exclude_mentors
            assert _km(e.lat, e.lon, m.lat, m.lon) <= m.max_travel_km + 1e-6
            new[r.mentor_id] += 1
            new_hours[r.mentor_id] += {"weekly": 2.0, "fortnightly": 1.0, "monthly": 0.5}[
                e.contact_frequency
            ]
        else:
            assert r.reason
    for mid, m in by_mentor.items():
        if new[mid]:
            assert seats[mid] + new[mid] <= m.capacity
            assert hours[mid] + new_hours[mid] <= m.max_hours + 1e-9
    sup_total = sum(seats[m.id] for m in mentors if m.supervisor == "S1")
    sup_new = sum(new[m.id] for m in mentors if m.supervisor == "S1")
    if sup_new:
        assert sup_total + sup_new <= supervisors[0].capacity


def test_pruning_is_opt_in_and_reported() -> None:
    mentees = [make_mentee(f"E{i}") for i in range(3)]
    mentors = [make_mentor(f"M{j}", capacity=1) for j in range(3)]
    exact = match(mentees, mentors, as_of=AS_OF)
    assert exact.solver.pruned is False
    assert exact.summary.counts.candidate_pairs == 9
    config = config_from_dict({"solver": {"max_candidates_per_mentee": 1}})
    pruned = match(mentees, mentors, config, as_of=AS_OF)
    assert pruned.solver.pruned is True
    assert pruned.summary.counts.candidate_pairs == 3
