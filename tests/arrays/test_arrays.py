"""The columnar arrays: encodings, bit helpers and geometry the pair code relies on."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.arrays import (
    EARTH_RADIUS_KM,
    NO_DATE,
    MenteeArrays,
    MentorArrays,
    TokenTable,
    add_months,
    frequency_level,
    has_bit,
    haversine_km,
    overlap,
    popcount,
)
from matcher.config import Config
from tests.factories import AS_OF, make_mentee, make_mentor


@given(st.lists(st.integers(0, 2**32 - 1), max_size=50))
def test_popcount_counts_set_bits(values: list[int]) -> None:
    got = popcount(np.array(values, dtype=np.uint32)).tolist()
    assert got == [bin(v).count("1") for v in values]


def test_has_bit_across_words_and_out_of_range() -> None:
    masks = np.zeros((2, 2), dtype=np.uint64)
    masks[0, 1] = np.uint64(1 << 3)  # bit 67 of row 0
    rows = np.array([0, 0, 1, 0, 0])
    bits = np.array([67, 3, 67, -1, 200])
    assert has_bit(masks, rows, bits).tolist() == [True, False, False, False, False]


def test_overlap_of_masks_of_different_widths() -> None:
    a = np.array([[1, 0], [2, 4]], dtype=np.uint64)
    b = np.array([[3], [0]], dtype=np.uint64)
    assert overlap(a, np.array([0, 1, 1]), b, np.array([0, 0, 1])).tolist() == [True, True, False]


def test_haversine_known_distance_and_symmetry() -> None:
    # A quarter of a meridian.
    lat1, lon1, lat2, lon2 = 0.0, 0.0, math.pi / 2, 0.0
    d = haversine_km(
        np.array([lat1]), np.array([lon1]), np.cos([lat1]),
        np.array([lat2]), np.array([lon2]), np.cos([lat2]),
    )  # fmt: skip
    assert d[0] == pytest.approx(math.pi / 2 * EARTH_RADIUS_KM, rel=1e-12)
    back = haversine_km(
        np.array([lat2]), np.array([lon2]), np.cos([lat2]),
        np.array([lat1]), np.array([lon1]), np.cos([lat1]),
    )  # fmt: skip
    assert back[0] == d[0]


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [(date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2024, 1, 31), 1, date(2024, 2, 29)),
     (date(2026, 11, 15), 14, date(2028, 1, 15)), (date(2026, 5, 1), 0, date(2026, 5, 1))],
)  # fmt: skip
def test_add_months_clips_the_day(start: date, months: int, end: date) -> None:
    assert add_months(start, months) == end


def test_frequency_levels_are_ordered() -> None:
    assert frequency_level("monthly") < frequency_level("fortnightly") < frequency_level("weekly")


def test_token_table_ids_are_stable() -> None:
    t = TokenTable()
    assert [t.id("a"), t.id("b"), t.id("a")] == [0, 1, 0] and len(t) == 2


def test_take_selects_rows_of_every_field() -> None:
    cfg = Config()
    mentees = [make_mentee("E1"), make_mentee("E2", goals=("finance",)), make_mentee("E3")]
    me = MenteeArrays.from_records(mentees, cfg, AS_OF)
    sub = me.take(np.array([2, 1]))
    assert sub.ids.tolist() == ["E3", "E2"] and len(sub) == 2
    assert sub.goals.tolist() == me.goals[[2, 1]].tolist()


def test_open_ended_commitment_is_no_date() -> None:
    mo = MentorArrays.from_records([make_mentor(), make_mentor("M2", available_until=AS_OF)])
    assert mo.available_until.tolist() == [NO_DATE, AS_OF.toordinal()]
