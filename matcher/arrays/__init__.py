"""Columnar numpy views of mentee and mentor records, built once per round.

Everything the hard rules and criteria need is turned into small integer codes,
bitmasks and float arrays here, in one Python loop over the records, so that the
pair-level code (``matcher.criteria``, ``matcher.candidates``) is pure numpy and
never loops over pairs.

Encodings
---------
- goals / specialisms: ``uint8`` bitmask over :data:`matcher.vocab.GOALS`.
- availability slots: ``uint32`` bitmask over :data:`matcher.vocab.AVAILABILITY_SLOTS`.
- contact modes: ``uint8`` bitmask over :data:`matcher.vocab.CONTACT_MODES`.
- contact frequency: ordinal, monthly = 0 < fortnightly = 1 < weekly = 2.
- risk / max_risk: ordinal, low = 0 … very_high = 3.
- languages and prisons: ``uint64`` bitmasks of shape ``(n, words)`` over
  process-wide token tables, so arrays built separately still agree on bit numbers.
- faith and region: ids in process-wide token tables, ``-1`` for none.
- dates: proleptic Gregorian ordinals (``date.toordinal()``).

Modules: :mod:`~matcher.arrays.codes` (codes, bit masks, token tables),
:mod:`~matcher.arrays.geo` (distances), :mod:`~matcher.arrays.mentees`,
:mod:`~matcher.arrays.mentors`.
"""

from __future__ import annotations

from matcher.arrays.codes import (
    FAITHS,
    GENDER_ANY,
    GENDER_NONE,
    LANGUAGES,
    NO_DATE,
    PRISONS,
    REGIONS,
    STRENGTH_NONE,
    STRENGTH_PREFERRED,
    STRENGTH_REQUIRED,
    UNDISCLOSED_ETHNICITY,
    TokenTable,
    add_months,
    frequency_level,
    has_bit,
    overlap,
    popcount,
)
from matcher.arrays.geo import (
    CHORD_TOL_ABS_KM,
    CHORD_TOL_REL,
    EARTH_RADIUS_KM,
    haversine_km,
    unit_vectors,
)
from matcher.arrays.mentees import MenteeArrays
from matcher.arrays.mentors import MentorArrays, existing_load

__all__ = [
    "CHORD_TOL_ABS_KM",
    "CHORD_TOL_REL",
    "EARTH_RADIUS_KM",
    "FAITHS",
    "GENDER_ANY",
    "GENDER_NONE",
    "LANGUAGES",
    "NO_DATE",
    "PRISONS",
    "REGIONS",
    "STRENGTH_NONE",
    "STRENGTH_PREFERRED",
    "STRENGTH_REQUIRED",
    "UNDISCLOSED_ETHNICITY",
    "MenteeArrays",
    "MentorArrays",
    "TokenTable",
    "add_months",
    "existing_load",
    "frequency_level",
    "has_bit",
    "haversine_km",
    "overlap",
    "popcount",
    "unit_vectors",
]
