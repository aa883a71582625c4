"""Every pair of a round in a compact store, and the integer model of a working set of it.

The solver by pricing (:mod:`matcher.assignment.pricing`) never holds every pair: the
store keeps 8 bytes a pair (the arrays of :class:`matcher.candidates.Candidates`) and the
solver works on a *working set* of store positions. :func:`store_model` derives, in a few
compiled sweeps over the store, every integer quantity that
:func:`~matcher.assignment.model.integer_model` would derive from all the pairs (the same
resolutions, filters, weight ``M``, seats), so that the model of any working set
(:func:`working_model`) values every assignment exactly as the all-pairs model does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from matcher.arrays.csr import offsets_fault, row_starts, rows_at
from matcher.assignment.model import INT_LIMIT, NO_LIMIT, Model
from matcher.assignment.validate import (
    BoolArray,
    FloatArray,
    IntArray,
    SolveInput,
    parameter_error,
    validate,
)
from matcher.criteria import SCORE_GRID

__all__ = [
    "MAX_LOAD_CODES",
    "PairStore",
    "score_units",
    "StoreModel",
    "solve_input",
    "store_model",
    "store_offsets",
    "validate_store",
    "working_model",
]

_INTEGRAL_TOL = 1e-9
_MAX_LOAD_RESOLUTION = 1_000_000
#: Up to this many distinct mentee loads, the seats that fit a mentor's hours are found by
#: counting its pairs per load in the one sweep (6.5 s -> 1.8 s at 211 M pairs); above it,
#: by heaps of loads in a second sweep.
MAX_LOAD_CODES = 64


class PairStore(Protocol):
    """Pairs sorted by mentee: what :class:`matcher.candidates.Candidates` holds.

    A store that also has ``indptr`` (int64 CSR offsets per mentee, as
    :class:`~matcher.candidates.Candidates` does) is read through it, and its ``mentee``
    is never read (a store of 211 M pairs then saves 0.8 GB).
    """

    # Read-only properties: a frozen dataclass or a named tuple is a store too.
    @property
    def mentee(self) -> npt.NDArray[np.int32]: ...
    @property
    def mentor(self) -> npt.NDArray[np.int32]: ...
    @property
    def score_steps(self) -> npt.NDArray[np.uint32]: ...


@dataclass(frozen=True)
class StoreModel:
    """The integer model of a whole round, per mentee and per mentor only (no per-pair
    arrays beyond the store's own)."""

    n: int
    m: int
    n_groups: int
    indptr: IntArray  # mentee i's pairs are store positions indptr[i]:indptr[i + 1]
    mentor: npt.NDArray[np.int32]  # the store's arrays, as given
    steps: npt.NDArray[np.uint32]
    p: IntArray  # priority units per mentee
    load: IntArray  # load units per mentee
    hours: IntArray  # load units per mentor, NO_LIMIT if unlimited
    mentor_ok: BoolArray  # the mentor and its supervisor have room (else no pair is usable)
    cap: IntArray  # seats per mentor, at most its usable pairs
    relax_cap: IntArray  # seats whose smallest loads fit the hours (over every pair)
    safe_cap: IntArray  # seats whose largest loads fit the hours (over every pair)
    group: IntArray
    gcap: IntArray
    seat_offset: IntArray
    spread_units: float
    weight: int
    score_resolution: int
    priority_resolution: int
    load_resolution: int
    n_usable: int
    n_filtered: int

    @property
    def pairs(self) -> int:
        """Pairs in the store."""
        return int(self.mentor.size)

    def mentee_at(self, pos: IntArray) -> IntArray:
        """The mentee of each store position ``pos`` (int64)."""
        return rows_at(self.indptr, pos)


def validate_store(
    store: PairStore, *, n_mentees: int, n_mentors: int, mentee_load: npt.ArrayLike | None,
    **kw: Any,
) -> tuple[SolveInput, FloatArray]:  # fmt: skip
    """Check the store and every other argument (as :func:`~matcher.assignment.solve` does).

    Returns the validated arguments (with no pairs) and the per-mentee loads.
    """
    inp = validate(pair_mentee=np.zeros(0, np.int64), pair_mentor=np.zeros(0, np.int64),
                   score=np.zeros(0), load=None, n_mentees=n_mentees, n_mentors=n_mentors,
                   require_all=False, method="auto", **kw)  # fmt: skip
    mentor, steps = store.mentor, store.score_steps
    offsets = getattr(store, "indptr", None)
    mentee = store.mentee if offsets is None else None
    for name, a, dtype in (("mentee", mentee, np.int32), ("mentor", mentor, np.int32),
                           ("score_steps", steps, np.uint32)):  # fmt: skip
        if a is None:
            continue
        if not isinstance(a, np.ndarray) or a.dtype != dtype or a.ndim != 1:
            raise parameter_error("store", f"pairs with a 1-D {np.dtype(dtype)} '{name}'", a)
        if a.size != np.size(mentor):
            raise parameter_error("store", "pairs of equal lengths", f"'{name}' of {a.size}")
    if offsets is not None:
        _check_offsets(offsets, inp.n, mentor.size)
    if mentor.size:
        from matcher.assignment.kernels import store_extent

        rows = mentee if mentee is not None else np.zeros(0, dtype=np.int32)
        lo_i, hi_i, lo_j, hi_j, top, ordered = store_extent(rows, mentor, steps)
        if mentee is not None and (lo_i < 0 or hi_i >= inp.n):
            raise parameter_error("store", f"mentees in [0, {inp.n})", "one outside")
        if lo_j < 0 or hi_j >= inp.m:
            raise parameter_error("store", f"mentors in [0, {inp.m})", "one outside")
        if top > SCORE_GRID:
            raise parameter_error("store", f"score steps <= {SCORE_GRID}", int(top))
        if not ordered:
            raise parameter_error("store", "pairs sorted by mentee", "unsorted pairs")
    if mentee_load is None:
        load = np.zeros(inp.n)
    else:
        load = np.asarray(mentee_load, dtype=np.float64)
        if load.shape != (inp.n,):
            raise parameter_error("mentee_load", f"of length {inp.n}", f"shape {load.shape}")
        if not (np.isfinite(load) & (load >= 0)).all():
            raise parameter_error("mentee_load", "finite and >= 0", "another value")
    return inp, load


def _check_offsets(indptr: Any, n: int, pairs: int) -> None:
    """A store's CSR offsets: int64, one per mentee and one more, from 0 up to the pairs."""
    fault = offsets_fault(indptr, n, pairs)
    if fault == "form":
        raise parameter_error("store", f"a 1-D int64 'indptr' of length {n + 1}", indptr)
    if fault == "values":
        raise parameter_error(
            "store", f"'indptr' rising from 0 to the {pairs} pairs", "other offsets"
        )


def store_offsets(store: PairStore, n: int) -> IntArray:
    """The store's CSR offsets per mentee: its own ``indptr``, else found in its mentees."""
    offsets = getattr(store, "indptr", None)
    if offsets is not None:
        out: IntArray = offsets
        return out
    return row_starts(store.mentee, n)


def _resolution(values: FloatArray, candidates: list[int]) -> int | None:
    finite = values[np.isfinite(values)]
    for r in candidates:
        scaled = finite * r
        if np.all(np.abs(scaled - np.round(scaled)) <= _INTEGRAL_TOL * np.maximum(1.0, scaled)):
            return r
    return None


def _powers_of_ten_upto(limit: int) -> list[int]:
    out, r = [], 1
    while r < limit:
        out.append(r)
        r *= 10
    return [*out, limit]


def store_model(
    store: PairStore, inp: SolveInput, load_f: FloatArray, max_load_codes: int = MAX_LOAD_CODES
) -> StoreModel:
    """Every integer quantity :func:`~matcher.assignment.model.integer_model` derives, from
    the store in compiled sweeps (see there for the resolutions, filters and ``M``; and
    :data:`MAX_LOAD_CODES` for ``max_load_codes``)."""
    from matcher.assignment.kernels import mentor_scan

    n, m = inp.n, inp.m
    indptr = store_offsets(store, n)
    degree_all = np.diff(indptr)
    # Loads are per mentee: the values integer_model sees are those of mentees with pairs.
    seen = load_f[degree_all > 0]
    lres = _resolution(np.concatenate([seen, inp.hours]), _powers_of_ten_upto(10**6))
    if lres is None:
        lres = _MAX_LOAD_RESOLUTION
        load = np.ceil(load_f * lres - _INTEGRAL_TOL).astype(np.int64)
        hours_f = np.floor(inp.hours * lres + _INTEGRAL_TOL)
    else:
        load = np.round(load_f * lres).astype(np.int64)
        hours_f = np.round(inp.hours * lres)
    hours = np.where(np.isfinite(hours_f), np.minimum(hours_f, float(NO_LIMIT)), NO_LIMIT)
    hours = hours.astype(np.int64)
    if float((degree_all * load_f).sum()) * lres >= 2**52:
        raise parameter_error(
            "load", f"small enough to sum exactly at resolution {lres}", "larger loads"
        )
    gcap_ext = np.append(inp.group_capacity, 1)  # index -1 (no supervisor): never blocks
    mentor_ok = (inp.capacity > 0) & (gcap_ext[inp.group] > 0)
    res = inp.score_resolution
    limited = hours < NO_LIMIT
    values, code = np.unique(load, return_inverse=True)
    n_codes = values.size if values.size <= max_load_codes else 0  # else heaps of loads
    s_best, degree, n_usable, s_total, fit_small, fit_large = mentor_scan(
        indptr, store.mentor, store.score_steps, float(SCORE_GRID), float(res), load, hours,
        mentor_ok, inp.capacity, limited, code.astype(np.int64), n_codes,
    )  # fmt: skip
    pres = _resolution(inp.priority, _powers_of_ten_upto(res)) or res
    p = np.round(inp.priority * pres).astype(np.int64)
    cap = np.minimum(inp.capacity, degree).astype(np.int64)
    spread_units = inp.spread_load * res
    pen_max = 0
    if spread_units > 0:
        o, c = inp.seat_offset.astype(np.float64), cap.astype(np.float64)
        pen_max = int(np.ceil((spread_units * (c * o + c * (c + 1) / 2)).sum())) + int(c.sum())
    s_max_total = int(s_best.sum())
    weight = s_max_total + pen_max + 1 if inp.objective == "coverage_first" else 0
    nodes = n + m + len(inp.group_capacity) + 1
    largest = max(weight * int(p.max(initial=0)), int(s_best.max(initial=0)), pen_max, 1)
    total = weight * int(p.sum()) + s_max_total + pen_max + int(s_total)
    if largest * (nodes + 1) >= INT_LIMIT or total >= INT_LIMIT:
        raise parameter_error(
            "score_resolution",
            "small enough that the integer objective fits in int64 "
            f"(largest cost {largest}, total {total}, {nodes} nodes); lower it",
            res,
        )
    return StoreModel(
        n=n, m=m, n_groups=len(inp.group_capacity), indptr=indptr, mentor=store.mentor,
        steps=store.score_steps, p=p, load=load, hours=hours,
        mentor_ok=mentor_ok, cap=cap, relax_cap=np.minimum(fit_small, cap),
        safe_cap=np.minimum(fit_large, cap), group=inp.group, gcap=inp.group_capacity,
        seat_offset=inp.seat_offset, spread_units=spread_units, weight=weight,
        score_resolution=res, priority_resolution=pres, load_resolution=lres,
        n_usable=int(n_usable), n_filtered=int(store.mentor.size - n_usable),
    )  # fmt: skip


def score_units(sm: StoreModel, pos: IntArray) -> IntArray:
    """Integer score units of the pairs at store positions ``pos`` (as the kernels)."""
    score = np.subtract(SCORE_GRID, sm.steps[pos], dtype=np.float64)
    score /= SCORE_GRID
    return np.round(score * sm.score_resolution).astype(np.int64)


def working_model(sm: StoreModel, pos: IntArray, orig: IntArray | None = None) -> Model:
    """The integer model of the pairs at store positions ``pos`` (ascending, usable).

    Every constant (``M``, resolutions, hours) is the whole round's, so an assignment has
    the same value in every working set's model as in the all-pairs model; seats are at
    most the working set's pairs per mentor, as ``integer_model`` caps them (the flows of
    :mod:`matcher.assignment.pricing` are given the round's seats explicitly). ``orig``
    (the index each pair reports back) defaults to ``pos``.
    """
    mentee = sm.mentee_at(pos)
    mentor = sm.mentor[pos].astype(np.int64)
    cap = np.minimum(sm.cap, np.bincount(mentor, minlength=sm.m)).astype(np.int64)
    return Model(
        n=sm.n, m=sm.m, n_groups=sm.n_groups, mentee=mentee, mentor=mentor,
        orig=pos if orig is None else orig, s=score_units(sm, pos), load=sm.load[mentee],
        p=sm.p, cap=cap, hours=sm.hours, group=sm.group, gcap=sm.gcap,
        seat_offset=sm.seat_offset, spread_units=sm.spread_units, weight=sm.weight,
        require_all=False, score_resolution=sm.score_resolution,
        priority_resolution=sm.priority_resolution, load_resolution=sm.load_resolution,
        n_filtered=sm.n_filtered,
    )  # fmt: skip


def solve_input(
    sm: StoreModel, inp: SolveInput, pos: IntArray, load_f: FloatArray, time_limit: float,
    settings: Mapping[str, Any] | None = None,
) -> SolveInput:  # fmt: skip
    """A :class:`SolveInput` of the pairs at ``pos`` (local indices), for the stages of
    :func:`matcher.assignment.solve.solve_model` on a part of the round."""
    mentee = sm.mentee_at(pos)
    score = np.subtract(SCORE_GRID, sm.steps[pos], dtype=np.float64)
    score /= SCORE_GRID
    return SolveInput(
        mentee=mentee, mentor=sm.mentor[pos].astype(np.int64), score=score,
        load=load_f[mentee], n=inp.n, m=inp.m, capacity=inp.capacity, priority=inp.priority,
        hours=inp.hours, group=inp.group, group_capacity=inp.group_capacity,
        seat_offset=inp.seat_offset, objective=inp.objective, require_all=False,
        spread_load=inp.spread_load, time_limit=time_limit, workers=inp.workers,
        score_resolution=inp.score_resolution,
        cp_sat_parameters=dict(settings or inp.cp_sat_parameters), method="auto",
        gap_limit=inp.gap_limit,
    )  # fmt: skip
