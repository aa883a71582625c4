"""The compiled pass's arguments: named tuples of arrays and numbers, built once per round.

:func:`kernel_args` turns a round's arrays, grid and config into the grid, rule, distance
and score arguments of :func:`matcher.candidates.kernel.chunk_keys`, and each registered
criterion's own kernel tables (its ``kernel_tables``), in registry order. One dtype and
layout per field, so the pass compiles once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

import matcher.arrays as arrays
from matcher.arrays import (
    EARTH_RADIUS_KM,
    GENDER_ANY,
    STRENGTH_REQUIRED,
    UNDISCLOSED_ETHNICITY,
    MenteeArrays,
    MentorArrays,
)
from matcher.candidates.grid import Grid
from matcher.criteria import CRITERIA, SCORE_GRID
from matcher.criteria.base import contiguous as _c
from matcher.vocab import ETHNICITIES, GENDERS

if TYPE_CHECKING:
    from matcher.config import Config

__all__ = [
    "FAR_KM",
    "DistanceArgs",
    "GridArgs",
    "KernelArgs",
    "RuleArgs",
    "ScoreArgs",
    "class_table",
    "kernel_args",
]

FAR_KM = 5000.0  # beyond (asin near 1 is ill-conditioned): always ask haversine_km
_POLY_X = 0.05  # asin by its series up to x⁹ for half-chords below this


class GridArgs(NamedTuple):
    ptr: npt.NDArray[np.int64]  # cell c's entries: ptr[c]:ptr[c + 1]
    mentors: npt.NDArray[np.uint64]  # the mentor of each entry
    entry_class: npt.NDArray[np.int32]  # the class (see class_table) of each entry's mentor


class RuleArgs(NamedTuple):
    mentee_offset: npt.NDArray[np.int64]  # each mentee's row in `table`
    table: npt.NDArray[np.uint8]  # the five code-only rules' verdict per class pair
    me_lang: npt.NDArray[np.uint64]
    mo_lang: npt.NDArray[np.uint64]
    me_slots: npt.NDArray[np.uint32]
    mo_slots: npt.NDArray[np.uint32]
    min_slots: int
    me_faith_strength: npt.NDArray[np.int8]
    me_faith: npt.NDArray[np.int32]
    mo_faith: npt.NDArray[np.int32]
    required: int  # the strength code of `required`
    rule_prison: bool
    rule_commitment: bool
    rule_region: bool
    custody: npt.NDArray[np.bool_]
    me_prison: npt.NDArray[np.int32]
    mo_prisons: npt.NDArray[np.uint64]
    until: npt.NDArray[np.int64]
    planned_end: npt.NDArray[np.int64]
    me_region: npt.NDArray[np.int32]
    mo_region: npt.NDArray[np.int32]
    excl_ptr: npt.NDArray[np.int64]  # mentee i's excluded mentors: excl[ptr[i]:ptr[i + 1]]
    excl: npt.NDArray[np.uint64]


class DistanceArgs(NamedTuple):
    me_xyz: npt.NDArray[np.float64]
    mo_xyz: npt.NDArray[np.float64]
    two_r: float  # 2 × Earth's radius, km
    reach_lo: npt.NDArray[np.float64]  # reach − tolerance: beyond it a pair is undecided
    reach_hi: npt.NDArray[np.float64]  # reach + tolerance: beyond it a pair is out
    far_km: float
    poly_x: float


class ScoreArgs(NamedTuple):
    total: float  # Σ weights > 0
    grid: float  # SCORE_GRID
    rank: npt.NDArray[np.int32]  # each mentor's position in id order
    i_shift: int
    r_bits: int


class KernelArgs(NamedTuple):
    g: GridArgs
    r: RuleArgs
    dist: DistanceArgs
    s: ScoreArgs
    terms: tuple[Any, ...]  # each criterion's kernel tables, registry order


def class_table(
    me: MenteeArrays, mo: MentorArrays
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int64], npt.NDArray[np.uint8]]:
    """The five rules that depend only on a few small codes, as one lookup table.

    A mentor's class packs (gender, own mentee-gender requirement, ethnicity, lived
    experience, max risk); a mentee's packs the matching wishes. ``table[mentee offset +
    mentor class]`` is 1 where the rules mentee_gender, mentor_gender, risk, ethnicity and
    lived_experience all hold, evaluated once per (mentee class, mentor class) with the
    same tests as :data:`matcher.candidates.rules.RULES` (a contract test checks it).
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
    table = np.ascontiguousarray(
        np.broadcast_to(ok.astype(np.uint8), (len(uniq), ng, ng + 1, ne, 2, nr))
    )
    offset = inverse.reshape(-1).astype(np.int64) * n_mc
    return mentor_class, offset, table.reshape(-1)


