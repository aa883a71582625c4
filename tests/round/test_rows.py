"""A round's rows: the vectorised rounding is Python's ``round``, bit for bit."""

from __future__ import annotations

import math
import struct

import numpy as np
from hypothesis import example, given
from hypothesis import strategies as st

from matcher.round.rows import _rounded


def _bits(x: float) -> bytes:
    return b"nan" if math.isnan(x) else struct.pack("<d", x)


# Ties and near-ties of the decimal grid, as well as any double at all.
_NEAR_TIE = st.builds(
    lambda k, d, e: (k + 0.5) / 10.0**d + e * 1e-17,
    st.integers(-(10**7), 10**7), st.integers(0, 8), st.integers(-3, 3),
)  # fmt: skip


@given(st.lists(st.one_of(st.floats(), _NEAR_TIE), max_size=40), st.integers(0, 9))
@example([0.5, 1.5, 2.5, -0.5, -0.0, 0.0000005, 0.0000015, 2.0**30, 1e300], 6)
@example([float("inf"), float("-inf"), float("nan"), 5e-324], 6)
def test_rounded_is_pythons_round_bit_for_bit(values: list[float], decimals: int) -> None:
    got = _rounded(np.array(values, dtype=np.float64), decimals)
    assert [_bits(v) for v in got] == [_bits(round(v, decimals)) for v in values]
    assert all(type(v) is float for v in got)
