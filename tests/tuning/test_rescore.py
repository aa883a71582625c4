"""Rescoring stored pairs gives, bit for bit, what a fresh find_candidates gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import matcher
from matcher.candidates import find_candidates
from matcher.config import Config, config_from_dict
from matcher.errors import ParameterError
from matcher.io import Caseload, load_caseload
from matcher.synth.demo import DEMO_AS_OF
from matcher.tuning import PairPool, feasibility_key

DEMO = Path(matcher.__file__).parent / "data" / "demo"

CONFIGS = [
    {},
    {"weights": {"goals": 12.0, "location": 0.0}},
    {"weights": {"goals": 0.5, "expectations": 0.0, "faith": 7.0}},
    {"weights": {"location": 3.0}, "scoring": {"location_half_km": 4.0}},
    {"scoring": {"release_area_km": 5.0, "secondary_language": 0.1, "slots_weekly": 1}},
    {"objective": {"relationship_months": 30}, "weights": {"continuity": 5.0}},
    {"priority": {"community": 2.0}, "support_hours": {"weekly": 3.0}},
    {"weights": {"goals": 6.0}, "solver": {"max_candidates_per_mentee": 2}},
]


@pytest.fixture(scope="module")
def demo() -> Caseload:
    return load_caseload(*(DEMO / f"{n}.csv" for n in ("mentees", "mentors")))


@pytest.mark.parametrize("over", CONFIGS)
def test_rescored_pairs_are_find_candidates_bit_for_bit(demo: Caseload, over: dict) -> None:
    configs = [config_from_dict(c) for c in CONFIGS]
    pool = PairPool.build(demo.mentees, demo.mentors, configs, as_of=DEMO_AS_OF)
    config = config_from_dict(over)
    got = pool.candidates_for(config)
    k = config.solver.max_candidates_per_mentee
    want = find_candidates(
        demo.mentees, demo.mentors, config, as_of=DEMO_AS_OF, max_per_mentee=k or None
    )
    assert len(want) > 0
    for name in ("mentee", "mentor", "score_steps"):
        a, b = getattr(got, name), getattr(want, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name
    assert np.array_equal(got.score, want.score)
    assert np.array_equal(got.mentee_arrays.priority, want.mentee_arrays.priority)
    assert np.array_equal(got.mentee_arrays.support_hours, want.mentee_arrays.support_hours)


def test_a_config_prepared_late_is_scored_on_demand(demo: Caseload) -> None:
    pool = PairPool.build(demo.mentees, demo.mentors, [Config()], as_of=DEMO_AS_OF)
    late = config_from_dict({"weights": {"goals": 2.0}, "scoring": {"location_half_km": 9.0}})
    want = find_candidates(demo.mentees, demo.mentors, late, as_of=DEMO_AS_OF)
    assert np.array_equal(pool.candidates_for(late).score_steps, want.score_steps)


def test_rules_decide_the_pool(demo: Caseload) -> None:
    base, region = Config(), config_from_dict({"rules": {"same_region": True}})
    assert feasibility_key(base) == feasibility_key(config_from_dict({"weights": {"goals": 9}}))
    assert feasibility_key(base) != feasibility_key(region)
    # A rule switched off tests nothing: its parameters do not split pools.
    months = config_from_dict({"objective": {"relationship_months": 30}})
    assert feasibility_key(base) == feasibility_key(months)
    pool = PairPool.build(demo.mentees, demo.mentors, [base], as_of=DEMO_AS_OF)
    with pytest.raises(ParameterError, match="same rules"):
        pool.candidates_for(region)


def test_an_empty_side_gives_no_pairs(demo: Caseload) -> None:
    pool = PairPool.build((), demo.mentors, [Config()], as_of=DEMO_AS_OF)
    assert len(pool.candidates_for(Config())) == 0
