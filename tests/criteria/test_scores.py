"""Scoring criteria: each criterion's edges on hand-built pairs, and score properties."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.arrays import EARTH_RADIUS_KM, add_months
from matcher.candidates import find_candidates
from matcher.config import Config, config_from_dict
from matcher.criteria import CRITERIA, CRITERION_NAMES, SCORE_GRID
from matcher.models import Mentee, Mentor
from tests.factories import AS_OF, make_mentee, make_mentor, north
from tests.strategies import local_caseloads


def criteria(
    mentee: Mentee, mentor: Mentor, config: Config | None = None, as_of: date = AS_OF
) -> dict[str, float]:
    """Criterion scores of one feasible pair (fails if the pair is infeasible)."""
    c = find_candidates([mentee], [mentor], config, as_of=as_of)
    assert len(c) == 1, "pair expected to be feasible"
    out = {k: float(v[0]) for k, v in c.criteria.items()}
    out["score"] = float(c.score[0])
    return out


def crit(name: str, mentee_kw: dict[str, Any], mentor_kw: dict[str, Any], **kw: Any) -> float:
    """One criterion of ``make_mentee(**mentee_kw)`` against ``make_mentor(**mentor_kw)``."""
    return criteria(make_mentee(**mentee_kw), make_mentor(**mentor_kw), **kw)[name]


def test_names_follow_the_registry() -> None:
    assert CRITERION_NAMES == tuple(c.name for c in CRITERIA)
    assert len(set(CRITERION_NAMES)) == len(CRITERIA)


@pytest.mark.parametrize(
    ("goals", "specialisms", "expected"),
    [(("employment",), ("employment",), 1.0),
     (("employment", "finance"), ("employment",), 0.5), (("finance",), ("employment",), 0.0),
     (("employment", "finance", "health"), ("finance", "health", "family"), 2 / 3)],
)  # fmt: skip
def test_goals(goals: tuple[str, ...], specialisms: tuple[str, ...], expected: float) -> None:
    got = crit("goals", {"goals": goals}, {"specialisms": specialisms})
    assert got == pytest.approx(expected, abs=1e-7)


@pytest.mark.parametrize(
    ("mentee_freq", "mentor_freq", "mentee_modes", "mentor_modes", "expected"),
    [("weekly", "weekly", ("in_person",), ("in_person",), 1.0),
     ("monthly", "weekly", ("in_person",), ("in_person",), 1.0),  # offering more is fine
     ("weekly", "fortnightly", ("in_person",), ("in_person",), (0.5 + 1) / 2),
     ("weekly", "monthly", ("in_person",), ("in_person",), (0.25 + 1) / 2),
     ("fortnightly", "monthly", ("in_person",), ("in_person",), (0.5 + 1) / 2),
     ("weekly", "weekly", ("in_person", "phone"), ("phone",), (1 + 0.5) / 2),
     ("weekly", "monthly", ("video",), ("phone",), (0.25 + 0) / 2)],
)  # fmt: skip
def test_expectations(
    mentee_freq: str, mentor_freq: str, mentee_modes: tuple[str, ...],
    mentor_modes: tuple[str, ...], expected: float,
) -> None:  # fmt: skip
    got = crit(
        "expectations",
        {"contact_frequency": mentee_freq, "contact_modes": mentee_modes},
        {"contact_frequency": mentor_freq, "contact_modes": mentor_modes},
    )
    assert got == pytest.approx(expected, abs=1e-7)


def test_expectations_shortfall_is_configurable() -> None:
    cfg = config_from_dict({"scoring": {"frequency_shortfall": 0.2}})
    got = crit("expectations", {}, {"contact_frequency": "monthly"}, config=cfg)
    assert got == pytest.approx((0.2**2 + 1) / 2, abs=1e-7)


@pytest.mark.parametrize(
    ("wish", "strength", "mentee_gender", "mentor_gender", "expected"),
    [("female", "none", "male", "male", 1.0), ("any", "preferred", "male", "male", 1.0),
     ("female", "preferred", "male", "female", 1.0), ("female", "preferred", "male", "male", 0.0),
     ("same", "preferred", "male", "male", 1.0), ("same", "preferred", "male", "female", 0.0),
     ("same", "preferred", "undisclosed", "undisclosed", 0.0),
     ("male", "required", "female", "male", 1.0)],
)  # fmt: skip
def test_gender(
    wish: str, strength: str, mentee_gender: str, mentor_gender: str, expected: float
) -> None:
    got = crit(
        "gender",
        {"mentor_gender": wish, "mentor_gender_strength": strength, "gender": mentee_gender},
        {"gender": mentor_gender},
    )
    assert got == expected


@pytest.mark.parametrize(
    ("strength", "mine", "theirs", "expected"),
    [("none", "white", "black", 1.0), ("preferred", "asian", "asian", 1.0),
     ("preferred", "asian", "white", 0.0), ("preferred", "undisclosed", "undisclosed", 0.0),
     ("required", "black", "black", 1.0)],
)  # fmt: skip
def test_ethnicity(strength: str, mine: str, theirs: str, expected: float) -> None:
    got = crit("ethnicity", {"ethnicity_match": strength, "ethnicity": mine}, {"ethnicity": theirs})
    assert got == expected


@pytest.mark.parametrize(
    ("strength", "mine", "theirs", "expected"),
    [("none", "muslim", None, 1.0), ("preferred", "muslim", "muslim", 1.0),
     ("preferred", "muslim", "christian", 0.0), ("preferred", None, None, 0.0),
     ("preferred", "sikh", None, 0.0), ("required", "sikh", "sikh", 1.0)],
)  # fmt: skip
def test_faith(strength: str, mine: str | None, theirs: str | None, expected: float) -> None:
    got = crit("faith", {"faith_match": strength, "faith": mine}, {"faith": theirs})
    assert got == expected


@pytest.mark.parametrize(
    ("strength", "lived", "expected"),
    [("none", False, 1.0), ("preferred", True, 1.0), ("preferred", False, 0.0),
     ("required", True, 1.0)],
)  # fmt: skip
def test_lived_experience(strength: str, lived: bool, expected: float) -> None:
    got = crit("lived_experience", {"lived_experience": strength}, {"lived_experience": lived})
    assert got == expected


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [(("english",), ("english",), 1.0), (("polish", "english"), ("english",), 0.5),
     (("polish", "english"), ("english", "polish"), 1.0), (("urdu",), ("polish", "urdu"), 1.0)],
)  # fmt: skip
def test_language(mine: tuple[str, ...], theirs: tuple[str, ...], expected: float) -> None:
    assert crit("language", {"languages": mine}, {"languages": theirs}) == expected


def test_language_secondary_is_configurable() -> None:
    cfg = config_from_dict({"scoring": {"secondary_language": 0.2}})
    got = crit("language", {"languages": ("welsh", "english")}, {}, config=cfg)
    assert got == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("freq", "mine", "theirs", "expected"),
    [("weekly", ("mon_am",), ("mon_am",), 1 / 3),
     ("weekly", ("mon_am", "tue_am", "wed_am"), ("mon_am", "tue_am", "wed_am"), 1.0),
     ("weekly", ("mon_am", "tue_am", "wed_am", "thu_am"), ("mon_am", "tue_am", "wed_am",
                                                          "thu_am"), 1.0),
     ("fortnightly", ("mon_am", "tue_am"), ("mon_am",), 0.5),
     ("monthly", ("mon_am", "tue_am"), ("tue_am",), 1.0)],
)  # fmt: skip
def test_availability(
    freq: str, mine: tuple[str, ...], theirs: tuple[str, ...], expected: float
) -> None:
    got = crit(
        "availability",
        {"contact_frequency": freq, "availability": mine},
        {"contact_frequency": "weekly", "availability": theirs},
    )
    assert got == pytest.approx(expected, abs=1e-7)


@pytest.mark.parametrize(("km", "expected"), [(0.0, 1.0), (15.0, 0.5), (30.0, 0.25)])
def test_location_halves_every_half_distance(km: float, expected: float) -> None:
    got = crit("location", {}, {"lat": north(km), "lon": -0.12, "max_travel_km": 40.0})
    assert got == pytest.approx(expected, abs=1e-6)


def _custody(**kw: Any) -> dict[str, Any]:
    return {"custody": "custody", "prison": "HMP1", "release_date": date(2026, 6, 1), **kw}


@pytest.mark.parametrize(
    ("mentee_kw", "prisons", "km", "expected"),
    [({}, (), 50.0, 1.0),  # community mentee: nothing to carry through the gate
     (_custody(), ("HMP1",), 10.0, 1.0), (_custody(), ("HMP1",), 30.0, 0.5),
     (_custody(), ("HMP2",), 10.0, 0.5), (_custody(), (), 30.0, 0.0),
     (_custody(), ("HMP1",), 24.9, 1.0), (_custody(), ("HMP1",), 25.1, 0.5)],
)  # fmt: skip
def test_through_the_gate(
    mentee_kw: dict[str, Any], prisons: tuple[str, ...], km: float, expected: float
) -> None:
    mentor_kw = {"prisons": prisons, "lat": north(km), "lon": -0.12, "max_travel_km": 60.0}
    assert crit("through_the_gate", mentee_kw, mentor_kw) == expected


def test_continuity() -> None:
    end = add_months(AS_OF, 12)
    span = (end - AS_OF).days
    half = date.fromordinal(AS_OF.toordinal() + span // 2)
    assert crit("continuity", {}, {"available_until": None}) == 1.0
    assert crit("continuity", {}, {"available_until": end}) == 1.0
    assert crit("continuity", {}, {"available_until": date(2030, 1, 1)}) == 1.0
    assert crit("continuity", {}, {"available_until": half}) == pytest.approx(
        (span // 2) / span, abs=1e-6
    )
    assert crit("continuity", {}, {"available_until": AS_OF}) == 0.0
    assert crit("continuity", {}, {"available_until": date(2025, 1, 1)}) == 0.0


def test_continuity_starts_at_a_future_release() -> None:
    release = date(2026, 7, 1)
    kw = _custody(release_date=release)
    # Covers a year from today but not a year from release.
    until = add_months(AS_OF, 12)
    expected = (until - release).days / (add_months(release, 12) - release).days
    got = crit("continuity", kw, {"available_until": until, "prisons": ("HMP1",)})
    assert got == pytest.approx(expected, abs=1e-6)
    # A release already past starts the relationship today.
    past = _custody(release_date=date(2025, 12, 1))
    assert crit("continuity", past, {"available_until": until}) == 1.0


def test_score_is_the_weighted_mean() -> None:
    c = criteria(make_mentee(goals=("employment", "finance")), make_mentor(lat=north(15)))
    weights = {n: w for n, w in Config().weight_vector().items() if w > 0}
    expected = sum(w * c[n] for n, w in weights.items()) / sum(weights.values())
    assert c["score"] == pytest.approx(expected, abs=2 / SCORE_GRID)


def test_weight_zero_criterion_is_not_computed() -> None:
    cfg = config_from_dict({"weights": {"location": 0.0, "goals": 0.0}})
    c = criteria(make_mentee(goals=("finance",)), make_mentor(lat=north(15)), config=cfg)
    assert math.isnan(c["location"]) and math.isnan(c["goals"])
    others = {n: w for n, w in cfg.weight_vector().items() if w > 0}
    expected = sum(w * c[n] for n, w in others.items()) / sum(others.values())
    assert c["score"] == pytest.approx(expected, abs=2 / SCORE_GRID)


_PROPS = settings(max_examples=60, deadline=None)


@_PROPS
@given(local_caseloads())
def test_scores_and_criteria_lie_in_unit_interval(
    caseload: tuple[list[Mentee], list[Mentor]],
) -> None:
    mentees, mentors = caseload
    cfg = config_from_dict({"weights": dict.fromkeys(CRITERION_NAMES, 1.0)})  # every one on
    c = find_candidates(mentees, mentors, cfg, as_of=AS_OF)
    assert np.all((c.score >= 0) & (c.score <= 1))
    for values in c.criteria.values():
        assert np.all((values >= 0) & (values <= 1))


@_PROPS
@given(local_caseloads(), st.floats(0.01, 100.0))
def test_scaling_all_weights_changes_nothing(
    caseload: tuple[list[Mentee], list[Mentor]], factor: float
) -> None:
    mentees, mentors = caseload
    base = Config()
    scaled = config_from_dict({"weights": {n: w * factor for n, w in base.weight_vector().items()}})
    a = find_candidates(mentees, mentors, base, as_of=AS_OF)
    b = find_candidates(mentees, mentors, scaled, as_of=AS_OF)
    pa = dict(zip(zip(a.mentee.tolist(), a.mentor.tolist(), strict=True), a.score, strict=True))
    pb = dict(zip(zip(b.mentee.tolist(), b.mentor.tolist(), strict=True), b.score, strict=True))
    assert pa.keys() == pb.keys()
    for key, score in pa.items():
        # Rounding of the scaled sums can move a score by one step of the score grid.
        assert abs(score - pb[key]) <= 1 / SCORE_GRID
    if factor in (0.5, 2.0, 4.0):  # powers of two scale exactly
        assert np.array_equal(a.score, b.score)


def test_haversine_in_place_matches_the_plain_formula() -> None:
    """The in-place haversine computes the very same float64 operations, in order."""
    from matcher.arrays import haversine_km

    rng = np.random.default_rng(7)
    lat1, lat2 = rng.uniform(-1.5, 1.5, (2, 5000))
    lon1, lon2 = rng.uniform(-3.1, 3.1, (2, 5000))
    lat2[::2] = lat1[::2] + rng.normal(0, 1e-3, 2500)
    lon2[::2] = lon1[::2] + rng.normal(0, 1e-3, 2500)
    c1, c2 = np.cos(lat1), np.cos(lat2)
    s_lat, s_lon = np.sin((lat2 - lat1) * 0.5), np.sin((lon2 - lon1) * 0.5)
    a = s_lat * s_lat + c1 * c2 * (s_lon * s_lon)
    plain = (2.0 * EARTH_RADIUS_KM) * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    assert np.array_equal(haversine_km(lat1, lon1, c1, lat2, lon2, c2), plain)
    assert haversine_km(lat1[0], lon1[0], c1[0], lat2[0], lon2[0], c2[0]) == plain[0]
