"""Feasible mentor–mentee pairs: hard rules and scores over a sparse set of pairs.

:func:`find_candidates` never builds a dense mentees × mentors matrix. Each mentor is
listed in the cells of a latitude/longitude grid its reach may touch, and each mentee
looks only at its cell's mentors, so only pairs near each other are ever looked at. One
compiled pass over those entries (:mod:`matcher.kernels`) applies the hard rules (the
code-only ones as one lookup table) and scores the survivors with the weighted sum of
:func:`score_pairs`, bit for bit; the few pairs it cannot decide exactly are decided by
``haversine_km`` and ``score_pairs`` themselves. :class:`Candidates` keeps 12 bytes per
pair; criteria and distances are recomputed on demand (``criteria_at``) with
:mod:`matcher.criteria`'s scorers.

:func:`rule_cascade` evaluates the same rules for one mentee against every mentor, one
after another, to say which rule left no mentor and in plain words.
"""

from __future__ import annotations

import os
import queue
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.arrays import (
    EARTH_RADIUS_KM,
    GENDER_ANY,
    STRENGTH_PREFERRED,
    STRENGTH_REQUIRED,
    UNDISCLOSED_ETHNICITY,
    MenteeArrays,
    MentorArrays,
    existing_load,
    has_bit,
    haversine_km,
    overlap,
    popcount,
)
from matcher.config import Config
from matcher.criteria import (
    SCORE_GRID,
    Pairs,
    ethnicity_met,
    faith_met,
    gender_met,
    score_pairs,
)
from matcher.errors import ParameterError
from matcher.io import PathLike, atomic_writer
from matcher.models import Existing, Mentee, Mentor
from matcher.registry import CRITERION_NAMES
from matcher.vocab import ETHNICITIES, GENDERS

__all__ = [
    "RULES",
    "SCORE_GRID",
    "Candidates",
    "Cascade",
    "Rule",
    "RuleStep",
    "active_rules",
    "find_candidates",
    "rule_cascade",
    "write_candidates",
]

Mask = npt.NDArray[np.bool_]

_GRID_BITS = 31  # steps 0 ..= SCORE_GRID


