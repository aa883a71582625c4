"""Find and score every feasible pair of a round (:func:`find_candidates`).

Mentors are renumbered in Z-order of their homes (:func:`~matcher.candidates.grid.spatial_order`)
so each mentee's nearby mentors lie in a few runs of each array; chunks of mentees go
through the compiled pass (:mod:`matcher.candidates.kernel`) on two threads (it runs
without the GIL); the few pairs it leaves undecided are decided by ``haversine_km`` and
``score_pairs`` themselves; sorted keys are decoded straight into the round's arrays.
"""

from __future__ import annotations

import dataclasses
import queue
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher._cpus import usable_cpus
from matcher.arrays import MenteeArrays, MentorArrays, haversine_km
from matcher.candidates.grid import build_grid, spatial_order
from matcher.candidates.marshal import KernelArgs, kernel_args
from matcher.candidates.pairs import Candidates
from matcher.candidates.rules import exclusion_keys
from matcher.config import Config
from matcher.criteria import SCORE_GRID, Pairs, score_pairs
from matcher.criteria.base import contiguous
from matcher.errors import ParameterError
from matcher.models import Mentee, Mentor

__all__ = ["GRID_BITS", "find_candidates"]

GRID_BITS = 31  # score steps 0 ..= SCORE_GRID


def _haversine_rows(
    me: MenteeArrays,
    mo: MentorArrays,
    i: npt.NDArray[np.integer],
    j: npt.NDArray[np.integer],
) -> npt.NDArray[np.float64]:
    return haversine_km(me.lat[i], me.lon[i], me.cos_lat[i], mo.lat[j], mo.lon[j], mo.cos_lat[j])


def _exclusions(me: MenteeArrays, mo: MentorArrays) -> tuple[npt.NDArray[np.int64], ...]:
    """Excluded mentors as CSR: mentee ``i``'s are ``mentors[ptr[i]:ptr[i + 1]]``."""
    keys = exclusion_keys(me, mo)
    n_mo = max(len(mo), 1)
    ptr = np.searchsorted(keys // n_mo, np.arange(len(me) + 1)).astype(np.int64)
    return ptr, contiguous(keys % n_mo, np.int32)


@dataclass(frozen=True)
class _Round:
    """What every chunk of a round shares.

    The compiled pass works on the mentors in Z-order (``spatial_order``); ``order`` maps
    its mentor numbers back to the caller's. Keys carry mentor ranks, the same in both.
    """

    me: MenteeArrays
    mo: MentorArrays
    config: Config
    cells: npt.NDArray[np.int64]
    args: KernelArgs
    order: npt.NDArray[np.int64]
    max_per_mentee: int | None
    i_bits: int
    r_bits: int
    inv_rank: npt.NDArray[np.int32]
    buffers: queue.SimpleQueue[tuple[npt.NDArray[Any], ...]]


@dataclass(frozen=True)
class _Chunk:
    start: int
    counts: npt.NDArray[np.int64]  # pairs kept per mentee of the chunk
    keys: npt.NDArray[np.uint64]  # sorted: mentee, score steps below 1, mentor rank


def _pending_keys(
    r: _Round, i: npt.NDArray[np.int32], j: npt.NDArray[np.int64], start: int
) -> npt.NDArray[np.uint64]:
    """Keys of the pairs the compiled pass left undecided, decided by the reference code."""
    d = _haversine_rows(r.me, r.mo, i, j)
    ok = d <= r.mo.reach_km[j]
    i, j, d = i[ok], j[ok], d[ok]
    score, _ = score_pairs(Pairs(r.me, r.mo, i, j, d, r.config))
    steps = (SCORE_GRID - score * SCORE_GRID).astype(np.uint64)  # exact: score is on the grid
    key = (i - np.int32(start)).astype(np.uint64) << np.uint64(64 - r.i_bits)
    key |= steps << np.uint64(r.r_bits)
    key |= r.mo.rank[j].astype(np.uint64)
    return key


_NO_BUFFERS = (np.empty(0, np.uint64), np.empty(0, np.int32), np.empty(0, np.int32))


def _chunk_pairs(r: _Round, start: int, stop: int) -> _Chunk:
    """Feasible, scored and sorted pairs of mentees ``start:stop``."""
    from matcher.candidates.kernel import N_OWN, chunk_keys

    ptr, cells = r.args.g.ptr, r.cells
    bound = int((ptr[cells[start:stop] + 1] - ptr[cells[start:stop]]).sum())
    # Working arrays are reused from chunk to chunk: fresh pages cost more than the work.
    # A set is always handed back (an empty one if growing it fails), or chunks would wait.
    buffers = r.buffers.get()
    try:
        if len(buffers[0]) < bound:
            size = max(bound, 2 * len(buffers[0]))
            buffers = _NO_BUFFERS
            buffers = (
                np.empty(size, np.uint64),
                np.empty(size, np.int32),
                np.empty(size, np.int32),
            )
        keys, pend_i, pend_j = buffers
        counts = np.empty(stop - start, dtype=np.int64)
        a = r.args
        n_keys, n_pend = chunk_keys(
            start, stop, cells, a.g, a.r, a.dist, a.s, a.terms, N_OWN,
            keys, pend_i, pend_j, counts,
        )  # fmt: skip
        if n_pend:
            extra = _pending_keys(r, pend_i[:n_pend], r.order[pend_j[:n_pend]], start)
            counts += np.bincount(
                (extra >> np.uint64(64 - r.i_bits)).astype(np.int64), minlength=stop - start
            )
            key = np.concatenate((keys[:n_keys], extra))
            key.sort()
        else:
            key = np.sort(keys[:n_keys])
    finally:
        r.buffers.put(buffers)
    if r.max_per_mentee is not None:
        first = np.cumsum(counts) - counts
        i_loc = (key >> np.uint64(64 - r.i_bits)).astype(np.int64)
        key = key[np.arange(len(key), dtype=np.int64) - first[i_loc] < r.max_per_mentee]
        counts = np.minimum(counts, r.max_per_mentee)
    return _Chunk(start, counts, key)


def _chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, size):
        yield start, min(n, start + size)


