"""The compiled read behind :func:`matcher.arrays.csr.sorted_offsets` (numba: imported
only when used, so that importing the package does not load it)."""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["offsets"]


@njit(cache=True, nogil=True)
def offsets(rows, n):  # type: ignore[no-untyped-def]
    """CSR offsets of sorted ``rows`` in ``[0, n)``, and whether they were."""
    counts = np.zeros(n + 1, np.int64)
    prev = np.int64(0)
    for t in range(rows.size):
        i = np.int64(rows[t])
        if i < prev or i >= n:
            return counts, False
        counts[i + 1] += 1
        prev = i
    return np.cumsum(counts), True
