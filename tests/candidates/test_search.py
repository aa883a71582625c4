"""Hard rules (both sides of each edge), candidate ordering, the CSV, and the rule cascade."""

from __future__ import annotations

import dataclasses
import random
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.arrays import MenteeArrays, MentorArrays, add_months, haversine_km
from matcher.candidates import (
    RULES,
    Candidates,
    find_candidates,
    rule_cascade,
    write_candidates,
)
from matcher.config import Config, config_from_dict
from matcher.criteria import CRITERION_NAMES, SCORE_GRID, Pairs, score_pairs
from matcher.errors import ParameterError
from matcher.models import Existing, Mentee, Mentor
from tests.factories import AS_OF, make_mentee, make_mentor, north
from tests.strategies import local_caseloads


def feasible(
    mentee_kw: dict[str, Any], mentor_kw: dict[str, Any], config: Config | None = None
) -> bool:
    """Whether the pair passes every hard rule; the cascade must agree with the batch."""
    mentee, mentor = make_mentee(**mentee_kw), make_mentor(**mentor_kw)
    batch = len(find_candidates([mentee], [mentor], config, as_of=AS_OF)) == 1
    one = bool(rule_cascade(mentee, [mentor], config, as_of=AS_OF).feasible[0])
    assert batch == one
    return batch


def rules_cfg(**rules: Any) -> Config:
    return config_from_dict({"rules": rules})


@pytest.mark.parametrize(
    ("mine", "theirs", "ok"),
    [(("english",), ("english",), True), (("polish", "english"), ("english",), True),
     (("polish",), ("english",), False), (("urdu", "arabic"), ("polish", "english"), False)],
)  # fmt: skip
def test_rule_shared_language(mine: tuple[str, ...], theirs: tuple[str, ...], ok: bool) -> None:
    assert feasible({"languages": mine}, {"languages": theirs}) is ok


@pytest.mark.parametrize(
    ("risk", "max_risk", "ok"),
    [("low", "low", True), ("medium", "low", False), ("high", "high", True),
     ("very_high", "high", False), ("low", "very_high", True)],
)  # fmt: skip
def test_rule_risk(risk: str, max_risk: str, ok: bool) -> None:
    assert feasible({"risk": risk}, {"max_risk": max_risk}) is ok


@pytest.mark.parametrize(("km", "ok"), [(0.0, True), (9.99, True), (10.01, False), (50, False)])
def test_rule_distance(km: float, ok: bool) -> None:
    assert feasible({}, {"lat": north(km), "lon": -0.12, "max_travel_km": 10.0}) is ok


def test_rule_distance_zero_reach() -> None:
    assert feasible({}, {"lat": 51.5, "lon": -0.12, "max_travel_km": 0.0})
    assert not feasible({}, {"lat": north(0.01), "lon": -0.12, "max_travel_km": 0.0})


@pytest.mark.parametrize(
    ("wish", "mine", "theirs", "ok"),
    [("female", "male", "female", True), ("female", "male", "male", False),
     ("male", "female", "male", True), ("same", "female", "female", True),
     ("same", "female", "male", False), ("same", "non_binary", "non_binary", True),
     ("same", "undisclosed", "undisclosed", False), ("any", "male", "non_binary", True)],
)  # fmt: skip
def test_rule_required_mentor_gender(wish: str, mine: str, theirs: str, ok: bool) -> None:
    mentee = {"mentor_gender": wish, "mentor_gender_strength": "required", "gender": mine}
    assert feasible(mentee, {"gender": theirs}) is ok
    # A preferred wish is never a rule.
    assert feasible({**mentee, "mentor_gender_strength": "preferred"}, {"gender": theirs})


@pytest.mark.parametrize(
    ("requirement", "mentee_gender", "ok"),
    [("any", "undisclosed", True), ("female", "female", True), ("female", "male", False),
     ("male", "male", True), ("male", "undisclosed", False)],
)  # fmt: skip
def test_rule_mentors_own_mentee_gender(requirement: str, mentee_gender: str, ok: bool) -> None:
    assert feasible({"gender": mentee_gender}, {"mentee_gender": requirement}) is ok


