"""Feasible mentor–mentee pairs: hard rules as vectorised filters over a sparse set.

:func:`find_candidates` never builds a dense mentees × mentors matrix. Each mentor is
listed in the cells of a latitude/longitude grid its reach may touch, and each mentee
looks only at its cell's mentors, so only pairs near each other are ever looked at. The
hard rules are numpy masks over those pairs (the code-only ones as one lookup table), and
survivors are scored by one fused weighted sum that reproduces :func:`score_pairs` bit
for bit. :class:`Candidates` keeps 12 bytes per pair; criteria and distances are
recomputed on demand (``criteria_at``) with :mod:`matcher.criteria`'s scorers.

:func:`rule_cascade` evaluates the same rules for one mentee against every mentor, one
after another, to say which rule left no mentor and in plain words.
"""

from __future__ import annotations

import mmap
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import cached_property

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
    unit_vectors,
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


# --- fused rules and score ------------------------------------------------------------------


@dataclass(frozen=True)
class _Kernel:
    """Everything per round the chunk kernel needs: codes, lookup tables, term tables."""

    mentor_class: npt.NDArray[np.int32]  # per mentor
    entry_class: npt.NDArray[np.int32]  # per entry of the grid's mentor lists
    mentee_offset: npt.NDArray[np.int64]  # per mentee: class row offset into `table`
    table: npt.NDArray[np.uint8]  # bit 0 rules hold; 1, 2, 3 gender/ethnicity/lived met
    mentee_lang: npt.NDArray[np.uint64] | None  # one-word language masks, else None
    mentor_lang: npt.NDArray[np.uint64] | None
    slots_code: npt.NDArray[np.int32]  # per mentee: row of the availability table
    goals_code: npt.NDArray[np.int32]  # per mentee: goals << 8 (mentor adds specialisms)
    exp_mentee: npt.NDArray[np.int32]  # per mentee / mentor: expectations table codes
    exp_mentor: npt.NDArray[np.int32]
    first_mask: npt.NDArray[np.uint64] | None  # per mentee: bit of the first language
    until: npt.NDArray[np.int32]  # dates as int32 ordinals (exact: all below 2**31)
    start: npt.NDArray[np.int32]
    planned_end: npt.NDArray[np.int32]
    terms: dict[str, npt.NDArray[np.float64]]  # w · s for each discrete criterion code
    total: float
    weights: dict[str, float]
    inv_rank: npt.NDArray[np.int32]
    me_xyz: tuple[npt.NDArray[np.float64], ...]  # unit vectors, one array per axis
    mo_xyz: tuple[npt.NDArray[np.float64], ...]
    reach_lo: npt.NDArray[np.float64]  # reach ∓ _d_tol(reach): surely in / surely out
    reach_hi: npt.NDArray[np.float64]


_FUSED = ("mentee_gender", "mentor_gender", "risk", "ethnicity", "lived_experience",
          "language", "faith", "availability", "distance")  # fmt: skip


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
    # Exactly what score_pairs adds for a criterion: w * float64(float32 score).
    return w * s.astype(np.float64)


