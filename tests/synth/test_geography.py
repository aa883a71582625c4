"""The reference tables of the generator's geography: consistent with each other and real."""

from __future__ import annotations

from matcher.synth.geography import (
    PRISON_KIND_WEIGHT,
    PRISONS,
    REGION_NAMES,
    REGION_WEIGHT,
    REGIONS,
    TOWNS,
    Prison,
    Town,
)


def test_prison_codes_are_unique() -> None:
    codes = [p.code for p in PRISONS]
    assert len(set(codes)) == len(codes), "duplicate prison code"


def test_every_region_has_a_weight_and_towns() -> None:
    assert set(REGION_WEIGHT) == set(REGIONS)
    assert all(w > 0 for w in REGION_WEIGHT.values())
    assert {t.region for t in TOWNS} == set(REGIONS)


def test_towns_and_prisons_lie_in_a_known_region_of_england_and_wales() -> None:
    items: tuple[Town | Prison, ...] = (*TOWNS, *PRISONS)
    for item in items:
        assert item.region in REGION_NAMES, item
        assert 49.8 < item.lat < 55.9 and -5.8 < item.lon < 1.8, item


def test_prisons_have_a_known_estate_and_kind() -> None:
    for p in PRISONS:
        assert p.estate in ("male", "female") and p.kind in PRISON_KIND_WEIGHT, p
    assert {p.estate for p in PRISONS} == {"male", "female"}


def test_towns_have_a_positive_population_weight() -> None:
    assert all(t.pop_k > 0 for t in TOWNS)
    assert len({t.name for t in TOWNS}) == len(TOWNS)
