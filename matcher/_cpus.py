"""How many CPUs this process may use, and mentee ranges to split a sweep over them."""

from __future__ import annotations

import os

import numpy as np
import numpy.typing as npt

__all__ = ["split_rows", "usable_cpus"]


def usable_cpus() -> int:
    """The CPUs this process may run on (CI runners often pin fewer than the machine has)."""
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


def split_rows(indptr: npt.NDArray[np.int64], parts: int) -> list[tuple[int, int]]:
    """At most ``parts`` consecutive row ranges ``[lo, hi)`` of about equal pairs (CSR)."""
    n = indptr.size - 1
    cuts = np.searchsorted(indptr, np.linspace(0, indptr[-1], parts + 1)[1:-1])
    edges = np.unique(np.concatenate([[0], np.clip(cuts, 0, n), [n]]))
    return [(int(a), int(b)) for a, b in zip(edges[:-1], edges[1:], strict=True)]