# --- hard rules ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One hard rule.

    Attributes
    ----------
    name : str
        Machine name, used as key of per-rule counts.
    label : str
        Short plain-words name, for reports.
    test : callable
        ``test(pairs, excluded_keys) -> bool mask``: which pairs pass.
    active : callable
        ``active(config) -> bool``: whether the config switches the rule on.
    """

    name: str
    label: str
    test: Callable[[Pairs, npt.NDArray[np.int64]], Mask]
    active: Callable[[Config], bool] = lambda config: True


def _not_excluded(p: Pairs, keys: npt.NDArray[np.int64]) -> Mask:
    out = np.ones(len(p.i), dtype=bool)
    if len(keys) == 0:
        return out
    # Few mentees exclude anyone: look up only their pairs.
    rows = np.flatnonzero(np.isin(p.i, np.unique(keys // max(len(p.mo), 1))))
    k = p.i[rows].astype(np.int64) * max(len(p.mo), 1) + p.j[rows]
    pos = np.minimum(np.searchsorted(keys, k), len(keys) - 1)
    out[rows] = keys[pos] != k
    return out


def _mentor_takes_gender(p: Pairs, _: object) -> Mask:
    wanted = p.mo.mentee_gender[p.j]
    return (wanted < 0) | (wanted == p.me.gender[p.i])


def _required(p: Pairs, strength: npt.NDArray[np.int8], met: Callable[[Pairs], Mask]) -> Mask:
    out = np.ones(len(p.i), dtype=bool)
    rows = np.flatnonzero(strength[p.i] == STRENGTH_REQUIRED)
    if len(rows):  # only pairs whose mentee requires it are tested
        out[rows] = met(p.subset(rows))
    return out


def _gender_wish(p: Pairs, _: object) -> Mask:
    return _required(p, p.me.gender_strength, gender_met)


def _risk(p: Pairs, _: object) -> Mask:
    return p.me.risk[p.i] <= p.mo.max_risk[p.j]


def _language(p: Pairs, _: object) -> Mask:
    return overlap(p.me.languages, p.i, p.mo.languages, p.j)


def _ethnicity(p: Pairs, _: object) -> Mask:
    return _required(p, p.me.ethnicity_strength, ethnicity_met)


def _faith(p: Pairs, _: object) -> Mask:
    return _required(p, p.me.faith_strength, faith_met)


def _lived(p: Pairs, _: object) -> Mask:
    return _required(p, p.me.lived_strength, lambda q: q.mo.lived_experience[q.j])


def _prison(p: Pairs, _: object) -> Mask:
    return ~p.me.custody[p.i] | has_bit(p.mo.prisons, p.j, p.me.prison[p.i])


def _commitment(p: Pairs, _: object) -> Mask:
    return p.mo.available_until[p.j] >= p.me.planned_end[p.i]


def _region(p: Pairs, _: object) -> Mask:
    a, b = p.me.region[p.i], p.mo.region[p.j]
    return (a < 0) | (b < 0) | (a == b)


def _availability(p: Pairs, _: object) -> Mask:
    need = p.config.rules.min_shared_slots
    return popcount(p.me.slots[p.i] & p.mo.slots[p.j]) >= need


def _distance(p: Pairs, _: object) -> Mask:
    return p.distance_km <= p.mo.reach_km[p.j]


#: Every hard rule, in cascade order (distance last: "nearest eligible" needs the others).
RULES: tuple[Rule, ...] = (
    Rule("excluded", "mentor excluded by the mentee", _not_excluded),
    Rule("mentee_gender", "mentor's own mentee-gender requirement", _mentor_takes_gender),
    Rule("mentor_gender", "mentee's required mentor gender", _gender_wish),
    Rule("risk", "mentor trained for the mentee's risk level", _risk),
    Rule("language", "a shared language", _language),
    Rule("ethnicity", "mentee's required same-ethnicity mentor", _ethnicity),
    Rule("faith", "mentee's required same-faith mentor", _faith),
    Rule("lived_experience", "mentee's required mentor with lived experience", _lived),
    Rule("prison_clearance", "mentor cleared for the mentee's prison", _prison,
         lambda c: c.rules.require_prison_clearance),
    Rule("commitment", "mentor's commitment covers the relationship", _commitment,
         lambda c: c.rules.require_commitment_cover),
    Rule("region", "same region", _region, lambda c: c.rules.same_region),
    Rule("availability", "enough shared availability slots", _availability,
         lambda c: c.rules.min_shared_slots > 0),
    Rule("distance", "within the mentor's travel distance", _distance),
)  # fmt: skip


def active_rules(config: Config) -> tuple[Rule, ...]:
    """The rules the config switches on, in cascade order."""
    return tuple(r for r in RULES if r.active(config))


def _exclusion_keys(me: MenteeArrays, mo: MentorArrays) -> npt.NDArray[np.int64]:
    """Sorted pair keys ``i * n_mentors + j`` of every excluded pair."""
    if not any(me.exclude):
        return np.zeros(0, dtype=np.int64)
    index = {str(m): k for k, m in enumerate(mo.ids)}
    n = max(len(mo), 1)
    keys = [i * n + index[x] for i, ex in enumerate(me.exclude) for x in ex if x in index]
    return np.unique(np.asarray(keys, dtype=np.int64))


# --- batch candidates --------------------------------------------------------------------


class Candidates:
    """Every feasible pair of a round with its score; criteria and distances on demand.

    Stored per pair: ``mentee`` and ``mentor`` (int32) and ``score_steps`` (uint32), i.e.
    12 bytes. Everything else is recomputed from the arrays when asked for.

    Attributes
    ----------
    mentee, mentor : ndarray of int32
        Index of each pair's mentee / mentor in the sequences given.
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
    the order of the input rows.
    """

    def __init__(
        self,
        mentee: npt.NDArray[np.int32],
        mentor: npt.NDArray[np.int32],
        score_steps: npt.NDArray[np.uint32],
        mentee_arrays: MenteeArrays,
        mentor_arrays: MentorArrays,
        config: Config,
    ) -> None:
        self.mentee = mentee
        self.mentor = mentor
        self.score_steps = score_steps
        self.mentee_arrays = mentee_arrays
        self.mentor_arrays = mentor_arrays
        self.config = config

    def __len__(self) -> int:
        return len(self.mentee)

    @cached_property
    def indptr(self) -> npt.NDArray[np.int64]:
        """CSR offsets: mentee ``i``'s pairs are rows ``indptr[i]:indptr[i + 1]``."""
        n = len(self.mentee_arrays)
        return np.searchsorted(self.mentee, np.arange(n + 1)).astype(np.int64)

    @cached_property
    def score(self) -> npt.NDArray[np.float64]:
        """Weighted score of each pair, float64 (bit for bit ``score_pairs``)."""
        return _steps_to_score(self.score_steps)

    def _pairs(self, rows: npt.NDArray[np.integer]) -> Pairs:
        me, mo = self.mentee_arrays, self.mentor_arrays
        i, j = self.mentee[rows], self.mentor[rows]
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


def _steps_to_score(steps: npt.NDArray[np.unsignedinteger]) -> npt.NDArray[np.float64]:
    out = np.subtract(SCORE_GRID, steps, dtype=np.float64)
    out /= SCORE_GRID
    return out


# --- spatial join: a latitude/longitude grid --------------------------------------------

# Target cell side, km. Mentors are listed in every cell their reach may touch, so the
# pairs looked at exceed the pairs in reach by roughly (1 + cell / reach)².
_CELL_KM = 4.0
_SLACK = 1e-9


@dataclass(frozen=True)
class _Grid:
    """Cells of a lat/lon grid, each with the mentors whose reach may touch it."""

    lat0: float
    lon0: float
    dlat: float
    dlon: float
    n_rows: int
    n_cols: int
    ptr: npt.NDArray[np.int64]  # cell c's mentors: mentors[ptr[c]:ptr[c + 1]]
    mentors: npt.NDArray[np.int32]

    def cell(
        self, lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.int64]:
        r = np.clip(np.floor((lat - self.lat0) / self.dlat), 0, self.n_rows - 1).astype(np.int64)
        c = np.clip(np.floor((lon - self.lon0) / self.dlon), 0, self.n_cols - 1).astype(np.int64)
        return r * self.n_cols + c


