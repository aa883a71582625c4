"""The calibration tables: keyed by the tokens the generator and the loaders use."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from matcher.synth import calibration as cal
from matcher.vocab import (
    AVAILABILITY_SLOTS,
    CONTACT_FREQUENCIES,
    CONTACT_MODES,
    ETHNICITIES,
    GENDERS,
    GOALS,
    MENTEE_GENDER_REQUIREMENTS,
    MENTOR_GENDER_WISHES,
    RISKS,
    STRENGTHS,
)

TOKEN = re.compile(r"^[a-z0-9_]+$")

# Every probability table and the vocabulary its keys must come from. An unknown key would
# be dropped silently (a misspelt token's share would go to the others).
TABLES: dict[str, tuple[Mapping[Any, float], Sequence[str]]] = {
    "MENTEE_GENDER_P": (cal.MENTEE_GENDER_P, GENDERS),
    "MENTEE_ETHNICITY_P": (cal.MENTEE_ETHNICITY_P, ETHNICITIES),
    "MENTEE_FAITH_P": (cal.MENTEE_FAITH_P, cal.FAITHS),
    "MENTOR_GENDER_P": (cal.MENTOR_GENDER_P, GENDERS),
    "MENTOR_ETHNICITY_P": (cal.MENTOR_ETHNICITY_P, ETHNICITIES),
    "MENTOR_FAITH_P": (cal.MENTOR_FAITH_P, cal.FAITHS),
    "RISK_P_CUSTODY": (cal.RISK_P_CUSTODY, RISKS),
    "RISK_P_COMMUNITY": (cal.RISK_P_COMMUNITY, RISKS),
    "MAX_RISK_P": (cal.MAX_RISK_P, RISKS),
    "GOAL_WEIGHT": (cal.GOAL_WEIGHT, GOALS),
    "SPECIALISM_WEIGHT": (cal.SPECIALISM_WEIGHT, GOALS),
    "FAITH_MATCH_P": (cal.FAITH_MATCH_P, STRENGTHS),
    "LIVED_EXPERIENCE_P": (cal.LIVED_EXPERIENCE_P, STRENGTHS),
    "MENTEE_FREQUENCY_P": (cal.MENTEE_FREQUENCY_P, CONTACT_FREQUENCIES),
    "MENTOR_FREQUENCY_P": (cal.MENTOR_FREQUENCY_P, CONTACT_FREQUENCIES),
    "MODE_P_CUSTODY": (cal.MODE_P_CUSTODY, CONTACT_MODES),
    "MODE_P_COMMUNITY": (cal.MODE_P_COMMUNITY, CONTACT_MODES),
    "MODE_P_MENTOR": (cal.MODE_P_MENTOR, CONTACT_MODES),
    **{f"ETHNICITY_MATCH_P[{k}]": (v, STRENGTHS) for k, v in cal.ETHNICITY_MATCH_P.items()},
    **{
        f"MENTOR_GENDER_WISH_P[{k}]": (v, MENTOR_GENDER_WISHES)
        for k, v in cal.MENTOR_GENDER_WISH_P.items()
    },
    **{
        f"MENTEE_GENDER_REQ_P[{k}]": (v, MENTEE_GENDER_REQUIREMENTS)
        for k, v in cal.MENTEE_GENDER_REQ_P.items()
    },
    **{f"OTHER_LANGUAGE[{k}]": (v[1], cal.LANGUAGES) for k, v in cal.OTHER_LANGUAGE.items()},
}


@pytest.mark.parametrize("name", sorted(TABLES))
def test_tables_are_keyed_by_vocabulary_tokens(name: str) -> None:
    table, vocab = TABLES[name]
    assert set(table) <= set(vocab), sorted(set(table) - set(vocab))
    assert all(p >= 0 for p in table.values()) and sum(table.values()) > 0


def test_tables_by_group_cover_every_group() -> None:
    assert set(cal.MENTOR_GENDER_WISH_P) == set(GENDERS)
    assert set(cal.MENTEE_GENDER_REQ_P) == set(GENDERS)
    assert set(cal.OTHER_LANGUAGE) == set(ETHNICITIES)
    assert set(cal.ETH_FAITH_AFFINITY) == set(ETHNICITIES)
    assert all(len(row) == len(cal.FAITHS) for row in cal.ETH_FAITH_AFFINITY.values())
    assert set(cal.ETHNICITY_MATCH_P) == {"white", "minority"}


def test_faiths_and_languages_are_tokens_with_the_entries_the_generator_names() -> None:
    for tokens in (cal.FAITHS, cal.LANGUAGES):
        assert all(TOKEN.match(t) for t in tokens) and len(set(tokens)) == len(tokens)
    assert "none" in cal.FAITHS
    # the languages cell treats index 0 as English, and Wales draws Welsh by name
    assert cal.LANGUAGES[0] == "english" and "welsh" in cal.LANGUAGES


def test_slot_patterns_weigh_every_availability_slot() -> None:
    assert set(cal.SLOT_PATTERNS) == {"custody", "evenings", "daytime"}
    for name, pattern in cal.SLOT_PATTERNS.items():
        assert pattern.shape == (len(AVAILABILITY_SLOTS),), name
        # 3-10 slots are drawn from a pattern (docs/synthetic.md): 10 must have weight
        assert (pattern > 0).sum() >= 10, name


@pytest.mark.parametrize("bands", [cal.MENTEE_AGE_BANDS, cal.MENTOR_AGE_BANDS])
def test_age_bands_are_adult_ordered_and_weighted(
    bands: tuple[tuple[int, int, float], ...],
) -> None:
    assert all(18 <= lo <= hi <= 90 and w > 0 for lo, hi, w in bands)
    assert all(a[1] < b[0] for a, b in zip(bands, bands[1:], strict=False))