def find_candidates(
    mentees: Sequence[Mentee] | MenteeArrays,
    mentors: Sequence[Mentor] | MentorArrays,
    config: Config | None = None,
    *,
    as_of: date,
    chunk_size: int = 256,
    workers: int | None = None,
    max_per_mentee: int | None = None,
    check_pairs: Callable[[int], None] | None = None,
) -> Candidates:
    """Find and score every feasible pair.

    Parameters
    ----------
    mentees, mentors : sequence of records, or their prebuilt arrays
    config : Config, optional
        ``None`` means ``Config()``.
    as_of : date
        Run date (relationship start, continuity, priority).
    chunk_size : int
        Mentees per chunk; bounds the working memory.
    workers : int, optional
        Threads working on chunks (the compiled pass runs without the GIL).
        Default: ``min(2, CPUs this process may use)``. The result does not depend on it.
    max_per_mentee : int, optional
        Keep only each mentee's best ``k`` pairs (score, then mentor id). Every feasible
        pair is still found and scored; this only bounds what is kept. ``None``
        (default) keeps all.
    check_pairs : callable, optional
        Called with the pairs the round is expected to have (its grid entries, an upper
        bound, scaled by the pairs per entry of a sample of chunks) before any array per
        pair is allocated; it may raise to refuse the round (see :mod:`matcher.memory`).

    Returns
    -------
    Candidates
    """
    config = Config() if config is None else config
    if chunk_size < 1:
        raise ParameterError(
            f"The 'chunk_size' parameter of find_candidates must be >= 1, got {chunk_size} instead"
        )
    if workers is not None and workers < 1:
        raise ParameterError(
            "The 'workers' parameter of find_candidates must be >= 1 or None, "
            f"got {workers} instead"
        )
    if max_per_mentee is not None and max_per_mentee < 1:
        raise ParameterError(
            "The 'max_per_mentee' parameter of find_candidates must be >= 1 or None, "
            f"got {max_per_mentee} instead"
        )
    me = (
        mentees
        if isinstance(mentees, MenteeArrays)
        else MenteeArrays.from_records(mentees, config, as_of)
    )
    mo = (
        mentors if isinstance(mentors, MentorArrays) else MentorArrays.from_records(mentors, config)
    )
    if not (len(me) and len(mo)):
        empty = np.zeros(0, dtype=np.int32)
        return Candidates(empty, empty, empty.astype(np.uint32), me, mo, config)
    from matcher.candidates.kernel import emit  # numba: imported only when pairs are scored

    order = spatial_order(mo)
    mo_k = mo.take(order)
    grid = build_grid(me, mo_k)
    cells = grid.cell(me.lat, me.lon)
    r_bits = max(int(len(mo) - 1).bit_length(), 1)
    size = min(chunk_size, 1 << max(64 - GRID_BITS - r_bits, 1))
    inv_rank = np.empty(len(mo), dtype=np.int32)
    inv_rank[mo.rank] = np.arange(len(mo), dtype=np.int32)
    workers = min(2, usable_cpus()) if workers is None else workers
    buffers: queue.SimpleQueue[tuple[npt.NDArray[Any], ...]] = queue.SimpleQueue()
    for _ in range(workers):
        buffers.put(_NO_BUFFERS)
    # Exclusions are looked up by id in the caller's order (the last row of a repeated id,
    # as rule_cascade does), then renumbered.
    excl_ptr, excl = _exclusions(me, mo)
    renumber = np.empty(len(mo), dtype=np.int64)
    renumber[order] = np.arange(len(mo))
    i_bits = max(int(size - 1).bit_length(), 1)  # with r_bits and GRID_BITS, within 64
    args = kernel_args(me, mo_k, config, grid, (excl_ptr, renumber[excl]),
                       i_shift=64 - i_bits, r_bits=r_bits)  # fmt: skip
    r = _Round(me, mo, config, cells, args, order, max_per_mentee, i_bits, r_bits, inv_rank,
               buffers)  # fmt: skip
    # The grid entries bound the pairs (on generated caseloads about twice over); a
    # systematic sample of chunks estimates how many there are, and the caller may refuse
    # the round on it before anything per pair is allocated (matcher.memory).
    entries = grid.ptr[cells + 1] - grid.ptr[cells]
    if max_per_mentee is not None:
        np.minimum(entries, max_per_mentee, out=entries)
    bound = int(entries.sum())
    expect = _expected_pairs(r, entries, size, bound)
    if check_pairs is not None:
        check_pairs(expect)
    out = _Output(expect, len(me))
    spans = _chunks(len(me), size)
    at = 0
    with ThreadPoolExecutor(workers) if workers > 1 and len(me) > size else nullcontext() as pool:
        chunks = pool.map(lambda s: _chunk_pairs(r, *s), spans) if pool else (
            _chunk_pairs(r, *s) for s in spans)  # fmt: skip
        for chunk in chunks:
            out.reserve(at + len(chunk.keys), bound)
            at = emit(chunk.keys, r_bits, GRID_BITS, inv_rank, out.mentor, out.steps, at)
            out.counts[chunk.start + 1 : chunk.start + 1 + len(chunk.counts)] = chunk.counts
            del chunk
    out.trim(at)
    indptr = np.cumsum(out.counts)
    return Candidates(None, out.mentor, out.steps, me, mo, config, indptr=indptr)


