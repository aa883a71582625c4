"""Contract tests run over every hard rule of :data:`matcher.candidates.RULES`."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from matcher.arrays import MenteeArrays, MentorArrays, haversine_km
from matcher.candidates import RULES, Rule, find_candidates
from matcher.candidates.marshal import class_table
from matcher.candidates.rules import active_rules, exclusion_keys, rules_reference
from matcher.config import Config, config_from_dict
from matcher.criteria import Pairs
from matcher.models import Mentee, Mentor
from tests.factories import AS_OF, make_mentee
from tests.strategies import local_caseloads

_PROPS = settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
_DOCS = Path(__file__).resolve().parents[2] / "docs" / "scoring.md"
#: A config switching on every rule that has a switch.
_ALL_ON = {"require_prison_clearance": True, "require_commitment_cover": True,
           "same_region": True, "min_shared_slots": 2}  # fmt: skip
#: The rules that the compiled pass evaluates through its class table.
_CLASS_TABLE_RULES = ("mentee_gender", "mentor_gender", "risk", "ethnicity", "lived_experience")


@pytest.mark.parametrize("r", RULES, ids=[r.name for r in RULES])
def test_definition_is_complete(r: Rule) -> None:
    assert re.fullmatch(r"[a-z][a-z_]*", r.name)
    assert r.label and r.chart_label and r.holds_when and r.active_when
    cfg = config_from_dict({"rules": _ALL_ON})
    assert r.active(cfg) is True
    me = MenteeArrays.from_records([make_mentee()], cfg, AS_OF)
    assert isinstance(r.phrase(make_mentee(), me, cfg), str)
    for key in r.parameters:
        section, _, name = key.partition(".")
        assert name in type(getattr(cfg, section)).model_fields


def test_names_are_unique_and_distance_is_last() -> None:
    names = [r.name for r in RULES]
    assert len(set(names)) == len(names) and names[-1] == "distance"


def test_docs_table_is_generated_from_the_rules() -> None:
    assert rules_reference() in _DOCS.read_text(encoding="utf-8"), (
        "paste the output of `python -m matcher.candidates.rules` into docs/scoring.md"
    )


def _dense_feasible(
    mentees: list[Mentee], mentors: list[Mentor], cfg: Config
) -> set[tuple[int, int]]:
    """Every pair passing every active rule's reference predicate, over all pairs."""
    me = MenteeArrays.from_records(mentees, cfg, AS_OF)
    mo = MentorArrays.from_records(mentors, cfg)
    i = np.repeat(np.arange(len(me)), len(mo))
    j = np.tile(np.arange(len(mo)), len(me))
    d = haversine_km(me.lat[i], me.lon[i], me.cos_lat[i], mo.lat[j], mo.lon[j], mo.cos_lat[j])
    p = Pairs(me, mo, i, j, d, cfg)
    ok = np.ones(len(i), dtype=bool)
    keys = exclusion_keys(me, mo)
    for r in active_rules(cfg):
        ok &= r.test(p, keys)
    return set(zip(i[ok].tolist(), j[ok].tolist(), strict=True))


@pytest.mark.parametrize("switch", [{}, _ALL_ON], ids=["defaults", "every-rule-on"])
@_PROPS
@given(caseload=local_caseloads())
def test_compiled_pass_applies_exactly_the_rules(
    switch: dict[str, object], caseload: tuple[list[Mentee], list[Mentor]]
) -> None:
    mentees, mentors = caseload
    cfg = config_from_dict({"rules": switch})
    c = find_candidates(mentees, mentors, cfg, as_of=AS_OF)
    got = set(zip(c.mentee.tolist(), c.mentor.tolist(), strict=True))
    assert got == _dense_feasible(mentees, mentors, cfg)


@_PROPS
@given(caseload=local_caseloads())
def test_class_table_is_the_conjunction_of_its_rules(
    caseload: tuple[list[Mentee], list[Mentor]],
) -> None:
    mentees, mentors = caseload
    cfg = Config()
    me = MenteeArrays.from_records(mentees, cfg, AS_OF)
    mo = MentorArrays.from_records(mentors, cfg)
    mentor_class, offset, table = class_table(me, mo)
    i = np.repeat(np.arange(len(me)), len(mo))
    j = np.tile(np.arange(len(mo)), len(me))
    p = Pairs(me, mo, i, j, np.zeros(len(i)), cfg)
    want = np.ones(len(i), dtype=bool)
    for r in RULES:
        if r.name in _CLASS_TABLE_RULES:
            want &= r.test(p, np.zeros(0, dtype=np.int64))
    assert np.array_equal(table[offset[i] + mentor_class[j]] == 1, want)
