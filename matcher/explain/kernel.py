"""The compiled pass (numba) of :func:`matcher.explain.limits.limits_hit`.

One sweep over every pair of a round: the limit each pair's mentor hits after the round,
and per mentee the count of its pairs per limit and its first pair with room left. Only
per-mentor tables are read (computed beforehand with numpy), so the sweep allocates
nothing per pair beyond its one byte of output. Imported when a round is explained (not
at ``import matcher``); compiled on first use and cached on disk.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["pair_limits"]


@njit(cache=True, nogil=True)
def pair_limits(indptr, mentor, need, full, used, limit, sup):  # type: ignore[no-untyped-def]
    """Codes 0 capacity, 1 weekly hours, 2 supervisor cap, 3 room left (the order of
    :data:`matcher.explain.limits.LIMITS`); the hours test is ``used + need > limit``,
    evaluated as the numpy expression it replaces, bit for bit. Mentee ``i``'s pairs are
    ``indptr[i]:indptr[i + 1]``."""
    n = indptr.size - 1
    kinds = np.empty(mentor.size, np.int8)
    counts = np.zeros((n, 4), np.int64)
    first_room = np.full(n, -1, np.int64)
    for i in range(n):
        for p in range(indptr[i], indptr[i + 1]):
            j = mentor[p]
            if full[j]:
                k = 0
            elif used[j] + need[i] > limit[j]:
                k = 1
            elif sup[j]:
                k = 2
            else:
                k = 3
                if first_room[i] < 0:
                    first_room[i] = p
            kinds[p] = k
            counts[i, k] += 1
    return kinds, counts, first_room
