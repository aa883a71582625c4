"""``python -m matcher.models > docs/fields.md``: the field reference."""

from matcher.models.reference import field_reference

print(field_reference(), end="")