@pytest.mark.parametrize(
    ("mine", "theirs", "ok"),
    [("asian", "asian", True), ("asian", "white", False), ("undisclosed", "undisclosed", False)],
)
def test_rule_required_ethnicity(mine: str, theirs: str, ok: bool) -> None:
    assert feasible({"ethnicity_match": "required", "ethnicity": mine}, {"ethnicity": theirs}) is ok
    assert feasible({"ethnicity_match": "preferred", "ethnicity": mine}, {"ethnicity": theirs})


@pytest.mark.parametrize(
    ("mine", "theirs", "ok"),
    [("muslim", "muslim", True), ("muslim", "christian", False), (None, None, False),
     ("sikh", None, False)],
)  # fmt: skip
def test_rule_required_faith(mine: str | None, theirs: str | None, ok: bool) -> None:
    assert feasible({"faith_match": "required", "faith": mine}, {"faith": theirs}) is ok


@pytest.mark.parametrize(("lived", "ok"), [(True, True), (False, False)])
def test_rule_required_lived_experience(lived: bool, ok: bool) -> None:
    assert feasible({"lived_experience": "required"}, {"lived_experience": lived}) is ok
    assert feasible({"lived_experience": "preferred"}, {"lived_experience": lived})


def test_rule_excluded_mentor() -> None:
    assert not feasible({"exclude_mentors": ("M001",)}, {"id": "M001"})
    assert feasible({"exclude_mentors": ("M999",)}, {"id": "M001"})


@pytest.mark.parametrize(
    ("need", "mine", "theirs", "ok"),
    [(1, ("mon_am",), ("mon_am",), True), (1, ("mon_am",), ("tue_am",), False),
     (2, ("mon_am", "tue_am"), ("mon_am",), False), (2, ("mon_am", "tue_am"),
                                                     ("mon_am", "tue_am"), True),
     (0, ("mon_am",), ("tue_am",), True)],
)  # fmt: skip
def test_rule_min_shared_slots(
    need: int, mine: tuple[str, ...], theirs: tuple[str, ...], ok: bool
) -> None:
    cfg = rules_cfg(min_shared_slots=need)
    assert feasible({"availability": mine}, {"availability": theirs}, cfg) is ok


CUSTODY = {"custody": "custody", "prison": "HMP1", "release_date": date(2026, 6, 1)}


def test_rule_prison_clearance_only_when_required() -> None:
    assert feasible(CUSTODY, {"prisons": ()})  # scored, not required, by default
    cfg = rules_cfg(require_prison_clearance=True)
    assert not feasible(CUSTODY, {"prisons": ("HMP2",)}, cfg)
    assert feasible(CUSTODY, {"prisons": ("HMP2", "HMP1")}, cfg)
    assert feasible({}, {"prisons": ()}, cfg)  # community mentees are not affected


def test_rule_commitment_cover_only_when_required() -> None:
    end = add_months(date(2026, 6, 1), 12)
    day_before = date.fromordinal(end.toordinal() - 1)
    assert feasible(CUSTODY, {"available_until": day_before})
    cfg = rules_cfg(require_commitment_cover=True)
    assert not feasible(CUSTODY, {"available_until": day_before}, cfg)
    assert feasible(CUSTODY, {"available_until": end}, cfg)
    assert feasible(CUSTODY, {"available_until": None}, cfg)


def test_rule_same_region_only_when_required() -> None:
    assert feasible({"region": "london"}, {"region": "kent"})
    cfg = rules_cfg(same_region=True)
    assert not feasible({"region": "london"}, {"region": "kent"}, cfg)
    assert feasible({"region": "london"}, {"region": "london"}, cfg)
    assert feasible({"region": "london"}, {"region": None}, cfg)
    assert feasible({"region": None}, {"region": "kent"}, cfg)


def _world() -> tuple[list[Mentee], list[Mentor]]:
    mentees = [
        make_mentee("E2", goals=("finance",)),
        make_mentee("E1", goals=("employment", "finance")),
        make_mentee("E3", lat=55.95, lon=-3.19),  # Edinburgh: nobody in reach
    ]
    mentors = [
        make_mentor("M3", lat=north(5)),
        make_mentor("M1", lat=north(5)),
        make_mentor("M2", specialisms=("finance",), lat=north(2)),
    ]
    return mentees, mentors


