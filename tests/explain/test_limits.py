"""Per-mentee tallies of the limits each pair hit, against a loop over the pairs."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from matcher.explain import limits
from matcher.explain.limits import LIMITS, Outcome, kinds_by_mentee


@st.composite
def _round(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int]:
    """Pairs grouped by mentee (some mentees with none) and each pair's limit code."""
    n = draw(st.integers(1, 12))
    sizes = draw(st.lists(st.integers(0, 7), min_size=n, max_size=n))
    mentee = np.repeat(np.arange(n, dtype=np.int32), sizes)
    codes = draw(st.lists(st.integers(0, len(LIMITS) - 1), min_size=mentee.size,
                          max_size=mentee.size))  # fmt: skip
    return mentee, np.array(codes, dtype=np.int8), n


@given(_round(), st.sampled_from([1, 2, 3, 1 << 20]))
def test_tallies_equal_a_loop_over_the_pairs(data: tuple[np.ndarray, np.ndarray, int],
                                             block: int) -> None:  # fmt: skip
    """Counts per limit and the first pair with room, whatever the block size (pairs of one
    mentee may straddle blocks)."""
    mentee, kinds, n = data
    saved = limits._BLOCK
    limits._BLOCK = block
    try:
        counts, first = kinds_by_mentee(mentee, kinds, n)
    finally:
        limits._BLOCK = saved
    room = LIMITS.index(Outcome.ROOM)
    for i in range(n):
        pos = np.flatnonzero(mentee == i)
        assert counts[i].tolist() == [int((kinds[pos] == c).sum()) for c in range(len(LIMITS))]
        with_room = [p for p in pos.tolist() if kinds[p] == room]
        assert first[i] == (with_room[0] if with_room else -1)
