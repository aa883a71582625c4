"""Vectorised sampling helpers of the generator: categorical draws, weighted subsets, IPF.

Every helper takes a :class:`numpy.random.Generator` and consumes it in a fixed order, so
the same seed gives the same caseload; none loops over rows in Python.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "BoolArray",
    "FloatArray",
    "IntArray",
    "StrArray",
    "draw",
    "draw_by",
    "ipf",
    "probs",
    "subset",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[Any]  # object arrays of str


def probs(table: Mapping[Any, float], vocab: Sequence[Any]) -> FloatArray:
    """Probabilities in ``vocab`` order (missing keys are 0), normalised to sum to 1."""
    unknown = set(table) - set(vocab)
    assert not unknown, f"not in the vocabulary: {sorted(map(str, unknown))}"
    p = np.array([float(table.get(v, 0.0)) for v in vocab])
    return p / p.sum()


def draw(rng: np.random.Generator, n: int, p: FloatArray) -> IntArray:
    """``n`` draws of a categorical variable with probabilities ``p`` (inverse CDF)."""
    cdf = np.cumsum(p)
    idx = np.searchsorted(cdf / cdf[-1], rng.random(n), side="right")
    return np.minimum(idx, len(p) - 1).astype(np.int64)


def draw_by(rng: np.random.Generator, group: IntArray, p_by_group: FloatArray) -> IntArray:
    """One draw per row from the distribution of its group (rows of ``p_by_group``)."""
    u = rng.random(len(group))
    out = np.zeros(len(group), dtype=np.int64)
    cdf = np.cumsum(p_by_group, axis=1)
    cdf /= cdf[:, -1:]
    for g in np.unique(group):
        sel = group == g
        out[sel] = np.searchsorted(cdf[g], u[sel], side="right")
    return np.minimum(out, p_by_group.shape[1] - 1)


def subset(rng: np.random.Generator, weights: FloatArray, count: IntArray) -> BoolArray:
    """Weighted sample without replacement of ``count[i]`` items per row, as a mask.

    ``weights`` is ``(k,)`` or ``(n, k)``; exponential races: item j's key is
    Exp(1) / w_j and the ``count`` smallest keys win.
    """
    n = len(count)
    w = np.broadcast_to(np.asarray(weights, dtype=float), (n, weights.shape[-1]))
    e = rng.standard_exponential((n, w.shape[1]))
    with np.errstate(divide="ignore"):
        keys = np.where(w > 0, e / np.where(w > 0, w, 1.0), np.inf)
    if n == 0:
        return np.zeros(keys.shape, dtype=bool)
    count = np.clip(count, 1, np.isfinite(keys).sum(axis=1))
    kth = np.take_along_axis(np.sort(keys, axis=1), (count - 1)[:, None], axis=1)
    return keys <= kth


def ipf(affinity: FloatArray, rows: FloatArray, cols: FloatArray, iters: int = 200) -> FloatArray:
    """Rescale a positive matrix to the given row and column sums (a joint distribution)."""
    t = affinity.astype(float).copy()
    for _ in range(iters):
        t *= (rows / t.sum(axis=1))[:, None]
        t *= (cols / t.sum(axis=0))[None, :]
    return t / t.sum()
