"""Row offsets of pairs sorted by row (CSR): the pairs' rows are never stored per pair."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["expand_rows", "offsets_fault", "row_starts", "rows_at", "sorted_offsets"]


def row_starts(rows: npt.NDArray[np.integer], n: int) -> npt.NDArray[np.int64]:
    """Offsets ``s`` (length ``n + 1``) with row ``i``'s pairs at ``s[i]:s[i + 1]``.

    ``rows`` must be sorted. The queries take ``rows``' own dtype: with int64 queries on
    int32 rows numpy would first copy every row to int64 (1.7 GB and ~10 s at 211 M pairs).
    """
    if n + 1 > np.iinfo(rows.dtype).max:
        raise OverflowError(f"{n} rows do not fit the dtype {rows.dtype}")
    keys = np.arange(n + 1, dtype=rows.dtype)
    return np.searchsorted(rows, keys).astype(np.int64)


def sorted_offsets(rows: npt.NDArray[np.integer], n: int) -> npt.NDArray[np.int64]:
    """:func:`row_starts` of ``rows``, checked in the same read: sorted and in ``[0, n)``.

    Raises
    ------
    ValueError
        If ``rows`` is not sorted or holds a row outside ``[0, n)``.
    """
    if rows.size == 0:
        return np.zeros(n + 1, dtype=np.int64)
    from matcher.arrays.csr_kernel import offsets  # numba: loaded only when used

    indptr, ok = offsets(rows, np.int64(n))
    if not ok:
        raise ValueError(f"pairs must be sorted by row, each row in [0, {n})")
    out: npt.NDArray[np.int64] = indptr
    return out


def offsets_fault(indptr: object, n: int, pairs: int) -> str | None:
    """What is wrong with CSR offsets for ``n`` rows and ``pairs`` pairs: ``"form"`` (not a
    1-D int64 array of ``n + 1``), ``"values"`` (not rising from 0 to ``pairs``), or None."""
    if not isinstance(indptr, np.ndarray) or indptr.dtype != np.int64 or indptr.shape != (n + 1,):
        return "form"
    if int(indptr[0]) != 0 or int(indptr[-1]) != pairs or bool((np.diff(indptr) < 0).any()):
        return "values"
    return None


def rows_at(indptr: npt.NDArray[np.int64], pos: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """The row of each position ``pos`` (int64): ``i`` with ``indptr[i] <= p < indptr[i+1]``.

    Positions must lie in ``[0, indptr[-1])``: outside it no error is raised (the answer is
    ``-1`` below it and ``len(indptr) - 1`` at or past its end)."""
    p = np.asarray(pos, dtype=np.int64)
    out: npt.NDArray[np.int64] = np.searchsorted(indptr, p, side="right") - 1
    return out


def expand_rows(
    indptr: npt.NDArray[np.int64], dtype: npt.DTypeLike = np.int32
) -> npt.NDArray[np.integer]:
    """Every pair's row (``dtype``), materialised: ``indptr[-1]`` values."""
    n = indptr.size - 1
    return np.repeat(np.arange(n, dtype=dtype), np.diff(indptr))