def _build_grid(me: MenteeArrays, mo: MentorArrays) -> _Grid:
    """Grid over the mentees' bounding box; a conservative mentor → cells cover.

    A mentor is listed in a cell when a lower bound of the haversine term
    ``sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2)`` from its home to the cell is within its
    reach (the smallest latitude and longitude gaps, the smallest cosine over the cell),
    so no pair in reach is ever missed; the exact test comes later.
    """
    R = EARTH_RADIUS_KM
    lat_lo, lat_hi = float(me.lat.min()), float(me.lat.max())
    lon_lo, lon_hi = float(me.lon.min()), float(me.lon.max())
    max_abs = min(max(abs(lat_lo), abs(lat_hi)), np.radians(89.0))
    dlat = _CELL_KM / R
    dlon = _CELL_KM / (R * np.cos(max_abs))
    n_rows = int(np.floor((lat_hi - lat_lo) / dlat)) + 1
    n_cols = int(np.floor((lon_hi - lon_lo) / dlon)) + 1
    # Keep the grid bounded (sparse far-flung caseloads): coarser cells, same guarantees.
    while n_rows * n_cols > 4_000_000:
        dlat, dlon = dlat * 2, dlon * 2
        n_rows = int(np.floor((lat_hi - lat_lo) / dlat)) + 1
        n_cols = int(np.floor((lon_hi - lon_lo) / dlon)) + 1
    # Mentor boxes: rows within reach in latitude, columns within reach in longitude.
    ang = np.minimum(mo.reach_km / R * (1 + _SLACK) + _SLACK, np.pi)
    r_lo = np.floor((mo.lat - ang - lat_lo) / dlat).astype(np.int64)
    r_hi = np.floor((mo.lat + ang - lat_lo) / dlat).astype(np.int64)
    far_lat = np.minimum(np.abs(mo.lat) + ang, np.pi / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.sin(ang / 2) / np.cos(far_lat)
    dlam = np.where(s < 1, 2 * np.arcsin(np.minimum(s, 1)), np.inf) * (1 + _SLACK) + _SLACK
    whole = (dlam >= np.pi) | (mo.lon - dlam < -np.pi) | (mo.lon + dlam > np.pi)
    with np.errstate(invalid="ignore"):
        c_lo = np.where(whole, 0, np.floor((mo.lon - dlam - lon_lo) / dlon)).astype(np.int64)
        c_hi = np.where(whole, n_cols - 1, np.floor((mo.lon + dlam - lon_lo) / dlon)).astype(
            np.int64
        )
    r_lo, r_hi = np.clip(r_lo, 0, n_rows - 1), np.clip(r_hi, 0, n_rows - 1)
    c_lo, c_hi = np.clip(c_lo, 0, n_cols - 1), np.clip(c_hi, 0, n_cols - 1)
    inside = (mo.lat + ang >= lat_lo) & (mo.lat - ang <= lat_hi)
    inside &= whole | ((mo.lon + dlam >= lon_lo) & (mo.lon - dlam <= lon_hi))
    js = np.flatnonzero(inside)
    nr = (r_hi - r_lo + 1)[js]
    nc = (c_hi - c_lo + 1)[js]
    size = nr * nc
    total = int(size.sum())
    owner = np.repeat(js, size)
    k = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(size) - size, size)
    nc_rep = np.repeat(nc, size)
    row = r_lo[owner] + k // nc_rep
    col = c_lo[owner] + k % nc_rep
    del k, nc_rep
    # Only cells where some mentee lives matter.
    occupied = np.zeros(n_rows * n_cols, dtype=bool)
    m_row = np.clip(np.floor((me.lat - lat_lo) / dlat), 0, n_rows - 1).astype(np.int64)
    m_col = np.clip(np.floor((me.lon - lon_lo) / dlon), 0, n_cols - 1).astype(np.int64)
    occupied[m_row * n_cols + m_col] = True
    used = np.flatnonzero(occupied[row * n_cols + col])
    owner, row, col = owner[used], row[used], col[used]
    del used
    # Lower bound of the haversine term between the mentor and any point of the cell.
    row_lat_lo = lat_lo + np.arange(n_rows) * dlat
    row_cos = np.cos(
        np.minimum(np.maximum(np.abs(row_lat_lo), np.abs(row_lat_lo + dlat)), np.pi / 2)
    )
    col_lon_lo = lon_lo + np.arange(n_cols) * dlon
    mlat, mlon = mo.lat[owner], mo.lon[owner]
    gap = row_lat_lo[row] - mlat
    np.maximum(gap, mlat - (row_lat_lo[row] + dlat), out=gap)
    np.maximum(gap, 0.0, out=gap)
    h = np.sin(gap * 0.5)
    h *= h
    gap = col_lon_lo[col] - mlon
    np.maximum(gap, mlon - (col_lon_lo[col] + dlon), out=gap)
    np.clip(gap, 0.0, np.pi, out=gap)
    gap[whole[owner]] = 0.0
    s_lon = np.sin(gap * 0.5)
    s_lon *= s_lon
    s_lon *= mo.cos_lat[owner] * row_cos[row]
    h += s_lon
    del gap, s_lon, mlat, mlon
    limit = np.sin(ang / 2) ** 2
    keep = h * (1 - 1e-6) <= limit[owner] + 1e-15
    n_mo = np.int64(max(len(mo), 1))
    key = (row * n_cols + col)[keep] * n_mo + owner[keep]
    key.sort()
    owner = key % n_mo
    cells = key // n_mo
    del key
    ptr = np.searchsorted(cells, np.arange(n_rows * n_cols + 1)).astype(np.int64)
    return _Grid(lat_lo, lon_lo, dlat, dlon, n_rows, n_cols, ptr, owner.astype(np.int32))