def _kernel(me: MenteeArrays, mo: MentorArrays, config: Config, grid: _Grid) -> _Kernel:
    weights = config.weight_vector()
    sc = config.scoring
    terms: dict[str, npt.NDArray[np.float64]] = {}
    # goals: code mentee goals << 8 | mentor specialisms (the scorer's uint8 arithmetic).
    goals, spec = np.meshgrid(np.arange(256, dtype=np.uint8), np.arange(256, dtype=np.uint8),
                              indexing="ij")  # fmt: skip
    n, cov = popcount(goals), popcount(goals & spec)
    terms["goals"] = _term(
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
    terms["expectations"] = _term(weights["expectations"], exp).reshape(-1)
    one = np.float32(1.0)
    for name in ("gender", "ethnicity", "faith", "lived_experience"):
        terms[name] = _term(weights[name], np.array([0.0, one], dtype=np.float32))
    # The class table's bits 1, 2, 3: gender, ethnicity, lived-experience wish met.
    for name, bit in (("gender", 1), ("ethnicity", 2), ("lived_experience", 3)):
        terms[name + "@tab"] = terms[name][(np.arange(16) >> bit) & 1]
    lang = np.where(np.array([False, True]), 1.0, sc.secondary_language).astype(np.float32)
    terms["language"] = _term(weights["language"], lang)
    needed, slots_code = np.unique(me.slots_needed, return_inverse=True)
    shared = np.arange(33, dtype=np.uint8)
    avail = np.minimum(1.0, shared[None, :] / needed[:, None]).astype(np.float32)
    terms["availability"] = _term(weights["availability"], avail).reshape(-1)
    # through the gate: code custody * (1 + cleared * 2 + near), 0 = community.
    ttg = np.array([1.0, 0.0, 0.5, 0.5, 1.0], dtype=np.float32)
    terms["through_the_gate"] = _term(weights["through_the_gate"], ttg)
    ttg_check = np.array([0.5 * c + 0.5 * nr for c in (False, True) for nr in (False, True)],
                         dtype=np.float32)  # fmt: skip
    assert np.array_equal(ttg[1:], ttg_check)
    mentor_class, offset, table = _class_table(me, mo)
    one_word = me.languages.shape[1] == 1 and mo.languages.shape[1] == 1
    inv_rank = np.empty(len(mo), dtype=np.int32)
    inv_rank[mo.rank] = np.arange(len(mo), dtype=np.int32)
    return _Kernel(
        mentor_class=mentor_class, entry_class=mentor_class[grid.mentors], mentee_offset=offset,
        table=table,
        mentee_lang=me.languages[:, 0].copy() if one_word else None,
        mentor_lang=mo.languages[:, 0].copy() if one_word else None,
        slots_code=slots_code.reshape(-1).astype(np.int32) * 33, terms=terms,
        goals_code=me.goals.astype(np.int32) << 8,
        until=mo.available_until.astype(np.int32), start=me.start.astype(np.int32),
        planned_end=me.planned_end.astype(np.int32),
        exp_mentee=(me.frequency.astype(np.int32) * 8 + me.modes) * 24,
        exp_mentor=mo.frequency.astype(np.int32) * 8 + mo.modes,
        first_mask=(np.where(me.first_language < 64, np.uint64(1), np.uint64(0))
                    << (me.first_language.astype(np.uint64) & np.uint64(63))) if one_word else None,
        total=sum(w for w in weights.values() if w > 0), weights=weights, inv_rank=inv_rank,
        me_xyz=tuple(np.ascontiguousarray(a) for a in unit_vectors(me.lat, me.lon).T),
        mo_xyz=tuple(np.ascontiguousarray(a) for a in mo.xyz.T),
        reach_lo=mo.reach_km - _d_tol(mo.reach_km), reach_hi=mo.reach_km + _d_tol(mo.reach_km),
    )  # fmt: skip


# --- distances: a fast chord path, exact where it matters ----------------------------------

# |chord distance − haversine_km| is below 2e-12 km on the generator's caseloads (rounding
# of unit vectors and of the two formulas, ~1e-15 of the Earth's radius); the guards below
# treat anything within this much larger tolerance as undecided and ask haversine_km.
_D_TOL_ABS = 1e-9  # km
_D_TOL_REL = 1e-12
_FAR_KM = 5000.0  # beyond (asin near 1 is ill-conditioned): always ask haversine_km
_POLY_X = 0.05  # asin by its series up to x⁹ when every half-chord is below this


def _d_tol(d: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return _D_TOL_ABS + _D_TOL_REL * d


def _chord_km(
    kern: _Kernel, i: npt.NDArray[np.int32], j: npt.NDArray[np.int32]
) -> npt.NDArray[np.float64]:
    """Great-circle distance from the chord between unit vectors: ``2R·asin(|Δ|/2)``.

    Within ``_d_tol`` of :func:`haversine_km` below ``_FAR_KM`` (not bit for bit):
    callers decide comparisons and float32 roundings with it only outside that band.
    """
    (ax, ay, az), (bx, by, bz) = kern.me_xyz, kern.mo_xyz
    x = ax[i]
    x -= bx[j]
    x *= x
    t = ay[i]
    t -= by[j]
    t *= t
    x += t
    t = az[i]
    t -= bz[j]
    t *= t
    x += t
    del t
    np.sqrt(x, out=x)
    x *= 0.5
    np.minimum(x, 1.0, out=x)
    if len(x) and float(x.max()) <= _POLY_X:
        # asin x = x + x³/6 + 3x⁵/40 + 5x⁷/112 + 35x⁹/1152 + …  (rest < 1e-14 · x here)
        x2 = x * x
        p = x2 * (35 / 1152)
        p += 5 / 112
        p *= x2
        p += 3 / 40
        p *= x2
        p += 1 / 6
        p *= x2
        p *= x
        x += p
        del p, x2
    else:
        np.arcsin(x, out=x)
    x *= 2.0 * EARTH_RADIUS_KM
    return x


def _haversine_rows(
    me: MenteeArrays,
    mo: MentorArrays,
    i: npt.NDArray[np.int32],
    j: npt.NDArray[np.int32],
) -> npt.NDArray[np.float64]:
    return haversine_km(me.lat[i], me.lon[i], me.cos_lat[i], mo.lat[j], mo.lon[j], mo.cos_lat[j])


@dataclass(frozen=True)
class _Chunk:
    counts: npt.NDArray[np.int64]  # pairs kept per mentee of the chunk
    j: npt.NDArray[np.int32]
    steps: npt.NDArray[np.uint32]


def _rows_of(counts: npt.NDArray[np.int64], flag: Mask) -> npt.NDArray[np.int64]:
    """Positions of the pairs of flagged mentees, pairs being grouped by mentee."""
    first = np.cumsum(counts) - counts
    m = np.flatnonzero(flag & (counts > 0))
    c = counts[m]
    rows = np.arange(int(c.sum()), dtype=np.int64)
    rows += np.repeat(first[m] - (np.cumsum(c) - c), c)
    return rows


def _add_except(
    acc: npt.NDArray[np.float64],
    rows: npt.NDArray[np.int64],
    default: np.float64,
    values: npt.NDArray[np.float64],
) -> None:
    """``acc += term`` where ``term`` is ``values`` at ``rows`` and ``default`` elsewhere."""
    if not len(rows):
        acc += default
        return
    at_rows = acc[rows] + values
    acc += default
    acc[rows] = at_rows


def _chunk_pairs(
    me: MenteeArrays,
    mo: MentorArrays,
    config: Config,
    grid: _Grid,
    cells: npt.NDArray[np.int64],
    kern: _Kernel,
    keys: npt.NDArray[np.int64],
    max_per_mentee: int | None,
    start: int,
    stop: int,
) -> _Chunk:
    """Feasible, scored and sorted pairs of mentees ``start:stop``.

    Pairs stay grouped by mentee throughout (mentee ``start`` first), so a rule or
    criterion that concerns few mentees only touches their pairs (:func:`_rows_of`).
    """
    n_local = stop - start
    lo, hi = grid.ptr[cells[start:stop]], grid.ptr[cells[start:stop] + 1]
    counts = hi - lo
    # 1. Every mentor listed in the mentee's cell, with the one-table rules.
    pos = np.arange(int(counts.sum()), dtype=np.int64)
    pos += np.repeat(lo - (np.cumsum(counts) - counts), counts)
    idx = np.repeat(kern.mentee_offset[start:stop], counts)
    idx += kern.entry_class[pos]
    tab = kern.table[idx]
    del idx
    sel = np.flatnonzero(tab & 1)
    i = np.repeat(np.arange(start, stop, dtype=np.int32), counts)[sel]
    j = grid.mentors[pos[sel]]
    tab = tab[sel]
    del pos, sel
    # 2. Language, availability and the rules of few mentees.
    if kern.mentee_lang is not None and kern.mentor_lang is not None:
        lang = kern.mentor_lang[j]
        ok = (kern.mentee_lang[i] & lang) != 0
    else:
        lang = None
        ok = overlap(me.languages, i, mo.languages, j)
    shared = popcount(me.slots[i] & mo.slots[j])
    need = config.rules.min_shared_slots
    if need > 0:
        ok &= shared >= need
    f_str = me.faith_strength[start:stop]
    if np.any(f_str == STRENGTH_REQUIRED):
        rows = _rows_of(np.bincount(i - start, minlength=n_local), f_str == STRENGTH_REQUIRED)
        f = me.faith[i[rows]]
        ok[rows] &= (f >= 0) & (f == mo.faith[j[rows]])
    sel = np.flatnonzero(ok)
    del ok
    i, j, tab, shared = i[sel], j[sel], tab[sel], shared[sel]
    lang = None if lang is None else lang[sel]
    # 3. Distance: the chord decides, haversine_km (as everywhere else) where it is close.
    d = _chord_km(kern, i, j)
    ok = d <= kern.reach_lo[j]
    rows = np.flatnonzero(ok ^ (d <= kern.reach_hi[j]))
    if len(d) and float(d.max()) > _FAR_KM:
        rows = np.union1d(rows, np.flatnonzero(d > _FAR_KM))
    if len(rows):
        d[rows] = _haversine_rows(me, mo, i[rows], j[rows])
        ok[rows] = d[rows] <= mo.reach_km[j[rows]]
    # 4. Rules not fused above (exclusions, and rules switched on by the config).
    nan = np.zeros(0, dtype=np.float64)
    for rule in active_rules(config):
        if rule.name in _FUSED:
            continue
        if rule.name == "excluded":
            if not len(keys):
                continue
            n_mo = len(mo)
            mine = keys[(keys >= start * n_mo) & (keys < stop * n_mo)]
            if not len(mine):
                continue
            has = np.zeros(n_local, dtype=bool)
            has[np.unique(mine // n_mo) - start] = True
            rows = _rows_of(np.bincount(i - start, minlength=n_local), has)
        else:
            rows = np.arange(len(i), dtype=np.int64)
        rows = rows[ok[rows]]
        ok[rows] = rule.test(Pairs(me, mo, i[rows], j[rows], nan, config), keys)
    sel = np.flatnonzero(ok)
    del ok
    i, j, d, tab, shared = i[sel], j[sel], d[sel], tab[sel], shared[sel]
    lang = None if lang is None else lang[sel]
    del sel
    counts = np.bincount(i - start, minlength=n_local).astype(np.int64)
    steps = _score_steps(me, mo, config, kern, i, j, d, tab, shared, lang, counts, start, stop)
    del d, tab, shared, lang
    # 5. Order: one uint64 key per pair (mentee, steps below 1, mentor rank), sorted.
    i_bits = max(int(n_local - 1).bit_length(), 1)
    r_bits = max(int(len(mo) - 1).bit_length(), 1)
    assert i_bits + r_bits + _GRID_BITS <= 64  # chunk sizes are capped accordingly
    key = (i - np.int32(start)).astype(np.uint64) << np.uint64(64 - i_bits)
    del i
    key |= steps << np.uint64(r_bits)
    del steps
    key |= mo.rank[j].astype(np.uint64)
    del j
    key.sort()
    if max_per_mentee is not None:
        first = np.cumsum(counts) - counts
        i_loc = (key >> np.uint64(64 - i_bits)).astype(np.int64)
        key = key[np.arange(len(key), dtype=np.int64) - first[i_loc] < max_per_mentee]
        counts = np.minimum(counts, max_per_mentee)
        del first, i_loc
    j_out = kern.inv_rank[(key & np.uint64((1 << r_bits) - 1)).astype(np.intp)]
    key >>= np.uint64(r_bits)
    key &= np.uint64((1 << _GRID_BITS) - 1)
    return _Chunk(counts, j_out, key.astype(np.uint32))


def _score_steps(
    me: MenteeArrays,
    mo: MentorArrays,
    config: Config,
    kern: _Kernel,
    i: npt.NDArray[np.int32],
    j: npt.NDArray[np.int32],
    d: npt.NDArray[np.float64],
    tab: npt.NDArray[np.uint8],
    shared: npt.NDArray[np.uint8],
    lang: npt.NDArray[np.uint64] | None,
    counts: npt.NDArray[np.int64],
    start: int,
    stop: int,
) -> npt.NDArray[np.uint64]:
    """``SCORE_GRID · (1 − score)`` of feasible pairs, bit for bit :func:`score_pairs`.

    One float64 accumulator; each criterion adds ``w · float64(float32 score)`` in
    registry order, exactly as :func:`score_pairs` does. Criteria taking few values are
    looked up in tables of those very terms; the others are computed with the same
    expressions as their scorers, only for the pairs where they can differ from 1.
    """
    w, T = kern.weights, kern.terms
    n = len(i)
    acc = np.zeros(n, dtype=np.float64)
    if w["goals"] > 0:
        code = kern.goals_code[i]
        code += mo.specialisms[j]
        acc += T["goals"][code]
        del code
    if w["expectations"] > 0:
        code = kern.exp_mentee[i]
        code += kern.exp_mentor[j]
        acc += T["expectations"][code]
        del code
    if w["gender"] > 0:
        acc += T["gender@tab"][tab]
    if w["ethnicity"] > 0:
        acc += T["ethnicity@tab"][tab]
    if w["faith"] > 0:
        # Only mentees with a preferred faith can score below 1.
        rows = _rows_of(counts, me.faith_strength[start:stop] == STRENGTH_PREFERRED)
        f = me.faith[i[rows]]
        met = ((f >= 0) & (f == mo.faith[j[rows]])).view(np.uint8)
        _add_except(acc, rows, T["faith"][1], T["faith"][met])
    if w["language"] > 0:
        if lang is not None and kern.first_mask is not None:
            first = ((lang & kern.first_mask[i]) != 0).view(np.uint8)
        else:
            first = has_bit(mo.languages, j, me.first_language[i]).view(np.uint8)
        acc += T["language"][first]
        del first
    if w["availability"] > 0:
        code = kern.slots_code[i]
        code += shared
        acc += T["availability"][code]
        del code
    if w["location"] > 0:
        # float32(0.5 ** (d / half)) as the scorer has it, from haversine_km's d: exp2 of the
        # chord distance rounds to the same float32 unless within the tolerance of a
        # rounding boundary; those few pairs take the scorer's own expression.
        half = config.scoring.location_half_km
        x = np.multiply(d, -1.0 / half)
        np.exp2(x, out=x)
        tol = _d_tol(d)
        tol *= np.log(2.0) / half * (1 + 1e-6)
        tol += 1e-15
        below = (x - tol).astype(np.float32)
        tol += x
        s32 = tol.astype(np.float32)
        del tol
        rows = np.flatnonzero(below != s32)
        if len(d) and float(d.max()) > _FAR_KM:
            rows = np.union1d(rows, np.flatnonzero(d > _FAR_KM))
        if len(rows):
            exact = _haversine_rows(me, mo, i[rows], j[rows])
            s32[rows] = (0.5 ** (exact / half)).astype(np.float32)
        np.multiply(s32, np.float64(w["location"]), out=x)
        acc += x
        del x, s32, below
    if w["through_the_gate"] > 0:
        # Community mentees score 1; custody: half cleared, half near the release address.
        rows = _rows_of(counts, me.custody[start:stop])
        cleared = has_bit(mo.prisons, j[rows], me.prison[i[rows]]).view(np.uint8)
        d_r = d[rows]
        area = config.scoring.release_area_km
        area_tol = _D_TOL_ABS + _D_TOL_REL * area
        near = d_r <= area - area_tol
        unsure = np.flatnonzero(near ^ (d_r <= area + area_tol))
        if len(d_r) and float(d_r.max()) > _FAR_KM:
            unsure = np.union1d(unsure, np.flatnonzero(d_r > _FAR_KM))
        if len(unsure):
            r_u = rows[unsure]
            near[unsure] = _haversine_rows(me, mo, i[r_u], j[r_u]) <= area
        near = near.view(np.uint8)
        _add_except(
            acc, rows, T["through_the_gate"][0], T["through_the_gate"][1 + cleared * 2 + near]
        )
    if w["continuity"] > 0:
        # Covered (ratio >= 1, clipped to 1) exactly when available_until >= planned_end.
        rows = np.flatnonzero(kern.until[j] < kern.planned_end[i])
        i_r = i[rows]
        st = kern.start[i_r]
        span = (kern.planned_end[i_r] - st).astype(np.float64)
        cont = np.clip((kern.until[j[rows]] - st) / span, 0.0, 1.0)
        full = _term(w["continuity"], np.ones(1, dtype=np.float32))[0]
        _add_except(acc, rows, full, _term(w["continuity"], cont.astype(np.float32)))
    if w["lived_experience"] > 0:
        acc += T["lived_experience@tab"][tab]
    acc /= kern.total
    acc *= SCORE_GRID
    np.rint(acc, out=acc)
    np.clip(acc, 0.0, SCORE_GRID, out=acc)
    return np.subtract(SCORE_GRID, acc).astype(np.uint64)


class _Sink:
    """Chunk results copied, in mentee order, into a few large blocks as they arrive.

    Each chunk's small arrays are freed at once (so the allocator reuses their memory
    instead of fragmenting the heap); the blocks are joined into the final arrays one at
    a time, each freed after its copy, so the kept pairs exist about once in memory.
    """

    BLOCK = 1 << 25

    def __init__(self, n_mentees: int) -> None:
        self.counts = np.zeros(n_mentees, dtype=np.int64)
        self.row = 0
        self.blocks: list[tuple[npt.NDArray[np.int32], npt.NDArray[np.uint32], int]] = []

    def add(self, chunk: _Chunk) -> None:
        self.counts[self.row : self.row + len(chunk.counts)] = chunk.counts
        self.row += len(chunk.counts)
        at, n = 0, len(chunk.j)
        while at < n:
            if not self.blocks or self.blocks[-1][2] == self.BLOCK:
                self.blocks.append(
                    (np.empty(self.BLOCK, np.int32), np.empty(self.BLOCK, np.uint32), 0)
                )
            j, s, used = self.blocks[-1]
            take = min(n - at, self.BLOCK - used)
            j[used : used + take] = chunk.j[at : at + take]
            s[used : used + take] = chunk.steps[at : at + take]
            self.blocks[-1] = (j, s, used + take)
            at += take

    def finish(self) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
        n = sum(used for _, _, used in self.blocks)
        mentor = np.empty(n, dtype=np.int32)
        steps = np.empty(n, dtype=np.uint32)
        at = 0
        while self.blocks:
            j, s, used = self.blocks.pop(0)
            mentor[at : at + used] = j[:used]
            steps[at : at + used] = s[:used]
            at += used
            del j, s
        return mentor, steps, self.counts


class _SharedOut:
    """The kept pairs written in place by two processes into anonymous shared mappings.

    Sized by an upper bound of the pairs (every grid entry of the mentees' cells): pages
    are committed only when written, so the bound costs address space, not memory. The
    parent writes its mentees' pairs from 0 and the child its own from ``second``; the
    child's block is then moved down behind the parent's, the unused pages are handed
    back, and the final arrays are views of the mappings (no copy).
    """

    def __init__(self, n_mentees: int, bound: int) -> None:
        self._maps = [
            mmap.mmap(-1, 8 * (n_mentees + 1)),
            mmap.mmap(-1, max(4 * bound, 1)),
            mmap.mmap(-1, max(4 * bound, 1)),
        ]
        meta = np.frombuffer(self._maps[0], dtype=np.int64)
        self.used, self.counts = meta[:1], meta[1:]
        self.j = np.frombuffer(self._maps[1], dtype=np.int32)[:bound]
        self.steps = np.frombuffer(self._maps[2], dtype=np.uint32)[:bound]

    def fill(self, chunks: Iterator[_Chunk], row: int, at: int) -> int:
        """Write the chunks' results in order from mentee ``row``, pair ``at``; the end."""
        for chunk in chunks:
            self.counts[row : row + len(chunk.counts)] = chunk.counts
            row += len(chunk.counts)
            n = len(chunk.j)
            self.j[at : at + n] = chunk.j
            self.steps[at : at + n] = chunk.steps
            at += n
        return at

    def join(
        self, n_first: int, second: int, n_second: int
    ) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
        """Move pairs ``second : second + n_second`` to ``n_first``; the final arrays."""
        step = _Sink.BLOCK
        if second != n_first:
            for lo in range(0, n_second, step):
                hi = min(n_second, lo + step)
                self.j[n_first + lo : n_first + hi] = self.j[second + lo : second + hi]
                self.steps[n_first + lo : n_first + hi] = self.steps[second + lo : second + hi]
        n = n_first + n_second
        advice = getattr(mmap, "MADV_REMOVE", None)
        if advice is not None:  # hand back the pages past the last pair
            page = mmap.PAGESIZE
            start = -(-4 * n // page) * page
            for m in self._maps[1:]:
                if len(m) > start:
                    m.madvise(advice, start, len(m) - start)
        return self.j[:n], self.steps[:n], self.counts


def _chunks(n: int, size: int, first: int = 0) -> Iterator[tuple[int, int]]:
    for start in range(first, n, size):
        yield start, min(n, start + size)


# Fork a second process when the round has at least this many grid entries to look at.
_FORK_MIN_ENTRIES = 1 << 23


def _use_fork(processes: bool | None, workers: int, entries: int) -> bool:
    if not hasattr(os, "fork") or processes is False:
        return False
    if processes:
        return True
    # Automatic: worth it for large rounds only, and never from a multithreaded process.
    return workers > 1 and entries >= _FORK_MIN_ENTRIES and threading.active_count() == 1


def _run_forked(
    run: Callable[[tuple[int, int]], _Chunk],
    n: int,
    size: int,
    work: npt.NDArray[np.int64],
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.uint32], npt.NDArray[np.int64]]:
    """Mentees split in two halves of equal work; a forked child scores the second.

    Every mentee's pairs depend on that mentee alone, so the results are those of one
    process. If the child fails, the parent scores its half itself.
    """
    cum = np.cumsum(work)
    split = min(max(int(np.searchsorted(cum, cum[-1] / 2)), 1), n)
    second = int(cum[split - 1])  # the first half's pairs fit below this
    out = _SharedOut(n, int(cum[-1]))
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; coverage does not follow forks
        code = 1
        try:
            end = out.fill((run(span) for span in _chunks(n, size, split)), split, second)
            out.used[0] = end - second
            code = 0
        finally:
            os._exit(code)
    try:
        n_first = out.fill((run(span) for span in _chunks(split, size)), 0, 0)
    finally:
        _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:  # pragma: no cover - the child died
        out.used[0] = out.fill((run(span) for span in _chunks(n, size, split)), split, second)
        out.used[0] -= second
    return out.join(n_first, second, int(out.used[0]))


def find_candidates(
    mentees: Sequence[Mentee] | MenteeArrays,
    mentors: Sequence[Mentor] | MentorArrays,
    config: Config | None = None,
    *,
    as_of: date,
    chunk_size: int = 256,
    workers: int | None = None,
    max_per_mentee: int | None = None,
    processes: bool | None = None,
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
        Mentees per chunk; bounds the memory of the pair join.
    workers : int, optional
        Threads working on chunks (numpy releases the GIL on large array operations).
        Default: ``min(2, cpu count)``.
    max_per_mentee : int, optional
        Keep only each mentee's best ``k`` pairs (score, then mentor id). Every feasible
        pair is still found and scored; this only bounds what is kept. ``None``
        (default) keeps all.
    processes : bool, optional
        Score the second half of the mentees in a forked child process (POSIX), the
        results written to shared memory: the same pairs and scores as one process.
        ``None`` (default): when ``workers > 1``, the round is large and the calling
        process runs no other thread. ``False``: threads only.

    Returns
    -------
    Candidates
    """
    config = Config() if config is None else config
    if chunk_size < 1:
        raise ParameterError(
            f"The 'chunk_size' parameter of find_candidates must be >= 1, got {chunk_size} instead"
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
    sink = _Sink(len(me))
    forked: tuple[npt.NDArray[np.int32], npt.NDArray[np.uint32], npt.NDArray[np.int64]] | None
    forked = None
    if len(me) and len(mo):
        grid = _build_grid(me, mo)
        cells = grid.cell(me.lat, me.lon)
        kern = _kernel(me, mo, config, grid)
        keys = _exclusion_keys(me, mo)
        workers = workers or min(2, os.cpu_count() or 1)
        r_bits = max(int(len(mo) - 1).bit_length(), 1)
        size = min(chunk_size, 1 << max(64 - _GRID_BITS - r_bits, 1))

        def run(span: tuple[int, int]) -> _Chunk:
            return _chunk_pairs(me, mo, config, grid, cells, kern, keys, max_per_mentee, *span)

        work = grid.ptr[cells + 1] - grid.ptr[cells]
        if len(me) > 1 and _use_fork(processes, workers, int(work.sum())):
            forked = _run_forked(run, len(me), size, work)
        elif workers > 1:
            with ThreadPoolExecutor(workers) as pool:
                for chunk in pool.map(run, _chunks(len(me), size)):
                    sink.add(chunk)
                    del chunk
        else:
            for span in _chunks(len(me), size):
                sink.add(run(span))
    mentor, steps, counts = forked if forked is not None else sink.finish()
    mentee = np.repeat(np.arange(len(me), dtype=np.int32), counts)
    return Candidates(mentee, mentor, steps, me, mo, config)


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
