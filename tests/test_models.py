"""Models: frozen, strict, and the field reference in docs/ derives from them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from matcher.models import field_reference
from tests.factories import make_mentee, make_mentor

ROOT = Path(__file__).resolve().parents[1]


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