# --- one compiled pass: rules and score ----------------------------------------------------

# Every rule of RULES is applied by the compiled pass (matcher.kernels.chunk_keys): the
# five code-only ones through the class table, the others one by one.
_IN_KERNEL = frozenset({"excluded", "mentee_gender", "mentor_gender", "risk", "language",
                        "ethnicity", "faith", "lived_experience", "prison_clearance",
                        "commitment", "region", "availability", "distance"})  # fmt: skip
assert _IN_KERNEL == {r.name for r in RULES}, "a rule the compiled pass does not apply"

# |chord distance − haversine_km| is below 2e-12 km on the generator's caseloads (rounding
# of unit vectors and of the two formulas, ~1e-15 of the Earth's radius). The compiled pass
# treats anything within this much larger tolerance as undecided and hands it back, to be
# decided with haversine_km and score_pairs themselves.
_D_TOL_ABS = 1e-9  # km
_D_TOL_REL = 1e-12
_FAR_KM = 5000.0  # beyond (asin near 1 is ill-conditioned): always ask haversine_km
_POLY_X = 0.05  # asin by its series up to x⁹ for half-chords below this


def _class_table(
    me: MenteeArrays, mo: MentorArrays
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64], npt.NDArray[np.uint8]]:
    """Rules and wishes that depend only on a few small codes, as one lookup table.

    A mentor's class packs (gender, own mentee-gender requirement, ethnicity, lived
    experience, max risk); a mentee's packs the matching wishes. ``table[class row +
    mentor class]`` holds the five rules' verdict and three preferred-wish outcomes,
    evaluated once per (mentee class, mentor class) with the same tests as the rules.
    """
    ng, ne = len(GENDERS), len(ETHNICITIES)
    nr = max(int(mo.max_risk.max(initial=0)), int(me.risk.max(initial=0))) + 1  # risk levels
    g = np.arange(ng)[:, None, None, None, None]
    mg = (np.arange(ng + 1) - 1)[None, :, None, None, None]
    e = np.arange(ne)[None, None, :, None, None]
    lived = np.arange(2)[None, None, None, :, None].astype(bool)
    max_risk = np.arange(nr)[None, None, None, None, :]
    n_mc = ng * (ng + 1) * ne * 2 * nr
    mentor_class = (
        (((mo.gender.astype(np.int32) * (ng + 1) + (mo.mentee_gender + 1)) * ne + mo.ethnicity)
         * 2 + mo.lived_experience) * nr + mo.max_risk
    ).astype(np.int32)  # fmt: skip
    cols = [me.gender, me.gender_target, me.gender_strength, me.ethnicity,
            me.ethnicity_strength, me.lived_strength, me.risk]  # fmt: skip
    code = np.zeros(len(me), dtype=np.int64)
    for c in cols:
        code = code * 16 + (c.astype(np.int64) + 2)
    uniq, inverse = np.unique(code, return_inverse=True)
    attrs = []
    rest = uniq.copy()
    for _ in cols:
        attrs.append(rest % 16 - 2)
        rest //= 16
    risk, l_str, e_str, me_e, g_str, target, me_g = (a[:, None, None, None, None, None]
                                                      for a in attrs)  # fmt: skip
    gmet = (target == GENDER_ANY) | (g == target)
    emet = (me_e == e) & (me_e != UNDISCLOSED_ETHNICITY)
    ok = ((mg < 0) | (mg == me_g)) & ((g_str != STRENGTH_REQUIRED) | gmet) & (risk <= max_risk)
    ok = ok & ((e_str != STRENGTH_REQUIRED) | emet) & ((l_str != STRENGTH_REQUIRED) | lived)
    bits = ok.astype(np.uint8)
    bits = bits | (((g_str != STRENGTH_PREFERRED) | gmet).astype(np.uint8) << 1)
    bits = bits | (((e_str != STRENGTH_PREFERRED) | emet).astype(np.uint8) << 2)
    bits = bits | (((l_str != STRENGTH_PREFERRED) | lived).astype(np.uint8) << 3)
    table = np.ascontiguousarray(np.broadcast_to(bits, (len(uniq), ng, ng + 1, ne, 2, nr)))
    offset = inverse.reshape(-1).astype(np.int64) * n_mc
    return mentor_class, offset, table.reshape(-1)


def _term(w: float, s: npt.NDArray[np.float32]) -> npt.NDArray[np.float64]:
    # Exactly what score_pairs adds for a criterion: w * float64(float32 score). Weight 0:
    # zeros (score_pairs adds nothing, and adding +0.0 changes no sum), NaN codes included.
    return w * s.astype(np.float64) if w > 0 else np.zeros(s.shape)


def _c(a: npt.ArrayLike, dtype: npt.DTypeLike) -> npt.NDArray[Any]:
    # One dtype and layout per argument, so the compiled pass is compiled once.
    return np.ascontiguousarray(a, dtype=dtype)