def test_candidates_are_ordered_by_mentee_then_score_then_mentor_id() -> None:
    mentees, mentors = _world()
    c = find_candidates(mentees, mentors, as_of=AS_OF)
    got = [(mentees[i].id, mentors[j].id) for i, j in zip(c.mentee, c.mentor, strict=True)]
    # E2 (index 0) prefers the finance specialist; M1 and M3 tie and go by id.
    assert got == [("E2", "M2"), ("E2", "M1"), ("E2", "M3"),
                   ("E1", "M2"), ("E1", "M1"), ("E1", "M3")]  # fmt: skip
    assert c.score[1] == c.score[2]
    assert c.indptr.tolist() == [0, 3, 6, 6]
    assert c.mentee.dtype == np.int32 and c.score.dtype == np.float64
    assert list(c.criteria) == list(CRITERION_NAMES)


def test_max_per_mentee_keeps_the_best() -> None:
    mentees, mentors = _world()
    full = find_candidates(mentees, mentors, as_of=AS_OF)
    top = find_candidates(mentees, mentors, as_of=AS_OF, max_per_mentee=1)
    assert top.mentor.tolist() == [full.mentor[0], full.mentor[3]]
    with pytest.raises(ParameterError):
        find_candidates(mentees, mentors, as_of=AS_OF, max_per_mentee=0)


def test_chunks_and_threads_do_not_change_the_result() -> None:
    mentees, mentors = _world()
    a = find_candidates(mentees * 1, mentors, as_of=AS_OF, chunk_size=1, workers=2)
    b = find_candidates(mentees, mentors, as_of=AS_OF, chunk_size=1000, workers=1)
    assert np.array_equal(a.mentee, b.mentee) and np.array_equal(a.mentor, b.mentor)
    assert np.array_equal(a.score, b.score)


def test_empty_inputs() -> None:
    mentees, mentors = _world()
    for es, ms in (([], mentors), (mentees, []), ([], [])):
        c = find_candidates(es, ms, as_of=AS_OF)
        assert len(c) == 0 and all(len(v) == 0 for v in c.criteria.values())


def test_write_candidates(tmp_path: Path) -> None:
    mentees, mentors = _world()
    cfg = config_from_dict({"weights": {"faith": 0.0}})
    c = find_candidates(mentees, mentors, cfg, as_of=AS_OF)
    out = tmp_path / "pairs.csv"
    write_candidates(out, c, mentees, mentors)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(("mentee_id", "mentor_id", "score", *CRITERION_NAMES))
    rows = [line.split(",") for line in lines[1:]]
    # Sorted by mentee id (E1 before E2), then score descending, then mentor id.
    assert [r[:2] for r in rows] == [["E1", "M2"], ["E1", "M1"], ["E1", "M3"],
                                     ["E2", "M2"], ["E2", "M1"], ["E2", "M3"]]  # fmt: skip
    assert all(len(r[2].split(".")[1]) == 6 for r in rows)
    faith = 3 + CRITERION_NAMES.index("faith")
    assert all(r[faith] == "" for r in rows)  # weight 0: not computed, left empty
    assert not list(tmp_path.glob(".*tmp"))  # written atomically, nothing left behind


# --- properties ------------------------------------------------------------------------

_PROPS = settings(max_examples=60, deadline=None)


def _pairs(mentees: list[Mentee], mentors: list[Mentor], config: Config | None = None):  # type: ignore[no-untyped-def]
    c = find_candidates(mentees, mentors, config, as_of=AS_OF)
    return {
        (mentees[i].id, mentors[j].id): s
        for i, j, s in zip(c.mentee.tolist(), c.mentor.tolist(), c.score.tolist(), strict=True)
    }


@_PROPS
@given(local_caseloads(), st.randoms(use_true_random=False))
def test_shuffling_rows_changes_neither_pairs_nor_scores(
    caseload: tuple[list[Mentee], list[Mentor]], rnd: random.Random
) -> None:
    mentees, mentors = caseload
    before = _pairs(mentees, mentors)
    rnd.shuffle(mentees)
    rnd.shuffle(mentors)
    assert _pairs(mentees, mentors) == before  # identical floats, not approximately


