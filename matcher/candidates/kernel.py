"""The compiled candidate pass (numba): hard rules and scores in one pass over grid entries.

For each mentee of a chunk, :func:`chunk_keys` walks the mentors listed in its grid cell in
three branch-free stages: the rules on codes and masks, the distance rule (chord distance),
then the score, which is the sum of every registered criterion's compiled term in registry
order (:func:`score_terms`, built from :data:`matcher.criteria.CRITERIA`). It writes one sort
key per feasible pair. The pass never rounds a comparison it cannot decide: a pair whose
distance rule or some term's float32 falls within the chord tolerance is handed back as
*pending*, for the caller to decide with :func:`matcher.arrays.haversine_km` and
:func:`matcher.criteria.score_pairs`.

Arguments come grouped in named tuples (:mod:`matcher.candidates.marshal`), read by name.
Every constant comes in as an argument: numba freezes globals into its cached machine code.
Compiled on first use and cached on disk (``cache=True``); numba checks only this file for
changes, so the cache is also keyed by the source of the criteria (:func:`_salt`).
``nogil=True`` lets two threads run chunks at once.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path
from typing import Any

import numpy as np
from numba import njit

import matcher.criteria as _criteria_pkg
from matcher.criteria import CRITERIA, Criterion

__all__ = ["N_OWN", "chunk_keys", "emit", "own_terms", "score_terms"]


@njit(inline="always")
def _popcount32(x):  # type: ignore[no-untyped-def]
    x = x - ((x >> 1) & 0x55555555)
    x = (x & 0x33333333) + ((x >> 2) & 0x33333333)
    x = (x + (x >> 4)) & 0x0F0F0F0F
    return ((x * 0x01010101) & 0xFFFFFFFF) >> 24


@njit(inline="always")
def _clip(x, lo, hi):  # type: ignore[no-untyped-def]
    # np.clip for one float (the builtins min and max compile to calls here).
    return lo if x < lo else (hi if x > hi else x)


def _fold(criteria: tuple[Criterion, ...]) -> tuple[Any, Any]:
    """Two inlined functions over the registered criteria's terms.

    ``score(tables, i, j, d, q, pre)`` sums every term in registry order from 0.0 and says
    whether any is unsure; a term with ``own_loop`` is read from ``pre[slot, q]``, where
    ``own_terms(tables, i, bj, bd, m, pre, unsure)`` put it, in a loop of its own over the
    mentee's ``m`` pairs. Built as nested closures so numba sees each term as a constant
    and inlines it: the same machine code as writing the sums out by hand.
    """
    score: Any = None
    own: Any = _no_own_terms
    slot = 0
    for k, c in enumerate(criteria):
        term = njit(inline="always")(c.term)
        if c.own_loop:
            own = _own_loop(own, term, k, slot)
            term = _from_pre(slot)
            slot += 1
        else:
            term = _plain(term)
        score = _first(term) if score is None else _add(score, term, k)
    return score, own


def _plain(term: Any) -> Any:
    @njit(inline="always")
    def f(t, i, j, d, q, pre):  # type: ignore[no-untyped-def]
        return term(t, i, j, d)

    return f


def _from_pre(slot: int) -> Any:
    @njit(inline="always")
    def f(t, i, j, d, q, pre):  # type: ignore[no-untyped-def]
        return pre[slot, q], False

    return f


def _first(term: Any) -> Any:
    @njit(inline="always")
    def total(tables, i, j, d, q, pre):  # type: ignore[no-untyped-def]
        v, unsure = term(tables[0], i, j, d, q, pre)
        return 0.0 + v, unsure

    return total


def _add(prev: Any, term: Any, k: int) -> Any:
    @njit(inline="always")
    def total(tables, i, j, d, q, pre):  # type: ignore[no-untyped-def]
        acc, unsure = prev(tables, i, j, d, q, pre)
        v, u = term(tables[k], i, j, d, q, pre)
        return acc + v, unsure | u

    return total


@njit(inline="always")
def _no_own_terms(tables, i, bj, bd, m, pre, unsure):  # type: ignore[no-untyped-def]
    return None


def _own_loop(prev: Any, term: Any, k: int, slot: int) -> Any:
    @njit(inline="always")
    def own(tables, i, bj, bd, m, pre, unsure):  # type: ignore[no-untyped-def]
        prev(tables, i, bj, bd, m, pre, unsure)
        for q in range(m):
            v, u = term(tables[k], i, bj[q], bd[q])
            pre[slot, q] = v
            unsure[q] |= u

    return own


#: ``score_terms(tables, i, j, d, q, pre) -> (Σ terms, any unsure)`` and ``own_terms``.
score_terms, own_terms = _fold(CRITERIA)
N_OWN = sum(c.own_loop for c in CRITERIA)


@njit(inline="always")
def _rules(i, cell, g, r, n_words, bj):  # type: ignore[no-untyped-def]
    """Stage 1: the mentors of the cell passing the rules on codes and masks, into ``bj``.

    Returns how many; -1 when the mentee can have no mentor at all.
    """
    fstr = r.me_faith_strength[i]
    f_i = r.me_faith[i]
    if fstr == r.required and f_i < 0:
        return -1  # a required faith match that no one can meet
    pr = r.me_prison[i]
    pr_ok = 0 <= pr < r.mo_prisons.shape[1] * 64
    pr_word, pr_bit = (pr >> 6, np.uint64(pr & 63)) if pr_ok else (0, np.uint64(0))
    prison_req = r.rule_prison and r.custody[i]
    if prison_req and not pr_ok:
        return -1
    faith_req = fstr == r.required
    end_i = r.planned_end[i]
    reg_i = r.me_region[i]
    region_req = r.rule_region and reg_i >= 0
    moff = r.mentee_offset[i]
    slots_i = r.me_slots[i]
    a = 0
    for pos in range(g.ptr[cell], g.ptr[cell + 1]):
        j = g.mentors[pos]
        sp = np.uint64(0)
        for w in range(n_words):
            sp |= r.me_lang[i, w] & r.mo_lang[j, w]
        shared = np.uint64(_popcount32(np.uint32(slots_i & r.mo_slots[j])))
        # The five code-only rules are one class-table lookup (marshal.class_table).
        ok = (r.table[np.uint64(moff + g.entry_class[pos])] != 0) & (sp != 0)
        ok &= shared >= r.min_slots
        if faith_req:
            ok &= f_i == r.mo_faith[j]
        if prison_req:
            ok &= (r.mo_prisons[j, pr_word] >> pr_bit) & np.uint64(1) != 0
        if r.rule_commitment:
            ok &= r.until[j] >= end_i
        if region_req:
            ok &= (r.mo_region[j] < 0) | (r.mo_region[j] == reg_i)
        bj[a] = j
        a += ok
    ex_lo, ex_hi = r.excl_ptr[i], r.excl_ptr[i + 1]
    if ex_hi > ex_lo:  # few mentees exclude anyone
        kept = 0
        for k in range(a):
            hit = False
            for e in range(ex_lo, ex_hi):
                hit |= r.excl[e] == bj[k]
            bj[kept] = bj[k]
            kept += not hit
        a = kept
    return a


@njit(inline="always")
def _distances(i, dist, a, bj, bd, bfar):  # type: ignore[no-untyped-def]
    """Stage 2: of ``bj[:a]``, those in reach (or undecided), with their chord distance.

    The chord 2R·asin(|Δ|/2) decides outside the tolerance band; ``bfar`` marks the
    undecided ones. Returns how many are kept.
    """
    ax, ay, az = dist.me_xyz[i, 0], dist.me_xyz[i, 1], dist.me_xyz[i, 2]
    m = 0
    for k in range(a):
        j = bj[k]
        dx = ax - dist.mo_xyz[j, 0]
        dy = ay - dist.mo_xyz[j, 1]
        dz = az - dist.mo_xyz[j, 2]
        x = 0.5 * math.sqrt(dx * dx + dy * dy + dz * dz)
        x = x if x < 1.0 else 1.0
        if x <= dist.poly_x:
            x2 = x * x
            x = x + x * x2 * (1 / 6 + x2 * (3 / 40 + x2 * (5 / 112 + x2 * (35 / 1152))))
        else:
            x = math.asin(x)
        d = dist.two_r * x
        far = d > dist.far_km  # asin is ill-conditioned near antipodes: always undecided
        bj[m] = j
        bd[m] = d
        bfar[m] = far | (d > dist.reach_lo[j])
        m += (d <= dist.reach_hi[j]) | far
    return m


@njit(nogil=True, cache=True, error_model="numpy")
def chunk_keys(start, stop, cells, g, r, dist, s, terms, n_own, keys, pend_i, pend_j, counts):  # type: ignore[no-untyped-def]  # noqa: E501
    """Sort keys of the feasible pairs of mentees ``start:stop``; the undecided ones apart.

    Each key packs ``(mentee − start) << s.i_shift | score steps << s.r_bits | mentor
    rank``. ``g``, ``r``, ``dist``, ``s`` are the grid, rule, distance and score arguments
    (:mod:`matcher.candidates.marshal`); ``terms`` holds each criterion's kernel tables in
    registry order; ``n_own`` is how many of them have ``own_loop``.

    Returns
    -------
    (n_keys, n_pending)
        Keys written to ``keys[:n_keys]``; pending pairs to ``pend_i/pend_j[:n_pending]``.
        ``counts[i - start]`` is set to the number of keys of mentee ``i``.
    """
    n_words = min(r.me_lang.shape[1], r.mo_lang.shape[1])
    # One mentee's entries are narrowed in stages, each a branch-free compaction into these
    # buffers (the rules' outcomes are too mixed for branches to predict). Indices are
    # unsigned where it is cheap: numba adds no negative-index wraparound for them.
    width = 0
    for i in range(start, stop):
        if g.ptr[cells[i] + 1] - g.ptr[cells[i]] > width:
            width = g.ptr[cells[i] + 1] - g.ptr[cells[i]]
    bj = np.empty(width, dtype=np.uint64)
    bd = np.empty(width, dtype=np.float64)
    bfar = np.empty(width, dtype=np.bool_)
    pre = np.empty((n_own, width), dtype=np.float64)
    n_keys = 0
    n_pend = 0
    for i in range(start, stop):
        counts[i - start] = 0
        a = _rules(i, cells[i], g, r, n_words, bj)
        if a < 0:
            continue
        m = _distances(i, dist, a, bj, bd, bfar)
        # 3. Scores: every criterion's term, in registry order, as score_pairs adds them.
        own_terms(terms, i, bj, bd, m, pre, bfar)
        hi_key = np.uint64(i - start) << np.uint64(s.i_shift)
        kept = 0
        for k in range(m):
            j = bj[k]
            acc, unsure = score_terms(terms, i, j, bd[k], k, pre)
            unsure |= bfar[k]
            steps = np.uint64(s.grid - _clip(np.rint(acc / s.total * s.grid), 0.0, s.grid))
            keys[n_keys] = hi_key | (steps << np.uint64(s.r_bits)) | np.uint64(s.rank[j])
            pend_i[n_pend] = i
            pend_j[n_pend] = j
            n_keys += not unsure
            n_pend += unsure
            kept += not unsure
        counts[i - start] = kept
    return n_keys, n_pend


@njit(nogil=True, cache=True)
def emit(  # type: ignore[no-untyped-def]
    keys, r_bits, grid_bits, inv_rank, mentor, steps, at,
):  # fmt: skip
    """Decode a chunk's sorted keys into the round's pair arrays from position ``at``.

    Writes ``mentor`` (the caller's index of the rank in each key) and ``steps``; returns
    the position after the last. (The chunk's pairs per mentee are its ``counts``: the
    round keeps those as CSR offsets, never a mentee per pair.)
    """
    mask = np.uint64((1 << r_bits) - 1)
    gmask = np.uint64((1 << grid_bits) - 1)
    shift = np.uint64(r_bits)
    for k in range(len(keys)):
        key = keys[k]
        mentor[at + k] = inv_rank[key & mask]
        steps[at + k] = (key >> shift) & gmask
    return at + len(keys)


def _salt() -> str:
    """A digest of every file the compiled terms come from (the criteria package)."""
    digest = hashlib.sha256()
    for path in sorted(Path(_criteria_pkg.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _salt_cache(dispatcher: Any, salt: str) -> None:
    # numba keeps a cached function while *its own* file is unchanged; the terms live in
    # other files, so their digest joins the stamp numba compares. A numba without these
    # internals simply keeps its own check.
    cache_file = getattr(getattr(dispatcher, "_cache", None), "_cache_file", None)
    if cache_file is not None and hasattr(cache_file, "_source_stamp"):
        cache_file._source_stamp = (cache_file._source_stamp, salt)


_salt_cache(chunk_keys, _salt())