def _exclusions(me: MenteeArrays, mo: MentorArrays) -> tuple[npt.NDArray[np.int64], ...]:
    """Excluded mentors as CSR: mentee ``i``'s are ``mentors[ptr[i]:ptr[i + 1]]``."""
    keys = _exclusion_keys(me, mo)
    n_mo = max(len(mo), 1)
    ptr = np.searchsorted(keys // n_mo, np.arange(len(me) + 1)).astype(np.int64)
    return ptr, _c(keys % n_mo, np.int32)


def _kernel_args(
    me: MenteeArrays,
    mo: MentorArrays,
    config: Config,
    grid: _Grid,
    exclusions: tuple[npt.NDArray[np.int64], npt.NDArray[np.integer]],
) -> dict[str, Any]:
    """The round's arguments of :func:`matcher.kernels.chunk_keys`: codes and tables.

    ``exclusions`` are CSR per mentee, in the numbering of ``mo``.
    """
    weights = config.weight_vector()
    assert tuple(weights) == CRITERION_NAMES  # the pass reads weights by registry position
    sc, rules = config.scoring, config.rules
    # goals: code mentee goals << 8 | mentor specialisms (the scorer's uint8 arithmetic).
    goals, spec = np.meshgrid(np.arange(256, dtype=np.uint8), np.arange(256, dtype=np.uint8),
                              indexing="ij")  # fmt: skip
    n, cov = popcount(goals), popcount(goals & spec)
    t_goals = _term(
        weights["goals"], np.where(n == 0, 1.0, cov / np.maximum(n, 1)).astype(np.float32)
    ).reshape(-1)
    # expectations: code (mentee frequency * 8 + modes) * 24 + mentor frequency * 8 + modes.
    fi, mi, fj, mj = np.meshgrid(np.arange(3, dtype=np.int8), np.arange(8, dtype=np.uint8),
                                 np.arange(3, dtype=np.int8), np.arange(8, dtype=np.uint8),
                                 indexing="ij")  # fmt: skip
    with np.errstate(divide="ignore", invalid="ignore"):
        freq = np.float64(sc.frequency_shortfall) ** np.maximum(fi - fj, 0)
        mi8, mj8 = mi.astype(np.uint8), mj.astype(np.uint8)
        exp = (0.5 * (freq + popcount(mi8 & mj8) / popcount(mi8))).astype(np.float32)
    one = np.array([0.0, 1.0], dtype=np.float32)
    # The class table's bits 1, 2, 3: gender, ethnicity, lived-experience wish met.
    tab = {
        name: _term(weights[name], one)[(np.arange(16) >> bit) & 1]
        for name, bit in (("gender", 1), ("ethnicity", 2), ("lived_experience", 3))
    }
    lang = np.where(np.array([False, True]), 1.0, sc.secondary_language).astype(np.float32)
    needed, slots_code = np.unique(me.slots_needed, return_inverse=True)
    avail = np.minimum(1.0, np.arange(33)[None, :] / needed[:, None]).astype(np.float32)
    # through the gate: code 0 community, else 1 + cleared * 2 + near.
    ttg = np.array([1.0, 0.0, 0.5, 0.5, 1.0], dtype=np.float32)
    mentor_class, offset, table = _class_table(me, mo)
    excl_ptr, excl = exclusions
    # The tolerance matters below _FAR_KM only (beyond, every pair is decided exactly);
    # capped so that an infinite reach keeps infinite bounds.
    tol = _D_TOL_ABS + _D_TOL_REL * np.minimum(mo.reach_km, _FAR_KM)
    return dict(
        grid_ptr=_c(grid.ptr, np.int64), grid_mentors=_c(grid.mentors, np.uint64),
        entry_class=_c(mentor_class[grid.mentors], np.int32),
        mentee_offset=_c(offset, np.int64), table=_c(table, np.uint8),
        me_lang=_c(me.languages, np.uint64), mo_lang=_c(mo.languages, np.uint64),
        me_slots=_c(me.slots, np.uint32), mo_slots=_c(mo.slots, np.uint32),
        min_slots=int(rules.min_shared_slots),
        me_faith_strength=_c(me.faith_strength, np.int8), me_faith=_c(me.faith, np.int32),
        required=STRENGTH_REQUIRED, preferred=STRENGTH_PREFERRED,
        mo_faith=_c(mo.faith, np.int32),
        rule_prison=bool(rules.require_prison_clearance),
        rule_commitment=bool(rules.require_commitment_cover), rule_region=bool(rules.same_region),
        custody=_c(me.custody, np.bool_), me_prison=_c(me.prison, np.int32),
        mo_prisons=_c(mo.prisons, np.uint64), until=_c(mo.available_until, np.int64),
        planned_end=_c(me.planned_end, np.int64), me_start=_c(me.start, np.int64),
        me_region=_c(me.region, np.int32), mo_region=_c(mo.region, np.int32),
        excl_ptr=excl_ptr, excl=_c(excl, np.uint64),
        me_xyz=_c(me.xyz, np.float64), mo_xyz=_c(mo.xyz, np.float64),
        two_r=2.0 * EARTH_RADIUS_KM, reach_lo=_c(mo.reach_km - tol, np.float64),
        reach_hi=_c(mo.reach_km + tol, np.float64),
        d_tol_abs=float(_D_TOL_ABS), d_tol_rel=float(_D_TOL_REL), far_km=float(_FAR_KM),
        poly_x=float(_POLY_X),
        weights=_c([max(w, 0.0) for w in weights.values()], np.float64),
        total=float(sum(w for w in weights.values() if w > 0)), grid=float(SCORE_GRID),
        goals_code=_c(me.goals.astype(np.uint64) << np.uint64(8), np.uint64),
        specialisms=_c(mo.specialisms, np.uint64), t_goals=_c(t_goals, np.float64),
        exp_mentee=_c((me.frequency.astype(np.int64) * 8 + me.modes) * 24, np.uint64),
        exp_mentor=_c(mo.frequency.astype(np.int64) * 8 + mo.modes, np.uint64),
        t_exp=_c(_term(weights["expectations"], exp).reshape(-1), np.float64),
        t_gender=_c(tab["gender"], np.float64), t_ethnicity=_c(tab["ethnicity"], np.float64),
        t_faith=_c(_term(weights["faith"], one), np.float64),
        first_language=_c(me.first_language, np.int32),
        t_language=_c(_term(weights["language"], lang), np.float64),
        slots_code=_c(slots_code.reshape(-1) * 33, np.uint64),
        t_avail=_c(_term(weights["availability"], avail).reshape(-1), np.float64),
        half_km=float(sc.location_half_km), release_km=float(sc.release_area_km),
        t_ttg=_c(_term(weights["through_the_gate"], ttg), np.float64),
        t_lived=_c(tab["lived_experience"], np.float64),
        rank=_c(mo.rank, np.int32),
    )  # fmt: skip


def _haversine_rows(
    me: MenteeArrays,
    mo: MentorArrays,
    i: npt.NDArray[np.integer],
    j: npt.NDArray[np.integer],
) -> npt.NDArray[np.float64]:
    return haversine_km(me.lat[i], me.lon[i], me.cos_lat[i], mo.lat[j], mo.lon[j], mo.cos_lat[j])


def _spatial_order(mo: MentorArrays) -> npt.NDArray[np.int64]:
    """Mentors in Z-order (Morton) of ~4 km cells around their homes.

    A mentee's candidates are the mentors near it; numbered in this order, their data
    lies in a few contiguous runs of each array instead of all over them (this halved the
    compiled pass's time on the 200k × 40k benchmark caseload). The order changes nothing
    in the results.
    """
    cell = _CELL_KM / EARTH_RADIUS_KM
    scale = np.cos(np.median(mo.lat)) / cell
    rc = [
        np.clip(np.floor((v - v.min()) * s), 0, 0xFFFF).astype(np.uint64)
        for v, s in ((mo.lat, 1 / cell), (mo.lon, scale))
    ]
    code = np.zeros(len(mo), dtype=np.uint64)
    for bit in range(16):
        for axis, v in enumerate(rc):
            code |= ((v >> np.uint64(bit)) & np.uint64(1)) << np.uint64(2 * bit + axis)
    return np.argsort(code, kind="stable")


@dataclass(frozen=True)
class _Round:
    """What every chunk of a round shares.

    The compiled pass works on the mentors in :func:`_spatial_order`; ``order`` maps its
    mentor numbers back to the caller's. Keys carry mentor ranks, the same in both.
    """

    me: MenteeArrays
    mo: MentorArrays
    config: Config
    cells: npt.NDArray[np.int64]
    args: dict[str, Any]
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
    from matcher.kernels import chunk_keys

    ptr, cells = r.args["grid_ptr"], r.cells
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
        n_keys, n_pend = chunk_keys(
            start, stop, cells, **r.args, i_shift=64 - r.i_bits, r_bits=r.r_bits,
            keys=keys, pend_i=pend_i, pend_j=pend_j, counts=counts,
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


def _cpus() -> int:
    # The CPUs this process may run on (CI runners often pin fewer than the machine has).
    if hasattr(os, "sched_getaffinity"):
        return max(len(os.sched_getaffinity(0)), 1)
    return os.cpu_count() or 1


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
    from matcher.kernels import emit  # numba: imported only when pairs are scored

    order = _spatial_order(mo)
    mo_k = mo.take(order)
    grid = _build_grid(me, mo_k)
    cells = grid.cell(me.lat, me.lon)
    r_bits = max(int(len(mo) - 1).bit_length(), 1)
    size = min(chunk_size, 1 << max(64 - _GRID_BITS - r_bits, 1))
    inv_rank = np.empty(len(mo), dtype=np.int32)
    inv_rank[mo.rank] = np.arange(len(mo), dtype=np.int32)
    workers = min(2, _cpus()) if workers is None else workers
    buffers: queue.SimpleQueue[tuple[npt.NDArray[Any], ...]] = queue.SimpleQueue()
    for _ in range(workers):
        buffers.put(_NO_BUFFERS)
    # Exclusions are looked up by id in the caller's order (the last row of a repeated id,
    # as rule_cascade does), then renumbered.
    excl_ptr, excl = _exclusions(me, mo)
    renumber = np.empty(len(mo), dtype=np.int64)
    renumber[order] = np.arange(len(mo))
    args = _kernel_args(me, mo_k, config, grid, (excl_ptr, renumber[excl]))
    r = _Round(me, mo, config, cells, args, order,
               max_per_mentee, max(int(size - 1).bit_length(), 1), r_bits, inv_rank,
               buffers)  # fmt: skip
    assert r.i_bits + r.r_bits + _GRID_BITS <= 64  # chunk sizes are capped accordingly
    # Results go straight into arrays sized by every grid entry looked at (an upper bound):
    # pages are committed only when written, so the bound costs address space only.
    entries = grid.ptr[cells + 1] - grid.ptr[cells]
    if max_per_mentee is not None:
        np.minimum(entries, max_per_mentee, out=entries)
    bound = int(entries.sum())
    mentor = np.empty(bound, dtype=np.int32)
    steps = np.empty(bound, dtype=np.uint32)
    mentee = np.empty(bound, dtype=np.int32)
    spans = _chunks(len(me), size)
    at = 0
    with ThreadPoolExecutor(workers) if workers > 1 and len(me) > size else nullcontext() as pool:
        chunks = pool.map(lambda s: _chunk_pairs(r, *s), spans) if pool else (
            _chunk_pairs(r, *s) for s in spans)  # fmt: skip
        for chunk in chunks:
            at = emit(chunk.keys, chunk.counts, chunk.start, r_bits, _GRID_BITS, inv_rank,
                      mentee, mentor, steps, at)  # fmt: skip
            del chunk
    return Candidates(mentee[:at], mentor[:at], steps[:at], me, mo, config)


def _fmt(values: npt.NDArray[np.floating]) -> list[str]:
    # Fixed 6 decimals; a criterion that was not computed (weight 0) is an empty cell.
    return ["" if v != v else f"{v:.6f}" for v in values.tolist()]


def write_candidates(
    path: PathLike,
    candidates: Candidates,
    mentees: Sequence[Mentee] | None = None,
    mentors: Sequence[Mentor] | None = None,
    *,
    block: int = 200_000,
) -> None:
    """Write the candidates CSV atomically.

    Columns ``mentee_id, mentor_id, score`` then one per criterion (registry order);
    rows sorted by mentee id, then score descending, then mentor id; scores with fixed
    6 decimals; a criterion of weight 0 is left empty. Ids are taken from the arrays
    the candidates carry; ``mentees`` / ``mentors`` are accepted for symmetry.
    """
    me_ids, mo_ids = candidates.mentee_arrays.ids, candidates.mentor_arrays.ids
    # Pairs are grouped by mentee index; reorder whole groups by mentee id.
    ptr = candidates.indptr
    by_id = np.argsort(me_ids, kind="stable")
    lengths = (ptr[1:] - ptr[:-1])[by_id]
    starts = ptr[:-1][by_id]
    offsets = np.cumsum(lengths) - lengths
    perm = np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)
    with atomic_writer(path) as fh:
        fh.write(",".join(("mentee_id", "mentor_id", "score", *CRITERION_NAMES)) + "\n")
        for lo in range(0, len(perm), block):
            rows = perm[lo : lo + block]
            crit = candidates.criteria_at(rows)
            cols = [
                me_ids[candidates.mentee[rows]].tolist(),
                mo_ids[candidates.mentor[rows]].tolist(),
                _fmt(candidates.score[rows]),
                *(_fmt(crit[name]) for name in CRITERION_NAMES),
            ]
            fh.write("".join(",".join(r) + "\n" for r in zip(*cols, strict=True)))


# --- one mentee: the rule cascade ---------------------------------------------------------


@dataclass(frozen=True)
class RuleStep:
    """How one rule of the cascade narrowed the mentors."""

    rule: str
    label: str
    removed: int
    remaining: int


@dataclass(frozen=True, eq=False)
class Cascade:
    """Every hard rule applied in turn for one mentee against all mentors.

    Attributes
    ----------
    mentee_id : str
    steps : tuple of RuleStep
        Active rules in cascade order, then ``capacity`` (spare places and hours).
    emptied_by : str or None
        The rule after which no mentor was left; ``None`` when some are available.
    reason : str or None
        Plain words a coordinator can act on, when ``emptied_by`` is set.
    feasible : ndarray of bool
        Per mentor: passes every hard rule (the pairs :func:`find_candidates` finds).
    available : ndarray of bool
        Per mentor: feasible and with a spare place and enough weekly hours.
    distance_km : ndarray of float64
        Per mentor: haversine distance to the mentee's (release) address.
    """

    mentee_id: str
    steps: tuple[RuleStep, ...]
    emptied_by: str | None
    reason: str | None
    feasible: Mask
    available: Mask
    distance_km: npt.NDArray[np.float64]

    @property
    def removed(self) -> dict[str, int]:
        """Mentors removed by each rule, cascade order."""
        return {s.rule: s.removed for s in self.steps}


_GENDER_WORD = {0: "female", 1: "male", 2: "non-binary", 3: "undisclosed-gender"}


def _rule_phrase(rule: str, mentee: Mentee, me: MenteeArrays, config: Config) -> str:
    """What the rule asks, naming no special-category value beyond the mentee's wish."""
    if rule == "excluded":
        return "mentors excluded by the mentee"
    if rule == "mentee_gender":
        g = _GENDER_WORD[int(me.gender[0])]
        return f"mentors' own mentee-gender requirement (none takes a {g} mentee)"
    if rule == "mentor_gender":
        if mentee.mentor_gender == "same":
            if mentee.gender == "undisclosed":
                return "required same-gender mentor, but the mentee's gender is undisclosed"
            return "required same-gender mentor"
        return f"required {mentee.mentor_gender} mentor"
    if rule == "risk":
        return "no mentor trained for the mentee's risk level"
    if rule == "language":
        return "no mentor speaking " + " or ".join(mentee.languages)
    if rule == "ethnicity":
        if mentee.ethnicity == "undisclosed":
            return "required same-ethnicity mentor, but the mentee's ethnicity is undisclosed"
        return "required same-ethnicity mentor"
    if rule == "faith":
        if mentee.faith is None:
            return "required same-faith mentor, but the mentee's faith is not recorded"
        return "required same-faith mentor"
    if rule == "lived_experience":
        return "required mentor with lived experience"
    if rule == "prison_clearance":
        return f"prison clearance required: no mentor cleared for prison {mentee.prison}"
    if rule == "commitment":
        end = date.fromordinal(int(me.planned_end[0])).isoformat()
        return f"commitment cover required: no mentor available until {end}"
    if rule == "region":
        return f"same region required: no mentor in region {mentee.region}"
    if rule == "availability":
        k = config.rules.min_shared_slots
        return f"at least {k} shared availability slot{'s' if k != 1 else ''} required"
    raise AssertionError(rule)  # pragma: no cover


def rule_cascade(
    mentee: Mentee,
    mentors: Sequence[Mentor] | MentorArrays,
    config: Config | None = None,
    *,
    as_of: date,
    existing: Sequence[Existing] = (),
    mentor_records: Sequence[Mentor] | None = None,
) -> Cascade:
    """Apply every hard rule, in order, for one mentee against every mentor.

    Dense over mentors (one mentee), vectorised. Rules run in :data:`RULES` order
    with distance last, then a ``capacity`` step (a spare place and enough weekly hours,
    existing relationships counted).

    Parameters
    ----------
    mentee : Mentee
    mentors : sequence of Mentor, or their prebuilt MentorArrays
    config : Config, optional
    as_of : date
    existing : sequence of Existing
        Relationships already running; they use mentors' places and hours.
    mentor_records : sequence of Mentor, optional
        The records behind prebuilt ``mentors`` arrays, needed only with ``existing``.

    Returns
    -------
    Cascade
    """
    config = Config() if config is None else config
    me = MenteeArrays.from_records([mentee], config, as_of)
    if isinstance(mentors, MentorArrays):
        mo, records = mentors, mentor_records
    else:
        mo, records = MentorArrays.from_records(mentors, config), mentors
    n = len(mo)
    i = np.zeros(n, dtype=np.int32)
    j = np.arange(n, dtype=np.int32)
    d = haversine_km(me.lat[i], me.lon[i], me.cos_lat[i], mo.lat, mo.lon, mo.cos_lat)
    p = Pairs(me, mo, i, j, d, config)
    keys = _exclusion_keys(me, mo)
    rules = active_rules(config)
    passes = {r.name: r.test(p, keys) for r in rules}
    alive = np.ones(n, dtype=bool)
    steps: list[RuleStep] = []
    emptied_by: str | None = None
    before_empty = alive
    for r in rules:
        after = alive & passes[r.name]
        steps.append(RuleStep(r.name, r.label, int(alive.sum() - after.sum()), int(after.sum())))
        if emptied_by is None and alive.any() and not after.any():
            emptied_by, before_empty = r.name, alive
        alive = after
    feasible = alive
    if existing:
        if records is None:
            raise ParameterError(
                "The 'mentor_records' parameter of rule_cascade must be given with "
                "prebuilt mentor arrays and existing relationships, got None instead"
            )
        seats, hours = existing_load(existing, records, config)
    else:
        seats, hours = np.zeros(n, dtype=np.int32), np.zeros(n)
    need = me.support_hours[0]
    spare = (seats + 1 <= mo.capacity) & (hours + need <= mo.max_hours + 1e-9)
    available = feasible & spare
    steps.append(RuleStep("capacity", "a spare place and weekly hours",
                          int(feasible.sum() - available.sum()), int(available.sum())))  # fmt: skip
    if emptied_by is None and feasible.any() and not available.any():
        emptied_by, before_empty = "capacity", feasible
    reason = None
    if n == 0:
        reason = "no mentors to match against"
    elif emptied_by is not None:
        reason = _reason(emptied_by, mentee, me, mo, config, before_empty, passes, d, need)
    return Cascade(mentee.id, tuple(steps), emptied_by, reason, feasible, available, d)


def _reason(
    rule: str,
    mentee: Mentee,
    me: MenteeArrays,
    mo: MentorArrays,
    config: Config,
    before: Mask,
    passes: dict[str, Mask],
    d: npt.NDArray[np.float64],
    need: float,
) -> str:
    if rule == "capacity":
        k = int(before.sum())
        return (
            f"all {k} feasible mentor{'s are' if k != 1 else ' is'} full "
            f"(no spare place or {need:g} weekly hours)"
        )
    if rule == "distance":
        place = "the release area" if mentee.custody == "custody" else "the mentee's home"
        near = int(np.flatnonzero(before)[np.argmin(d[before])])
        return (
            f"no mentor within travel distance of {place} (nearest eligible "
            f"{d[near]:.0f} km; reach {mo.reach_km[near]:.0f} km)"
        )
    phrase = _rule_phrase(rule, mentee, me, config)
    in_reach = int((before & passes["distance"]).sum())
    if in_reach == 1:
        return f"{phrase}: the one mentor in reach does not meet it"
    if in_reach:
        return f"{phrase}: none of the {in_reach} mentors in reach"
    m = int(before.sum())
    left = "the one mentor left does not" if m == 1 else f"none of the {m} mentors left"
    return f"{phrase}: {left} meet it (and none is in reach either)"