#: Rounds of fewer chunks are not sampled (their bound is small); larger ones sample
#: about one chunk in 50, at least this many.
_SAMPLE_CHUNKS = 8


def _expected_pairs(r: _Round, entries: npt.NDArray[np.int64], size: int, bound: int) -> int:
    """The pairs to allocate for: the grid bound scaled by the pairs per entry of a
    systematic sample of chunks (spread over every mentee index), with a margin."""
    n = len(entries)
    n_chunks = -(-n // size)
    if n_chunks < 2 * _SAMPLE_CHUNKS:
        return bound
    picks = max(_SAMPLE_CHUNKS, n_chunks // 50)
    stride = n_chunks // picks
    own: queue.SimpleQueue[tuple[npt.NDArray[Any], ...]] = queue.SimpleQueue()
    own.put(_NO_BUFFERS)
    sampler = dataclasses.replace(r, buffers=own)  # working buffers of its own, freed after
    found = looked = 0
    for c in range(stride // 2, n_chunks, stride):
        start, stop = c * size, min(n, (c + 1) * size)
        found += len(_chunk_pairs(sampler, start, stop).keys)
        looked += int(entries[start:stop].sum())
    ratio = found / looked if looked else 1.0
    return min(bound, int(bound * min(1.0, ratio * 1.05)) + 64 * size)


class _Output:
    """The round's pair arrays: allocated for the expected pairs, trimmed in place to the
    pairs found (``ndarray.resize`` releases the tail without a copy).

    Should the sample have underestimated, the arrays grow by a copy (then, briefly, two
    copies are held); the memory plan counts the expected size. Nothing is reserved for
    the grid bound, so nothing relies on the system overcommitting memory.
    """

    def __init__(self, size: int, n_mentees: int) -> None:
        self.counts = np.zeros(n_mentees + 1, dtype=np.int64)  # [i + 1]: mentee i's pairs
        self.mentor = np.empty(size, dtype=np.int32)
        self.steps = np.empty(size, dtype=np.uint32)

    def reserve(self, need: int, bound: int) -> None:
        size = self.mentor.size
        if need > size:
            new = min(bound, max(need, size + size // 4))
            for name in ("mentor", "steps"):
                old = getattr(self, name)
                grown = np.empty(new, dtype=old.dtype)
                grown[:size] = old
                setattr(self, name, grown)

    def trim(self, size: int) -> None:
        for a in (self.mentor, self.steps):
            a.resize(size, refcheck=False)  # no view of them exists yet
