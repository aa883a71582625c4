"""Shortlist for one referral: ranking, capacity, reasons."""

from __future__ import annotations

from datetime import date

import pytest

from matcher.config import config_from_dict
from matcher.criteria import CRITERION_NAMES
from matcher.errors import ParameterError
from matcher.models import Existing
from matcher.shortlist import shortlist
from tests.factories import AS_OF, make_mentee, make_mentor, north


def test_shortlist_ranks_best_first_and_cuts_at_k() -> None:
    mentee = make_mentee(goals=("employment", "finance"))
    mentors = [
        make_mentor("M1", lat=north(10), lon=-0.12),
        make_mentor("M2", specialisms=("employment", "finance"), lat=north(1), lon=-0.12),
        make_mentor("M3", lat=north(1), lon=-0.12),
        make_mentor("M4", lat=north(1), lon=-0.12),
    ]
    result = shortlist(mentee, mentors, k=3, as_of=AS_OF)
    assert [e.mentor_id for e in result.entries] == ["M2", "M3", "M4"]  # tie M3/M4 by id
    assert result.reason is None and result.n_available == 4
    best = result.entries[0]
    assert list(best.criteria) == list(CRITERION_NAMES)
    assert best.criteria["goals"] == 1.0 and best.score > result.entries[1].score
    assert best.reason.startswith("strongest: goals 1.00")
    assert best.reason.endswith("1.0 km away")
    assert best.distance_km == pytest.approx(1.0, abs=1e-6)


def test_shortlist_skips_uninformative_criteria_in_reasons() -> None:
    # No wishes: gender/ethnicity/faith/lived experience are "no preference" 1s, not strengths.
    entry = shortlist(make_mentee(), [make_mentor()], as_of=AS_OF).entries[0]
    for name in ("gender", "ethnicity", "faith", "lived experience", "through the gate"):
        assert name not in entry.reason


def test_shortlist_respects_capacity_and_hours() -> None:
    mentee = make_mentee()  # weekly: 2 hours by default
    mentors = [make_mentor("M1", capacity=1), make_mentor("M2", max_hours=2.5),
               make_mentor("M3")]  # fmt: skip
    existing = [Existing(mentee_id="X1", mentor_id="M1"),
                Existing(mentee_id="X2", mentor_id="M2", hours=1.0)]  # fmt: skip
    result = shortlist(mentee, mentors, existing=existing, as_of=AS_OF)
    assert [e.mentor_id for e in result.entries] == ["M3"]
    assert result.removed["capacity"] == 2
    light = make_mentee(support_hours=0.5)
    got = shortlist(light, mentors, existing=existing, as_of=AS_OF)
    assert [e.mentor_id for e in got.entries] == ["M2", "M3"]


def test_shortlist_empty_says_why_with_counts() -> None:
    mentee = make_mentee(mentor_gender="female", mentor_gender_strength="required")
    mentors = [make_mentor(f"M{k}", gender="male") for k in range(3)]
    mentors.append(make_mentor("M9", gender="male", max_risk="low", lat=north(80)))
    result = shortlist(mentee, mentors, as_of=AS_OF)
    assert result.entries == ()
    assert result.reason is not None
    assert result.reason.startswith("required female mentor: none of the 3 mentors in reach")
    assert "mentor_gender 4" in result.reason
    assert result.removed["mentor_gender"] == 4


def test_shortlist_weight_zero_criterion_is_none() -> None:
    cfg = config_from_dict({"weights": {"location": 0.0}})
    entry = shortlist(make_mentee(), [make_mentor()], cfg, as_of=AS_OF).entries[0]
    assert entry.criteria["location"] is None
    assert "location" not in entry.reason


def test_shortlist_defaults_and_parameters() -> None:
    result = shortlist(make_mentee(), [make_mentor()])  # as_of defaults to today
    assert len(result.entries) == 1
    with pytest.raises(ParameterError, match="'k' parameter"):
        shortlist(make_mentee(), [make_mentor()], k=0)


def test_shortlist_respects_supervisor_caps() -> None:
    from matcher.models import Existing, Supervisor
    from tests.factories import make_mentee, make_mentor

    mentors = [make_mentor("M1", supervisor="S1"), make_mentor("M2", supervisor="S2")]
    existing = [Existing(mentee_id="X1", mentor_id="M1")]
    sups = [Supervisor(id="S1", capacity=1), Supervisor(id="S2", capacity=1)]
    res = shortlist(make_mentee("E1"), mentors, existing=existing, supervisors=sups,
                    as_of=date(2026, 1, 5))  # fmt: skip
    assert [e.mentor_id for e in res.entries] == ["M2"]
    none = shortlist(make_mentee("E1"), mentors[:1], existing=existing, supervisors=sups,
                     as_of=date(2026, 1, 5))  # fmt: skip
    assert none.entries == () and none.removed["supervisor"] == 1
    assert none.reason is not None and "supervisor" in none.reason


def test_ended_relationship_takes_no_place() -> None:
    ended = Existing(mentee_id="X1", mentor_id="M1", end_date=date(2026, 1, 1))
    result = shortlist(
        make_mentee("E1"), [make_mentor("M1", capacity=1)], existing=[ended], as_of=AS_OF
    )
    assert [e.mentor_id for e in result.entries] == ["M1"]
