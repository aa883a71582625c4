"""The rule cascade for many mentees at once: which rule left each one no mentor, and why
(:func:`cascade_reasons`), without testing every mentee against every mentor.

:func:`~matcher.candidates.cascade.rule_cascade` tests one mentee against every mentor; run
once per mentee without candidates, that is mentees x mentors work. Here the same answer
comes from three cheaper parts:

- The rules that read only a few codes of the mentor (gender, risk, language, faith, ...,
  prison clearance, commitment, region: everything but exclusion, availability and
  distance) give the same verdict for every mentor with the same codes. Mentors are
  grouped into such *classes* (about 1,400 for 20,000 generated mentors under the default
  rules: bounded by the vocabularies, not by the caseload; prison clearance and commitment
  cover, when on, add many more) and mentees likewise; the reference predicates of
  :data:`~matcher.candidates.rules.RULES` are evaluated once per (mentee class, mentor
  class). Counts of mentors per rule follow from the class sizes; the few excluded
  mentors are moved to the ``excluded`` rule one by one.
- The mentors in reach of a mentee are few: the candidate pass's grid lists them, and
  every rule is tested on those pairs exactly.
- When some mentor passes every rule but distance, the nearest one (the reason names it)
  comes from a k-d tree over the mentors' unit vectors, nearest first, and the few within
  a rounding band of the first survivor are compared by ``haversine_km`` itself. Whether
  any mentor shares enough availability slots is first bounded per class by the union of
  its mentors' slots (exact for one slot, the default); only when that bound cannot rule
  it out and no mentor qualifies does the search run through every mentor.

The answers are the ``emptied_by`` and ``reason`` of :func:`rule_cascade` without running
relationships, exactly (a property test compares them on random caseloads).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from matcher.arrays import MenteeArrays, MentorArrays, haversine_km, popcount
from matcher.candidates.cascade import reason_words
from matcher.candidates.grid import build_grid
from matcher.candidates.rules import active_rules, exclusion_keys
from matcher.config import Config
from matcher.criteria import Pairs
from matcher.models import Mentee

__all__ = ["cascade_reasons"]

IntArray = npt.NDArray[np.int64]
Survives = Callable[[IntArray, IntArray], npt.NDArray[np.bool_]]

#: The mentor columns each class-level rule reads (its verdict is a function of these).
_MENTOR_COLUMNS: dict[str, tuple[str, ...]] = {
    "mentee_gender": ("mentee_gender",),
    "mentor_gender": ("gender",),
    "risk": ("max_risk",),
    "language": ("languages",),
    "ethnicity": ("ethnicity",),
    "faith": ("faith",),
    "lived_experience": ("lived_experience",),
    "prison_clearance": ("prisons",),
    "commitment": ("available_until",),
    "region": ("region",),
}
#: Every mentee column a class-level rule reads.
_MENTEE_COLUMNS = (
    "gender", "gender_target", "gender_strength", "ethnicity", "ethnicity_strength", "faith",
    "faith_strength", "lived_strength", "risk", "languages", "custody", "prison",
    "planned_end", "region",
)  # fmt: skip
#: Per-mentor rules, tested mentor by mentor (or, for exclusion, id by id).
_PER_MENTOR = ("excluded", "availability", "distance")
# Chord distances from the k-d tree and haversine_km agree to ~1e-15 of the Earth's
# radius; every survivor within this band of the first one is compared exactly.
_BAND_REL, _BAND_ABS = 1e-9, 1e-12
_CHUNK_PAIRS = 1 << 21  # class pairs per batch of predicate tests


def _classes(columns: list[npt.NDArray[np.generic]], n: int) -> tuple[IntArray, IntArray]:
    """Each row's class (rows equal on every column) and one row per class."""
    if not columns:
        return np.zeros(n, dtype=np.int64), np.zeros(min(n, 1), dtype=np.int64)
    block = np.concatenate([np.asarray(c).reshape(n, -1).astype(np.int64) for c in columns], 1)
    _, first, inverse = np.unique(block, axis=0, return_index=True, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64), first.astype(np.int64)


