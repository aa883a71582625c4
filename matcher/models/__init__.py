"""Validated records of the data contract (docs/fields.md).

Every model is frozen and forbids unknown fields, so a misspelt column fails loudly.
List fields accept a list or a ``;``-separated string (as CSV cells hold them); empty
parts of such a string are dropped, and duplicates inside a list are dropped, keeping
first-seen order.

Every number and date has a range the whole engine can carry (``docs/limits.md``):
what validates here runs through every command. Numbers are plain decimals (no
``true``/``false``, ``inf`` or ``nan``), booleans are ``true``/``false`` only, and
``9999-12-31`` (the usual "no date" placeholder of case-system exports) means no date.

Modules: :mod:`~matcher.models.fields` (field types and ranges),
:mod:`~matcher.models.records` (the models), :mod:`~matcher.models.reference` (the docs).
"""

from __future__ import annotations

from matcher.models.fields import (
    DATE_MAX,
    DATE_MIN,
    END_DATE_MAX,
    FORMULA_START,
    ID_PATTERN,
    MAX_CAPACITY,
    MAX_HOURS,
    MAX_PRIORITY,
    MAX_SUPERVISOR_CAPACITY,
    MAX_TRAVEL_KM,
    NO_DATE_PLACEHOLDER,
    SENSITIVE_FIELDS,
    has_decimals,
)
from matcher.models.records import (
    MODELS,
    Decision,
    Existing,
    Mentee,
    Mentor,
    Prison,
    Proposal,
    Record,
    Supervisor,
)
from matcher.models.reference import field_reference

__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "END_DATE_MAX",
    "FORMULA_START",
    "ID_PATTERN",
    "MAX_CAPACITY",
    "MAX_HOURS",
    "MAX_PRIORITY",
    "MAX_SUPERVISOR_CAPACITY",
    "MAX_TRAVEL_KM",
    "MODELS",
    "NO_DATE_PLACEHOLDER",
    "SENSITIVE_FIELDS",
    "Decision",
    "Existing",
    "Mentee",
    "Mentor",
    "Prison",
    "Proposal",
    "Record",
    "Supervisor",
    "field_reference",
    "has_decimals",
]
