"""CSR row offsets of pairs sorted by row."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.arrays.csr import expand_rows, row_starts, rows_at, sorted_offsets


@given(st.lists(st.integers(0, 40), max_size=200), st.integers(41, 60),
       st.sampled_from([np.int32, np.int64]))  # fmt: skip
def test_row_starts_are_each_rows_first_pair(rows: list[int], n: int, dtype: type) -> None:
    a = np.sort(np.array(rows, dtype=dtype))
    s = row_starts(a, n)
    assert s.dtype == np.int64 and s.size == n + 1
    for i in range(n):
        assert (a[s[i] : s[i + 1]] == i).all()
    assert s[0] == 0 and s[-1] == a.size


def test_too_many_rows_for_the_dtype_is_refused() -> None:
    with pytest.raises(OverflowError, match="do not fit"):
        row_starts(np.zeros(3, dtype=np.int8), 200)


@given(st.lists(st.integers(0, 40), max_size=200), st.integers(41, 60))
def test_offsets_give_back_every_pairs_row(rows: list[int], n: int) -> None:
    """The checked offsets equal row_starts; each position's row and the whole expansion
    are the rows the offsets came from."""
    a = np.sort(np.array(rows, dtype=np.int32))
    s = sorted_offsets(a, n)
    assert s.tolist() == row_starts(a, n).tolist()
    assert expand_rows(s).tolist() == a.tolist()
    assert rows_at(s, np.arange(a.size)).tolist() == a.tolist()


@pytest.mark.parametrize("rows", [[0, 2, 1], [0, 5], [-1, 0]])
def test_unsorted_or_outside_rows_are_refused(rows: list[int]) -> None:
    with pytest.raises(ValueError, match="sorted by row"):
        sorted_offsets(np.array(rows, dtype=np.int32), 5)