def _class_verdicts(
    me: MenteeArrays, mo: MentorArrays, config: Config, me_rep: IntArray, mo_rep: IntArray,
    positions: list[int], passed: int,
) -> npt.NDArray[np.uint8]:  # fmt: skip
    """(mentee class, mentor class) -> the position of the first class-level rule failed,
    or ``passed`` when they all hold; from the reference predicates."""
    rules = active_rules(config)
    q, k = len(me_rep), len(mo_rep)
    out = np.empty(q * k, dtype=np.uint8)
    no_keys = np.zeros(0, dtype=np.int64)
    step = max(_CHUNK_PAIRS // max(k, 1), 1)
    for lo in range(0, q, step):
        hi = min(q, lo + step)
        i = np.repeat(me_rep[lo:hi], k)
        j = np.tile(mo_rep, hi - lo)
        p = Pairs(me, mo, i, j, np.zeros(len(i)), config)
        first = np.full(len(i), passed, dtype=np.uint8)
        for pos in reversed(positions):  # the earliest failure wins
            first[~rules[pos].test(p, no_keys)] = pos
        out[lo * k : hi * k] = first
    return out.reshape(q, k)


def _in_reach(
    me: MenteeArrays, mo: MentorArrays, config: Config, keys: IntArray, nd: int
) -> tuple[IntArray, IntArray, npt.NDArray[np.uint8]]:
    """The mentors in reach of each mentee (grid listing, then the exact test), with the
    first rule each such pair fails (``nd`` when it passes them all)."""
    grid = build_grid(me, mo)
    cells = grid.cell(me.lat, me.lon)
    lo, hi = grid.ptr[cells], grid.ptr[cells + 1]
    size = hi - lo
    i = np.repeat(np.arange(len(me), dtype=np.int64), size)
    start = np.repeat(lo - (np.cumsum(size) - size), size)
    j = grid.mentors[start + np.arange(len(i), dtype=np.int64)].astype(np.int64)
    d = haversine_km(me.lat[i], me.lon[i], me.cos_lat[i], mo.lat[j], mo.lon[j], mo.cos_lat[j])
    rules = active_rules(config)
    p = Pairs(me, mo, i, j, d, config)
    near = rules[nd].test(p, keys)
    i, j, p = i[near], j[near], p.subset(np.flatnonzero(near))
    first = np.full(len(i), nd, dtype=np.uint8)
    for pos in range(nd - 1, -1, -1):
        first[~rules[pos].test(p, keys)] = pos
    return i, j, first


def _nearest_survivors(
    me: MenteeArrays, mo: MentorArrays, rows: IntArray, survives: Survives
) -> dict[int, int]:
    """For mentees ``rows``, the nearest mentor (lowest index on equal distance) passing
    ``survives(i, j)``; mentees with none are left out. Nearest first from a k-d tree,
    widening the search until a survivor and its rounding band are in view."""
    tree = cKDTree(mo.xyz)
    n = len(mo)
    out: dict[int, int] = {}
    k = min(16, n)
    todo = rows
    while len(todo):
        step = max(_CHUNK_PAIRS // k, 1)
        wider = [_nearest_chunk(me, mo, tree, todo[lo : lo + step], k, survives, out)
                 for lo in range(0, len(todo), step)]  # fmt: skip
        todo = np.concatenate(wider)
        k = min(k * 8, n)
    return out


def _nearest_chunk(
    me: MenteeArrays, mo: MentorArrays, tree: cKDTree, todo: IntArray, k: int,
    survives: Survives, out: dict[int, int],
) -> IntArray:  # fmt: skip
    """One look at the ``k`` nearest mentors of mentees ``todo``; records the resolved ones
    in ``out`` and returns those that need a wider look."""
    n = len(mo)
    chord, idx = tree.query(me.xyz[todo], k=k)
    chord, idx = chord.reshape(len(todo), k), idx.reshape(len(todo), k).astype(np.int64)
    ok = survives(np.repeat(todo, k), idx.reshape(-1)).reshape(len(todo), k)
    has = ok.any(axis=1)
    first = np.argmax(ok, axis=1)
    band = chord[np.arange(len(todo)), first] * (1 + _BAND_REL) + _BAND_ABS
    done = has & ((chord[:, -1] > band) | (k == n))
    for r in np.flatnonzero(done).tolist():
        cand = idx[r][ok[r] & (chord[r] <= band[r])]
        i = np.full(len(cand), todo[r])
        d = haversine_km(me.lat[i], me.lon[i], me.cos_lat[i],
                         mo.lat[cand], mo.lon[cand], mo.cos_lat[cand])  # fmt: skip
        out[int(todo[r])] = int(cand[d == d.min()].min())
    return todo[~done & (has | (k < n))]


def _tallies(
    me: MenteeArrays, mo: MentorArrays, config: Config, keys: IntArray, class_pos: list[int],
    passed: int,
) -> tuple[IntArray, npt.NDArray[np.bool_]]:  # fmt: skip
    """Per mentee, how many mentors fail each rule first (``passed``: none of the class
    rules; excluded mentors under rule 0), and whether some mentor may pass every rule but
    distance (some class passes the class rules and, with availability, the union of its
    mentors' slots shares enough with the mentee's). Mentee classes are taken a block at
    a time, so the (mentee class, mentor class) verdicts are never all held at once."""
    u, n = len(me), len(mo)
    names = [r.name for r in active_rules(config)]
    nd = names.index("distance")
    mo_cols = [getattr(mo, c) for p in class_pos for c in _MENTOR_COLUMNS[names[p]]]
    mclass, mo_rep = _classes(mo_cols, n)
    eclass, me_rep = _classes([getattr(me, c) for c in _MENTEE_COLUMNS], u)
    sizes = np.bincount(mclass, minlength=len(mo_rep)).astype(np.float64)
    union = np.zeros(len(mo_rep), dtype=np.uint32)
    np.bitwise_or.at(union, mclass, mo.slots)
    avail = "availability" in names
    min_slots = config.rules.min_shared_slots
    hist = np.zeros((u, nd + 1), dtype=np.int64)
    maybe = np.zeros(u, dtype=bool)
    by_class = np.argsort(eclass, kind="stable")
    starts = np.searchsorted(eclass[by_class], np.arange(len(me_rep) + 1))
    ex_i, ex_j = keys // max(n, 1), keys % max(n, 1)
    step = max(_CHUNK_PAIRS // max(len(mo_rep), 1), 1)
    for lo in range(0, len(me_rep), step):
        hi = min(len(me_rep), lo + step)
        verdict = _class_verdicts(me, mo, config, me_rep[lo:hi], mo_rep, class_pos, passed)
        counts = np.stack([np.bincount(v, weights=sizes, minlength=nd + 1) for v in verdict])
        rows = by_class[starts[lo] : starts[hi]]
        local = eclass[rows] - lo
        hist[rows] = counts.astype(np.int64)[local]
        mine = (eclass[ex_i] >= lo) & (eclass[ex_i] < hi)  # excluded mentors: rule 0
        bi, bj = ex_i[mine], ex_j[mine]
        np.add.at(hist, (bi, verdict[eclass[bi] - lo, mclass[bj]].astype(np.int64)), -1)
        np.add.at(hist, (bi, np.zeros(len(bi), dtype=np.int64)), 1)
        open_ = hist[rows, passed] > 0
        if avail:
            for r0 in range(0, len(rows), step):  # (mentees, mentor classes) in blocks
                part = slice(r0, r0 + step)
                shared = popcount(me.slots[rows[part], None] & union[None, :]) >= min_slots
                fits = ((verdict[local[part]] == passed) & shared).any(axis=1)
                open_[part] &= fits
        maybe[rows] = open_
    return hist, maybe


def cascade_reasons(
    mentees: Sequence[Mentee],
    me: MenteeArrays,
    mo: MentorArrays,
    config: Config,
    rows: npt.NDArray[np.integer],
) -> list[tuple[str | None, str | None]]:
    """The rule cascade's ``(emptied_by, reason)`` for many mentees at once.

    Parameters
    ----------
    mentees : sequence of Mentee
        The records behind ``me`` (the reasons quote a mentee's own wishes).
    me, mo : MenteeArrays, MentorArrays
        The round's arrays.
    config : Config
    rows : ndarray of int
        The mentees to explain (rows of ``me``).

    Returns
    -------
    list of (str or None, str or None)
        Per row, what :func:`rule_cascade` gives as ``emptied_by`` and ``reason`` for that
        mentee against every mentor with no running relationships.
    """
    rows = np.asarray(rows, dtype=np.int64)
    if not len(rows):
        return []
    if not len(mo):
        return [(None, "no mentors to match against")] * len(rows)
    sub = me.take(rows)
    u = len(sub)
    rules = active_rules(config)
    names = [r.name for r in rules]
    nd = names.index("distance")
    avail = names.index("availability") if "availability" in names else None
    class_pos = [p for p, r in enumerate(names) if r not in _PER_MENTOR]
    # Every class-level rule comes after exclusion and before availability and distance.
    passed = avail if avail is not None else nd
    keys = exclusion_keys(sub, mo)
    hist, maybe = _tallies(sub, mo, config, keys, class_pos, passed)

    def survives(i: IntArray, j: IntArray) -> npt.NDArray[np.bool_]:
        # Every rule but distance, by the reference predicates on these pairs alone.
        p = Pairs(sub, mo, i, j, np.zeros(len(i)), config)
        ok = np.ones(len(i), dtype=bool)
        for r in rules[:nd]:
            ok &= r.test(p, keys)
        return ok

    nearest = _nearest_survivors(sub, mo, np.flatnonzero(maybe), survives)
    ri, rj, rfirst = _in_reach(sub, mo, config, keys, nd)
    order = np.argsort(ri, kind="stable")
    ri, rj, rfirst = ri[order], rj[order], rfirst[order]
    bounds = np.searchsorted(ri, np.arange(u + 1))
    out: list[tuple[str | None, str | None]] = []
    for t in range(u):
        firsts = rfirst[bounds[t] : bounds[t + 1]]
        js = rj[bounds[t] : bounds[t + 1]]
        mentee = mentees[int(rows[t])]
        feasible = js[firsts == nd]
        if len(feasible):
            spare = (1 <= mo.capacity[feasible]) & (
                sub.support_hours[t] <= mo.max_hours[feasible] + 1e-9
            )
            if spare.any():
                out.append((None, None))
                continue
            out.append(("capacity", reason_words(
                "capacity", mentee, sub.take(np.array([t])), config, len(feasible),
                0, float(sub.support_hours[t]))))  # fmt: skip
            continue
        near = nearest.get(t)
        if near is not None:
            d = haversine_km(sub.lat[[t]], sub.lon[[t]], sub.cos_lat[[t]],
                             mo.lat[[near]], mo.lon[[near]], mo.cos_lat[[near]])  # fmt: skip
            out.append(("distance", reason_words(
                "distance", mentee, sub, config, 0, 0, 0.0,
                nearest=(float(d[0]), float(mo.reach_km[near])))))  # fmt: skip
            continue
        # No mentor passes every rule but distance (else the nearest was found): those
        # left before availability all fail it (its bin is the class rules' "passed").
        h = hist[t]
        k = int(np.flatnonzero(h)[-1])
        before = int(h[k:].sum())
        in_reach = int((firsts >= k).sum())
        out.append((names[k], reason_words(
            names[k], mentee, sub.take(np.array([t])), config, before, in_reach, 0.0)))  # fmt: skip
    return out
