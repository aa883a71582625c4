"""The compiled sweep of the limits each pair hits, against numpy and a loop over pairs."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from matcher.explain.kernel import pair_limits
from matcher.explain.limits import LIMITS, Outcome


@st.composite
def _round(draw: st.DrawFn) -> dict[str, np.ndarray]:
    """Pairs grouped by mentee (some mentees with none) and per-mentor tables."""
    n = draw(st.integers(1, 10))
    m = draw(st.integers(1, 6))
    sizes = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    p = sum(sizes)
    bools = st.lists(st.booleans(), min_size=m, max_size=m)
    hours = st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 3.0])
    return {
        "mentee": np.repeat(np.arange(n, dtype=np.int32), sizes),
        "mentor": np.array(
            draw(st.lists(st.integers(0, m - 1), min_size=p, max_size=p)), dtype=np.int32
        ),
        "need": np.array(draw(st.lists(hours, min_size=n, max_size=n))),
        "full": np.array(draw(bools)),
        "used": np.array(draw(st.lists(hours, min_size=m, max_size=m))),
        "limit": np.array(draw(st.lists(hours, min_size=m, max_size=m))) + 1e-9,
        "sup": np.array(draw(bools)),
    }


@given(_round())
def test_the_sweep_equals_numpy_and_a_loop_over_the_pairs(r: dict[str, np.ndarray]) -> None:
    """Each pair's code is the first limit hit (capacity, hours, supervisor, else room),
    as the vectorised expression gives it; the tallies and first pair with room are what
    a loop over each mentee's pairs finds."""
    n = r["need"].size
    indptr = np.searchsorted(r["mentee"], np.arange(n + 1)).astype(np.int64)
    kinds, counts, first = pair_limits(indptr, r["mentor"], r["need"], r["full"],
                                       r["used"], r["limit"], r["sup"])  # fmt: skip
    j = r["mentor"]
    hours = r["used"][j] + r["need"][r["mentee"]] > r["limit"][j]
    expected = np.select([r["full"][j], hours, r["sup"][j]], [0, 1, 2], default=3)
    assert kinds.tolist() == expected.tolist()
    room = LIMITS.index(Outcome.ROOM)
    for i in range(n):
        pos = np.flatnonzero(r["mentee"] == i)
        assert counts[i].tolist() == [int((kinds[pos] == c).sum()) for c in range(len(LIMITS))]
        with_room = [q for q in pos.tolist() if kinds[q] == room]
        assert first[i] == (with_room[0] if with_room else -1)
