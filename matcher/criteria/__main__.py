"""``python -m matcher.criteria``: print the criteria table that docs/scoring.md holds."""

from matcher.criteria import criteria_reference

print(criteria_reference(), end="")