def kernel_args(
    me: MenteeArrays,
    mo: MentorArrays,
    config: Config,
    grid: Grid,
    exclusions: tuple[npt.NDArray[np.int64], npt.NDArray[np.integer]],
    *,
    i_shift: int,
    r_bits: int,
) -> KernelArgs:
    """The round's arguments of :func:`matcher.candidates.kernel.chunk_keys`.

    ``mo`` is in the pass's mentor numbering; ``exclusions`` are CSR per mentee in it.
    """
    weights = config.weight_vector()
    rules = config.rules
    mentor_class, offset, table = class_table(me, mo)
    excl_ptr, excl = exclusions
    # The tolerance matters below FAR_KM only (beyond, every pair is decided exactly);
    # capped so that an infinite reach keeps infinite bounds.
    tol = arrays.CHORD_TOL_ABS_KM + arrays.CHORD_TOL_REL * np.minimum(mo.reach_km, FAR_KM)
    g = GridArgs(_c(grid.ptr, np.int64), _c(grid.mentors, np.uint64),
                 _c(mentor_class[grid.mentors], np.int32))  # fmt: skip
    r = RuleArgs(
        mentee_offset=_c(offset, np.int64), table=_c(table, np.uint8),
        me_lang=_c(me.languages, np.uint64), mo_lang=_c(mo.languages, np.uint64),
        me_slots=_c(me.slots, np.uint32), mo_slots=_c(mo.slots, np.uint32),
        min_slots=int(rules.min_shared_slots),
        me_faith_strength=_c(me.faith_strength, np.int8), me_faith=_c(me.faith, np.int32),
        mo_faith=_c(mo.faith, np.int32), required=int(STRENGTH_REQUIRED),
        rule_prison=bool(rules.require_prison_clearance),
        rule_commitment=bool(rules.require_commitment_cover), rule_region=bool(rules.same_region),
        custody=_c(me.custody, np.bool_), me_prison=_c(me.prison, np.int32),
        mo_prisons=_c(mo.prisons, np.uint64), until=_c(mo.available_until, np.int64),
        planned_end=_c(me.planned_end, np.int64),
        me_region=_c(me.region, np.int32), mo_region=_c(mo.region, np.int32),
        excl_ptr=_c(excl_ptr, np.int64), excl=_c(excl, np.uint64),
    )  # fmt: skip
    dist = DistanceArgs(
        _c(me.xyz, np.float64), _c(mo.xyz, np.float64), 2.0 * EARTH_RADIUS_KM,
        _c(mo.reach_km - tol, np.float64), _c(mo.reach_km + tol, np.float64),
        float(FAR_KM), float(_POLY_X),
    )  # fmt: skip
    s = ScoreArgs(float(sum(w for w in weights.values() if w > 0)), float(SCORE_GRID),
                  _c(mo.rank, np.int32), int(i_shift), int(r_bits))  # fmt: skip
    terms = tuple(c.kernel_tables(me, mo, config, max(weights[c.name], 0.0)) for c in CRITERIA)
    return KernelArgs(g, r, dist, s, terms)
