"""Models: frozen, strict, and the field reference in docs/ derives from them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from matcher.models import Prison, field_reference
from tests.factories import make_mentee, make_mentor

ROOT = Path(__file__).resolve().parents[2]


def test_docs_field_reference_is_current() -> None:
    assert (ROOT / "docs" / "fields.md").read_text(encoding="utf-8") == field_reference(), (
        "regenerate with: python -m matcher.models > docs/fields.md"
    )


def test_models_are_frozen_and_forbid_extra() -> None:
    m = make_mentee()
    with pytest.raises(ValidationError):
        m.gender = "female"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="Extra inputs"):
        make_mentor(colour="red")


def test_lists_split_and_dedupe() -> None:
    m = make_mentee(goals="employment;finance;employment", languages="welsh;english")
    assert m.goals == ("employment", "finance")
    assert m.languages == ("welsh", "english")


def test_nan_rejected() -> None:
    with pytest.raises(ValidationError):
        make_mentor(max_hours=float("nan"))


def test_community_mentee_cannot_name_a_prison() -> None:
    with pytest.raises(ValidationError, match="prison must be empty"):
        make_mentee(prison="HMP1")


def test_ids_are_pseudonymous_tokens() -> None:
    with pytest.raises(ValidationError):
        make_mentee("John Smith")


def test_ids_may_not_begin_with_a_formula_character() -> None:
    with pytest.raises(ValidationError):
        make_mentee("-E1")
    assert make_mentee("E-1").id == "E-1"


def test_no_date_placeholder_and_date_range() -> None:
    assert make_mentor(available_until="9999-12-31").available_until is None
    assert make_mentor(available_until=date(9999, 12, 31)).available_until is None
    with pytest.raises(ValidationError, match="between 1900-01-01 and 2199-12-31"):
        make_mentor(available_until="2200-01-01")
    with pytest.raises(ValidationError, match="9999-12-31 counts as no date"):
        make_mentee(custody="custody", prison="HMP1", release_date="9999-12-31")


@pytest.mark.parametrize("value", ["yes", "1", "off", 1, 0, "t"])
def test_booleans_are_strict(value: object) -> None:
    with pytest.raises(ValidationError, match="must be true or false"):
        make_mentor(lived_experience=value)
    assert make_mentor(lived_experience="TRUE").lived_experience is True


@pytest.mark.parametrize(
    ("field", "value"),
    [("capacity", 1001), ("max_hours", 168.5), ("max_hours", 1.005), ("max_travel_km", 4e4 + 1),
     ("capacity", True), ("max_hours", "inf"), ("max_hours", "1_0")],
)  # fmt: skip
def test_numbers_have_ranges_and_plain_forms(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        make_mentor(**{field: value})


def test_empty_required_lists_are_refused_and_empty_parts_dropped() -> None:
    for field in ("specialisms", "availability", "contact_modes"):
        with pytest.raises(ValidationError):
            make_mentor(**{field: ";"})
    assert make_mentee(goals="employment;;finance;").goals == ("employment", "finance")


def test_prison_names_are_plain_text() -> None:
    for name in ("=cmd()", "@SUM(1)", "Example\nerror: x", "Ex\u202eample"):
        with pytest.raises(ValidationError):
            Prison(code="P1", name=name, lat=51.0, lon=0.0)