@_PROPS
@given(local_caseloads(), st.booleans(), st.booleans(), st.booleans(), st.integers(0, 3))
def test_cascade_agrees_with_batch(
    caseload: tuple[list[Mentee], list[Mentor]],
    clearance: bool, commitment: bool, region: bool, slots: int,
) -> None:  # fmt: skip
    mentees, mentors = caseload
    cfg = rules_cfg(require_prison_clearance=clearance, require_commitment_cover=commitment,
                    same_region=region, min_shared_slots=slots)  # fmt: skip
    c = find_candidates(mentees, mentors, cfg, as_of=AS_OF)
    for i, mentee in enumerate(mentees):
        cascade = rule_cascade(mentee, mentors, cfg, as_of=AS_OF)
        batch = sorted(c.mentor[c.indptr[i] : c.indptr[i + 1]].tolist())
        assert np.flatnonzero(cascade.feasible).tolist() == batch
        assert (cascade.emptied_by is None) == bool(batch) or cascade.emptied_by == "capacity"


# --- the rule cascade ----------------------------------------------------------------------


def test_cascade_counts_each_rule_in_order() -> None:
    mentee = make_mentee(mentor_gender="female", mentor_gender_strength="required", risk="high")
    mentors = [
        make_mentor("M1", gender="male"),
        make_mentor("M2", max_risk="medium"),
        make_mentor("M3", lat=north(30)),
        make_mentor("M4"),
    ]
    cascade = rule_cascade(mentee, mentors, as_of=AS_OF)
    assert [s.rule for s in cascade.steps] == [r.name for r in RULES if r.active(Config())] + [
        "capacity"
    ]
    assert cascade.removed["mentor_gender"] == 1
    assert cascade.removed["risk"] == 1
    assert cascade.removed["distance"] == 1
    assert cascade.feasible.tolist() == [False, False, False, True]
    assert cascade.emptied_by is None and cascade.reason is None


def test_cascade_reason_required_gender_names_mentors_in_reach() -> None:
    mentee = make_mentee(mentor_gender="female", mentor_gender_strength="required")
    mentors = [make_mentor(f"M{k}", gender="male") for k in range(12)]
    mentors.append(make_mentor("F1", gender="female", lat=north(100)))
    mentors.append(make_mentor("F2", gender="female", max_risk="low", lat=north(200)))
    cascade = rule_cascade(mentee, mentors, as_of=AS_OF)
    assert cascade.emptied_by == "distance"  # female mentors exist, only too far
    assert cascade.reason == (
        "no mentor within travel distance of the mentee's home (nearest eligible 100 km; "
        "reach 20 km)"
    )
    cascade = rule_cascade(mentee, mentors[:12], as_of=AS_OF)
    assert cascade.emptied_by == "mentor_gender"
    assert cascade.reason == "required female mentor: none of the 12 mentors in reach"


def test_cascade_reason_release_area_and_no_value_leaks() -> None:
    mentee = make_mentee(
        custody="custody",
        prison="HMP1",
        release_date=date(2026, 3, 1),
        ethnicity="asian",
        ethnicity_match="required",
        faith="muslim",
        faith_match="required",
        risk="very_high",
    )
    near = make_mentor("M1", ethnicity="white", faith="christian", max_risk="very_high")
    far = make_mentor("M2", ethnicity="asian", faith="muslim", max_risk="very_high",
                      lat=north(41), max_travel_km=30)  # fmt: skip
    cascade = rule_cascade(mentee, [near, far], as_of=AS_OF)
    assert cascade.reason == (
        "no mentor within travel distance of the release area (nearest eligible 41 km; reach 30 km)"
    )
    cascade = rule_cascade(mentee, [near], as_of=AS_OF)
    assert cascade.reason == (
        "required same-ethnicity mentor: the one mentor in reach does not meet it"
    )
    for word in ("asian", "white", "muslim", "christian", "very_high", "very high"):
        assert word not in (cascade.reason or "")


