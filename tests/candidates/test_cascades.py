"""The batch rule cascade (cascade_reasons) gives every mentee exactly rule_cascade's answer."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.arrays import MenteeArrays, MentorArrays
from matcher.candidates import cascade_reasons, rule_cascade
from matcher.config import Config, config_from_dict
from matcher.models import Mentee, Mentor
from tests.factories import AS_OF, make_mentee, make_mentor, north
from tests.strategies import local_caseloads


def _both(
    mentees: list[Mentee], mentors: list[Mentor], config: Config
) -> tuple[list[tuple[str | None, str | None]], list[tuple[str | None, str | None]]]:
    """The batch answers for every mentee, and one rule_cascade per mentee."""
    me = MenteeArrays.from_records(mentees, config, AS_OF)
    mo = MentorArrays.from_records(mentors, config)
    batch = cascade_reasons(mentees, me, mo, config, np.arange(len(mentees)))
    one = []
    for mentee in mentees:
        c = rule_cascade(mentee, mentors, config, as_of=AS_OF)
        one.append((c.emptied_by, c.reason))
    return batch, one


@st.composite
def _spread_caseloads(draw: st.DrawFn) -> tuple[list[Mentee], list[Mentor]]:
    """Local caseloads, some mentees moved up to ~220 km north (so distance empties their
    cascade and the nearest eligible mentor is named) and some mentors stacked on one
    another's homes (equal distances: the lowest index must win)."""
    mentees, mentors = draw(local_caseloads(max_mentees=8, max_mentors=10))
    moved = [
        m.model_copy(update={"lat": m.lat + draw(st.sampled_from([0.0, 0.0, 0.6, 2.0]))})
        for m in mentees
    ]
    stacked = list(mentors)
    for k in range(1, len(stacked)):
        if draw(st.booleans()):
            src = stacked[draw(st.integers(0, k - 1))]
            stacked[k] = stacked[k].model_copy(update={"lat": src.lat, "lon": src.lon})
    return moved, stacked


@settings(max_examples=80)
@given(_spread_caseloads(), st.booleans(), st.booleans(), st.booleans(), st.integers(0, 3))
def test_batch_cascade_agrees_with_one_mentee_cascade(
    caseload: tuple[list[Mentee], list[Mentor]],
    clearance: bool, commitment: bool, region: bool, slots: int,
) -> None:  # fmt: skip
    mentees, mentors = caseload
    cfg = config_from_dict({"rules": {
        "require_prison_clearance": clearance, "require_commitment_cover": commitment,
        "same_region": region, "min_shared_slots": slots}})  # fmt: skip
    batch, one = _both(mentees, mentors, cfg)
    assert batch == one


def test_batch_cascade_names_the_nearest_eligible_mentor_and_the_emptying_rule() -> None:
    mentees = [
        make_mentee("E1", mentor_gender="female", mentor_gender_strength="required"),
        make_mentee("E2", languages=("polish",)),
        make_mentee("E3", exclude_mentors=("F1", "F2")),
    ]
    mentors = [make_mentor(f"M{k}", gender="male", languages=("english",)) for k in range(3)]
    mentors += [
        make_mentor("F1", gender="female", lat=north(100)),
        make_mentor("F2", gender="female", lat=north(60), max_travel_km=5),
    ]
    batch, one = _both(mentees, mentors, Config())
    assert batch == one
    assert batch[0] == (
        "distance",
        "no mentor within travel distance of the mentee's home (nearest eligible 60 km; "
        "reach 5 km)",
    )
    assert batch[1][0] == "language"
    assert batch[2] == (None, None)  # the male mentors in reach take anyone


def test_batch_cascade_without_mentors_or_mentees() -> None:
    mentee = make_mentee("E1")
    config = Config()
    me = MenteeArrays.from_records([mentee], config, AS_OF)
    none = MentorArrays.from_records([], config)
    assert cascade_reasons([mentee], me, none, config, np.arange(1)) == [
        (None, "no mentors to match against")
    ]
    mo = MentorArrays.from_records([make_mentor("M1")], config)
    assert cascade_reasons([mentee], me, mo, config, np.zeros(0, dtype=np.int64)) == []
