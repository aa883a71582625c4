"""Contract tests run over every registered criterion: a new criterion is checked by these
without a line of test of its own beyond its formula's cases."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from matcher.arrays import haversine_km
from matcher.candidates import find_candidates
from matcher.config import Config, config_from_dict
from matcher.criteria import (
    CRITERIA,
    CRITERION_NAMES,
    Criterion,
    Pairs,
    criteria_reference,
    criterion,
    informative,
    score_pairs,
)
from matcher.models import Mentee, Mentor
from tests.factories import AS_OF, make_mentee
from tests.strategies import local_caseloads

_PROPS = settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
_DOCS = Path(__file__).resolve().parents[2] / "docs" / "scoring.md"


def _config_key_exists(dotted: str) -> bool:
    section, _, key = dotted.partition(".")
    model = Config.model_fields.get(section)
    return model is not None and key in model.annotation.model_fields  # type: ignore[union-attr]


@pytest.mark.parametrize("c", CRITERIA, ids=CRITERION_NAMES)
def test_definition_is_complete(c: Criterion) -> None:
    assert re.fullmatch(r"[a-z][a-z_]*", c.name)
    assert c.default_weight >= 0 and c.description and c.label and c.formula
    assert 0 < len(c.short) <= 6  # a column of the plain-text explanation table
    assert all(_config_key_exists(k) for k in c.parameters), c.parameters
    assert criterion(c.name) is c
    assert isinstance(informative(make_mentee(), c.name), bool)


def test_names_and_short_labels_are_unique() -> None:
    assert len(set(CRITERION_NAMES)) == len(CRITERIA)
    assert len({c.short for c in CRITERIA}) == len(CRITERIA)


def test_config_weights_derive_from_the_registry() -> None:
    cfg = Config()
    assert tuple(cfg.weight_vector()) == CRITERION_NAMES
    for c in CRITERIA:
        field = type(cfg.weights).model_fields[c.name]
        assert field.default == c.default_weight and field.description == c.description


def test_docs_table_is_generated_from_the_registry() -> None:
    assert criteria_reference() in _DOCS.read_text(encoding="utf-8"), (
        "paste the output of `python -m matcher.criteria` into docs/scoring.md"
    )


def _reference(mentees: list[Mentee], mentors: list[Mentor], cfg: Config) -> np.ndarray:
    c = find_candidates(mentees, mentors, cfg, as_of=AS_OF)
    me, mo, i, j = c.mentee_arrays, c.mentor_arrays, c.mentee, c.mentor
    d = haversine_km(me.lat[i], me.lon[i], me.cos_lat[i], mo.lat[j], mo.lon[j], mo.cos_lat[j])
    score, crit = score_pairs(Pairs(me, mo, i, j, d, cfg))
    assert np.array_equal(c.score, score)  # the compiled pass, bit for bit
    return crit[next(iter(n for n in CRITERION_NAMES if cfg.weight_vector()[n] > 0))]


@pytest.mark.parametrize("c", CRITERIA, ids=CRITERION_NAMES)
@_PROPS
@given(caseload=local_caseloads())
def test_compiled_term_alone_is_bit_identical_to_its_scorer(
    c: Criterion, caseload: tuple[list[Mentee], list[Mentor]]
) -> None:
    # Each criterion weighted alone (odd weight, odd parameters), so a term that drifts from
    # its reference scorer cannot hide behind the others.
    mentees, mentors = caseload
    weights = dict.fromkeys(CRITERION_NAMES, 0.0) | {c.name: 1.7}
    cfg = config_from_dict(
        {
            "weights": weights,
            "scoring": {"location_half_km": 7.0, "frequency_shortfall": 0.3,
                        "secondary_language": 0.35, "release_area_km": 9.0},
        }
    )  # fmt: skip
    s = _reference(mentees, mentors, cfg)
    assert s.dtype == np.float32 and np.all((s >= 0) & (s <= 1))