@pytest.mark.parametrize(
    ("mentee_kw", "mentor_kw", "cfg", "rule", "words"),
    [({"exclude_mentors": ("M001",)}, {}, {}, "excluded", "excluded by the mentee"),
     ({"gender": "male"}, {"mentee_gender": "female"}, {}, "mentee_gender", "male mentee"),
     ({"risk": "high"}, {"max_risk": "low"}, {}, "risk", "risk level"),
     ({"languages": ("welsh",)}, {}, {}, "language", "no mentor speaking welsh"),
     ({"faith_match": "required"}, {}, {}, "faith", "faith is not recorded"),
     ({"lived_experience": "required"}, {}, {}, "lived_experience", "lived experience"),
     (CUSTODY, {}, {"require_prison_clearance": True}, "prison_clearance", "prison HMP1"),
     ({}, {"available_until": date(2026, 2, 1)}, {"require_commitment_cover": True},
      "commitment", "available until 2027-01-05"),
     ({"region": "london"}, {"region": "kent"}, {"same_region": True}, "region", "london"),
     ({"availability": ("sun_eve",)}, {}, {}, "availability", "1 shared availability slot"),
     ({}, {"capacity": 0}, {}, "capacity", "full")],
)  # fmt: skip
def test_cascade_reason_per_rule(
    mentee_kw: dict[str, Any], mentor_kw: dict[str, Any], cfg: dict[str, Any], rule: str,
    words: str,
) -> None:  # fmt: skip
    cascade = rule_cascade(make_mentee(**mentee_kw), [make_mentor(**mentor_kw)],
                           rules_cfg(**cfg), as_of=AS_OF)  # fmt: skip
    assert cascade.emptied_by == rule
    assert words in (cascade.reason or "")


def test_cascade_capacity_counts_existing_relationships() -> None:
    mentee = make_mentee()  # weekly: 2 hours by default
    mentors = [make_mentor("M1", capacity=1), make_mentor("M2", max_hours=3.0)]
    existing = [Existing(mentee_id="X1", mentor_id="M1"),
                Existing(mentee_id="X2", mentor_id="M2", hours=1.5)]  # fmt: skip
    cascade = rule_cascade(mentee, mentors, as_of=AS_OF, existing=existing)
    assert cascade.feasible.tolist() == [True, True]
    assert cascade.available.tolist() == [False, False]
    assert cascade.emptied_by == "capacity"
    assert cascade.reason == "all 2 feasible mentors are full (no spare place or 2 weekly hours)"
    assert rule_cascade(mentee, mentors, as_of=AS_OF).available.tolist() == [True, True]


def test_cascade_without_mentors() -> None:
    cascade = rule_cascade(make_mentee(), [], as_of=AS_OF)
    assert cascade.reason == "no mentors to match against"


# --- scores, criteria on demand, and the fused kernel against the scorers ------------------


