"""The feasible pairs of a round: 8 bytes each, everything else recomputed on demand."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from matcher.arrays import MenteeArrays, MentorArrays, haversine_km
from matcher.arrays.csr import expand_rows, offsets_fault, rows_at, sorted_offsets
from matcher.criteria import SCORE_GRID, Pairs, score_pairs

if TYPE_CHECKING:
    from matcher.config import Config

__all__ = ["Candidates", "steps_to_score"]


class Candidates:
    """Every feasible pair of a round with its score; criteria and distances on demand.

    Stored per pair: ``mentor`` (int32) and ``score_steps`` (uint32), i.e. 8 bytes; the
    pairs' mentees are kept as CSR offsets (``indptr``, one per mentee: 1.6 MB at 200k
    mentees against 0.8 GB per pair at 211 M pairs). Everything else is recomputed from
    the arrays when asked for.

    Attributes
    ----------
    indptr : ndarray of int64
        Mentee ``i``'s pairs are positions ``indptr[i]:indptr[i + 1]``.
    mentee : ndarray of int32
        Index of each pair's mentee: *materialised on each access* (4 bytes a pair), for
        callers that want it whole; :meth:`mentee_at` gives it for a few positions.
    mentor : ndarray of int32
        Index of each pair's mentor in the sequence given.
    score_steps : ndarray of uint32
        ``SCORE_GRID · (1 − score)``: the score exactly, as grid steps below 1.
    score : ndarray of float64
        Weighted score in [0, 1] (computed from ``score_steps`` on first access, cached).
    criteria : mapping of str to ndarray of float32
        Each criterion's score, registry order; all-NaN for a criterion of weight 0.
        Computed for every pair on first access and cached (``criteria_at`` for a few).
    distance_km : ndarray of float32
        Haversine distance from the mentor's home to the mentee's (release) address
        (computed on first access, cached).
    mentee_arrays, mentor_arrays : MenteeArrays, MentorArrays
        The columnar views the pairs index into.
    config : Config
        The config the pairs were scored with.

    Pairs are ordered by mentee index, then score descending, then mentor id, whatever
    the order of the input rows. ``mentee`` given to the constructor must be sorted; or
    give ``indptr`` (and ``None`` for ``mentee``): the pairs are never expanded.
    """

    def __init__(
        self,
        mentee: npt.NDArray[np.int32] | None,
        mentor: npt.NDArray[np.int32],
        score_steps: npt.NDArray[np.uint32],
        mentee_arrays: MenteeArrays,
        mentor_arrays: MentorArrays,
        config: Config,
        *,
        indptr: npt.NDArray[np.int64] | None = None,
    ) -> None:
        if indptr is None:
            if mentee is None:
                raise ValueError("Candidates need each pair's mentee or the offsets")
            indptr = sorted_offsets(np.asarray(mentee), len(mentee_arrays))
        if offsets_fault(indptr, len(mentee_arrays), mentor.size) is not None:
            raise ValueError(
                "indptr must be int64, one offset per mentee and one more, rising from 0 "
                "to the pairs"
            )
        self.indptr = indptr
        self.mentor = mentor
        self.score_steps = score_steps
        self.mentee_arrays = mentee_arrays
        self.mentor_arrays = mentor_arrays
        self.config = config

    def __len__(self) -> int:
        return int(self.mentor.size)

    @property
    def mentee(self) -> npt.NDArray[np.int32]:
        """Each pair's mentee, materialised (4 bytes a pair, not kept)."""
        return expand_rows(self.indptr, np.int32)  # type: ignore[return-value]

    def mentee_at(self, pairs: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """The mentee (int64) of each pair at positions ``pairs``."""
        return rows_at(self.indptr, pairs)

    @cached_property
    def score(self) -> npt.NDArray[np.float64]:
        """Weighted score of each pair, float64 (bit for bit ``score_pairs``)."""
        return steps_to_score(self.score_steps)

    def score_at(self, pairs: npt.NDArray[np.integer]) -> npt.NDArray[np.float64]:
        """Scores of the pairs at positions ``pairs``: bit for bit ``score[pairs]``, without
        computing (and caching, 8 bytes a pair) the scores of every pair."""
        return steps_to_score(self.score_steps[np.asarray(pairs, dtype=np.int64)])

    def _pairs(self, rows: npt.NDArray[np.integer]) -> Pairs:
        me, mo = self.mentee_arrays, self.mentor_arrays
        i, j = self.mentee_at(rows), self.mentor[rows]
        d = haversine_km(me.lat[i], me.lon[i], me.cos_lat[i], mo.lat[j], mo.lon[j], mo.cos_lat[j])
        return Pairs(me, mo, i, j, d, self.config)

    def criteria_at(self, pairs: npt.NDArray[np.integer]) -> dict[str, npt.NDArray[np.float32]]:
        """Criterion scores of the pairs at positions ``pairs`` (registry order).

        The same values, bit for bit, as ``criteria[name][pairs]``, without computing
        them for every pair. A criterion of weight 0 is an all-NaN broadcast.
        """
        rows = np.asarray(pairs, dtype=np.int64).reshape(-1)
        return score_pairs(self._pairs(rows))[1]

    def distance_at(self, pairs: npt.NDArray[np.integer]) -> npt.NDArray[np.float64]:
        """Haversine distance (km, float64) of the pairs at positions ``pairs``."""
        return self._pairs(np.asarray(pairs, dtype=np.int64).reshape(-1)).distance_km

    @cached_property
    def criteria(self) -> dict[str, npt.NDArray[np.float32]]:
        """Every pair's criterion scores, computed in blocks on first access."""
        n = len(self)
        weights = self.config.weight_vector()
        out: dict[str, npt.NDArray[np.float32]] = {}
        for name, w in weights.items():
            out[name] = (
                np.empty(n, dtype=np.float32)
                if w > 0
                else np.broadcast_to(np.float32(np.nan), (n,))
            )
        for lo in range(0, n, _CRITERIA_BLOCK):
            rows = np.arange(lo, min(n, lo + _CRITERIA_BLOCK), dtype=np.int64)
            for name, values in self.criteria_at(rows).items():
                if weights[name] > 0:
                    out[name][lo : lo + len(rows)] = values
        return out

    @cached_property
    def distance_km(self) -> npt.NDArray[np.float32]:
        """Every pair's distance (float32 km), computed in blocks on first access."""
        n = len(self)
        out = np.empty(n, dtype=np.float32)
        for lo in range(0, n, _CRITERIA_BLOCK):
            rows = np.arange(lo, min(n, lo + _CRITERIA_BLOCK), dtype=np.int64)
            out[lo : lo + len(rows)] = self.distance_at(rows)
        return out


_CRITERIA_BLOCK = 1 << 20


def steps_to_score(steps: npt.NDArray[np.unsignedinteger]) -> npt.NDArray[np.float64]:
    out = np.subtract(SCORE_GRID, steps, dtype=np.float64)
    out /= SCORE_GRID
    return out