def _reference(c: Candidates) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Scores and criteria of the kept pairs by ``score_pairs`` (one scorer per criterion)."""
    me, mo = c.mentee_arrays, c.mentor_arrays
    i, j = c.mentee, c.mentor
    d = haversine_km(me.lat[i], me.lon[i], me.cos_lat[i], mo.lat[j], mo.lon[j], mo.cos_lat[j])
    return score_pairs(Pairs(me, mo, i, j, d, c.config))


_WEIGHTS = st.fixed_dictionaries(
    {name: st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.7]) for name in CRITERION_NAMES}
).filter(lambda w: any(v > 0 for v in w.values()))


@_PROPS
@given(local_caseloads(), _WEIGHTS, st.integers(0, 2), st.booleans())
def test_fused_scores_are_bit_identical_to_the_scorers(
    caseload: tuple[list[Mentee], list[Mentor]],
    weights: dict[str, float],
    slots: int,
    clearance: bool,
) -> None:
    mentees, mentors = caseload
    cfg = config_from_dict({
        "weights": weights,
        "rules": {"min_shared_slots": slots, "require_prison_clearance": clearance},
        "scoring": {"location_half_km": 7.0, "frequency_shortfall": 0.3},
    })  # fmt: skip
    c = find_candidates(mentees, mentors, cfg, as_of=AS_OF, chunk_size=3)
    score, crit = _reference(c)
    assert c.score.dtype == np.float64 and np.array_equal(c.score, score)
    assert np.array_equal(c.score_steps, np.rint((1 - score) * SCORE_GRID).astype(np.uint32))
    full = c.criteria
    assert list(full) == list(CRITERION_NAMES)
    for name in CRITERION_NAMES:
        assert np.array_equal(full[name], crit[name], equal_nan=True)


@_PROPS
@given(local_caseloads(), st.randoms(use_true_random=False))
def test_criteria_at_equals_full_criteria(
    caseload: tuple[list[Mentee], list[Mentor]], rnd: random.Random
) -> None:
    mentees, mentors = caseload
    cfg = config_from_dict({"weights": {"faith": 0.0}})
    c = find_candidates(mentees, mentors, cfg, as_of=AS_OF)
    rows = np.array(rnd.sample(range(len(c)), min(len(c), 5)), dtype=np.int64)
    at = c.criteria_at(rows)
    assert list(at) == list(CRITERION_NAMES)
    for name, values in c.criteria.items():
        assert at[name].dtype == np.float32 and len(at[name]) == len(rows)
        assert np.array_equal(at[name], values[rows], equal_nan=True)
    assert np.all(np.isnan(at["faith"]))
    assert np.array_equal(c.distance_at(rows).astype(np.float32), c.distance_km[rows])


def test_candidates_store_twelve_bytes_per_pair() -> None:
    mentees, mentors = _world()
    c = find_candidates(mentees, mentors, as_of=AS_OF)
    assert c.mentee.dtype == np.int32 and c.mentor.dtype == np.int32
    assert c.score_steps.dtype == np.uint32
    assert "criteria" not in vars(c) and "distance_km" not in vars(c)  # not computed yet
    assert c.distance_km.dtype == np.float32 and len(c.distance_km) == len(c)
    assert "distance_km" in vars(c)  # cached once asked for


def test_languages_beyond_one_mask_word() -> None:
    """The fused language tests have a general path for masks of several words."""
    mentees, mentors = _world()
    me = MenteeArrays.from_records(mentees, Config(), AS_OF)
    mo = MentorArrays.from_records(mentors, Config())
    one = find_candidates(me, mo, as_of=AS_OF)
    wide_me = dataclasses.replace(me, languages=np.pad(me.languages, ((0, 0), (0, 1))))
    wide_mo = dataclasses.replace(mo, languages=np.pad(mo.languages, ((0, 0), (0, 2))))
    two = find_candidates(wide_me, wide_mo, as_of=AS_OF)
    assert np.array_equal(one.mentor, two.mentor) and np.array_equal(one.score, two.score)


@pytest.mark.parametrize(("lon_e", "lon_m"), [(179.99, -179.99), (-179.99, 179.98), (0.0, 0.1)])
def test_grid_search_across_the_date_line(lon_e: float, lon_m: float) -> None:
    mentee = make_mentee(lat=-16.5, lon=lon_e)
    mentor = make_mentor(lat=-16.5, lon=lon_m, max_travel_km=30.0)
    c = find_candidates([mentee], [mentor], as_of=AS_OF)
    cascade = rule_cascade(mentee, [mentor], as_of=AS_OF)
    assert len(c) == 1 and bool(cascade.feasible[0])


def test_grid_search_near_a_pole() -> None:
    mentees = [make_mentee("E1", lat=89.95, lon=0.0), make_mentee("E2", lat=89.95, lon=180.0)]
    mentor = make_mentor(lat=89.95, lon=90.0, max_travel_km=20.0)
    c = find_candidates(mentees, [mentor], as_of=AS_OF)
    for k, mentee in enumerate(mentees):
        feasible_one = bool(rule_cascade(mentee, [mentor], as_of=AS_OF).feasible[0])
        assert (c.indptr[k + 1] - c.indptr[k] == 1) == feasible_one
    assert len(c) == 2


def _ring(n: int, seed: int) -> tuple[list[Mentee], list[Mentor]]:
    """Custody mentees near London and mentors scattered around them, some far away."""
    rng = random.Random(seed)
    custody = {"custody": "custody", "prison": "HMP1", "release_date": date(2026, 3, 1)}
    mentees = [
        make_mentee(f"E{k}", lat=51.5 + rng.uniform(-0.05, 0.05),
                    lon=-0.12 + rng.uniform(-0.1, 0.1), **(custody if k % 2 else {}))
        for k in range(4)
    ]  # fmt: skip
    mentors = [
        make_mentor(f"M{k}", lat=51.5 + rng.uniform(-0.4, 0.4), lon=-0.12 + rng.uniform(-0.6, 0.6),
                    max_travel_km=rng.choice([5.0, 10.0, 25.0, 60.0]),
                    prisons=("HMP1",) if k % 3 else ())
        for k in range(n)
    ]  # fmt: skip
    return mentees, mentors


def _exact_reach(mentees: list[Mentee], mentors: list[Mentor], nudge: float) -> MentorArrays:
    """Mentor arrays whose reach is each mentor's haversine distance to the first mentee,
    moved by ``nudge`` ulps: the exact boundary of the distance rule."""
    me = MenteeArrays.from_records(mentees, Config(), AS_OF)
    mo = MentorArrays.from_records(mentors, Config())
    d = haversine_km(me.lat[0], me.lon[0], me.cos_lat[0], mo.lat, mo.lon, mo.cos_lat)
    reach = d if nudge == 0 else np.nextafter(d, np.inf if nudge > 0 else -np.inf)
    return dataclasses.replace(mo, reach_km=reach)


@pytest.mark.parametrize("nudge", [-1, 0, 1])
def test_distance_rule_is_exact_on_the_boundary(nudge: int) -> None:
    # The chord distance decides the rule only away from the boundary; at it, haversine_km
    # (the cascade's distance) decides, to the last bit.
    mentees, mentors = _ring(300, 5)
    mo = _exact_reach(mentees, mentors, nudge)
    me = MenteeArrays.from_records(mentees[:1], Config(), AS_OF)
    c = find_candidates(me, mo, as_of=AS_OF)
    cascade = rule_cascade(mentees[0], mo, as_of=AS_OF)
    assert np.array_equal(np.sort(c.mentor), np.flatnonzero(cascade.feasible))
    # Every mentor passes the other rules: all are in reach unless the reach was nudged down.
    assert len(c) == (0 if nudge < 0 else len(mentors))


def test_fast_distance_paths_give_the_scorers_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    # Many pairs at all distances, release area and location half-distance included; then
    # again with every pair sent down the exact fallbacks (huge tolerance).
    import matcher.arrays as arrays
    from matcher.candidates import marshal

    mentees, mentors = _ring(3000, 7)
    cfg = config_from_dict({"scoring": {"location_half_km": 7.0, "release_area_km": 12.0}})
    base = find_candidates(mentees, mentors, cfg, as_of=AS_OF)
    score, _ = _reference(base)
    assert len(base) > 1000 and np.array_equal(base.score, score)
    monkeypatch.setattr(arrays, "CHORD_TOL_ABS_KM", 1e3)
    monkeypatch.setattr(marshal, "_POLY_X", 0.0)
    slow = find_candidates(mentees, mentors, cfg, as_of=AS_OF)
    assert np.array_equal(slow.mentor, base.mentor)
    assert np.array_equal(slow.score_steps, base.score_steps)


def test_internal_mentor_order_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    # The compiled pass works on mentors renumbered in Z-order; any order gives the same.
    import matcher.arrays as arrays
    from matcher.candidates import search

    mentees, mentors = _ring(400, 11)
    base = find_candidates(mentees, mentors, as_of=AS_OF)
    monkeypatch.setattr(search, "spatial_order", lambda mo: np.arange(len(mo))[::-1].copy())
    other = find_candidates(mentees, mentors, as_of=AS_OF)
    monkeypatch.setattr(
        arrays, "CHORD_TOL_ABS_KM", 1e3
    )  # and with every pair handed back undecided
    exact = find_candidates(mentees, mentors, as_of=AS_OF)
    assert len(base) > 100
    for c in (other, exact):
        assert np.array_equal(base.mentee, c.mentee) and np.array_equal(base.mentor, c.mentor)
        assert np.array_equal(base.score_steps, c.score_steps)


def test_importing_the_package_does_not_load_numba() -> None:
    # Commands that score no pairs (validate, generate, --help) start without numba.
    import subprocess
    import sys

    code = "import sys, matcher, matcher.cli; print('numba' in sys.modules)"
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("workers", [0, -1])
def test_regression_workers_below_one_is_a_parameter_error(workers: int) -> None:
    # It used to hang: no working buffers were made for the chunks to take.
    mentees, mentors = _world()
    with pytest.raises(ParameterError, match="'workers' parameter of find_candidates"):
        find_candidates(mentees, mentors, as_of=AS_OF, workers=workers)


def test_regression_failed_buffer_growth_raises_instead_of_hanging(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A MemoryError while growing a chunk's working buffers lost them, and the other
    # chunks then waited for them forever.
    import threading

    from matcher.candidates import search

    class GrowthFails:
        """numpy, except that a working buffer cannot grow in a worker thread."""

        def __getattr__(self, name: str) -> Any:
            return getattr(np, name)

        @staticmethod
        def empty(shape: Any, dtype: Any = float, **kw: Any) -> Any:
            worker = threading.current_thread() is not threading.main_thread()
            if worker and isinstance(shape, int) and shape > 0 and np.dtype(dtype) == np.uint64:
                raise MemoryError("test")
            return np.empty(shape, dtype, **kw)

    mentees, mentors = _world()
    monkeypatch.setattr(search, "np", GrowthFails())
    with pytest.raises(MemoryError):
        find_candidates(mentees * 20, mentors, as_of=AS_OF, chunk_size=1, workers=2)


def test_regression_exclusion_of_a_repeated_id_agrees_with_the_cascade() -> None:
    # Exclusions were looked up on the internally reordered mentors, so with a repeated id
    # (possible through the library, not from files) another row was excluded.
    mentors = [make_mentor("M1", lat=north(3)), make_mentor("M1", lat=north(-3))]
    mentee = make_mentee(exclude_mentors=("M1",))
    c = find_candidates([mentee], mentors, as_of=AS_OF)
    cascade = rule_cascade(mentee, mentors, as_of=AS_OF)
    assert c.mentor.tolist() == np.flatnonzero(cascade.feasible).tolist()


def test_regression_infinite_reach_warns_nothing() -> None:
    # The chord tolerance of an infinite reach (prebuilt arrays; files allow only finite
    # ones) was inf - inf: a RuntimeWarning and a NaN bound.
    import warnings

    mentees = [make_mentee("E1"), make_mentee("E2", lat=55.95, lon=-3.19)]
    mo = MentorArrays.from_records([make_mentor()], Config())
    mo = dataclasses.replace(mo, reach_km=np.full(1, np.inf))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c = find_candidates(mentees, mo, as_of=AS_OF)
    assert c.mentee.tolist() == [0, 1]


@given(local_caseloads())
@settings(max_examples=40, deadline=None)
def test_candidates_keep_offsets_per_mentee_not_a_mentee_per_pair(
    c: tuple[list[Mentee], list[Mentor]],
) -> None:
    """The pairs' mentees live in ``indptr`` (8 bytes a pair are stored, not 12): the
    whole ``mentee`` array, ``mentee_at`` and a rebuilt ``Candidates`` all agree."""
    mentees, mentors = c
    cands = find_candidates(mentees, mentors, Config(), as_of=AS_OF)
    whole = cands.mentee
    assert whole.dtype == np.int32 and whole.size == len(cands)
    assert (np.diff(whole) >= 0).all()
    assert cands.indptr.tolist() == np.searchsorted(whole, np.arange(len(mentees) + 1)).tolist()
    assert cands.mentee_at(np.arange(len(cands))).tolist() == whole.tolist()
    again = Candidates(whole, cands.mentor, cands.score_steps, cands.mentee_arrays,
                       cands.mentor_arrays, cands.config)  # fmt: skip
    assert again.indptr.tolist() == cands.indptr.tolist()
    assert "mentee" not in vars(cands)  # nothing per pair beyond mentor and score steps


def test_candidates_given_unsorted_mentees_are_refused() -> None:
    mentees = [make_mentee("a"), make_mentee("b")]
    cands = find_candidates(mentees, [make_mentor("x")], Config(), as_of=AS_OF)
    backwards = np.array([1, 0], dtype=np.int32)
    with pytest.raises(ValueError, match="sorted by row"):
        Candidates(backwards, np.zeros(2, np.int32), np.zeros(2, np.uint32),
                   cands.mentee_arrays, cands.mentor_arrays, cands.config)  # fmt: skip


@pytest.mark.parametrize(
    "change",
    [lambda p: p.astype(np.int32), lambda p: p + 1, lambda p: np.r_[p[0], p[2], p[1], p[3]]],
)
def test_candidates_given_bad_offsets_are_refused(change: Any) -> None:
    mentees = [make_mentee("a"), make_mentee("b"), make_mentee("c")]
    cands = find_candidates(mentees, [make_mentor("x")], Config(), as_of=AS_OF)
    good = np.array([0, 1, 2, 2], dtype=np.int64)
    Candidates(None, np.zeros(2, np.int32), np.zeros(2, np.uint32), cands.mentee_arrays,
               cands.mentor_arrays, cands.config, indptr=good)  # fmt: skip
    with pytest.raises(ValueError, match="indptr must be int64"):
        Candidates(None, np.zeros(2, np.int32), np.zeros(2, np.uint32), cands.mentee_arrays,
                   cands.mentor_arrays, cands.config, indptr=change(good))  # fmt: skip
