"""Through the gate: a custody mentee's mentor is cleared for the prison and lives near the
release area, so the relationship can start inside and continue after release.

The evidence: relationships that start in prison and continue through the gate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

import matcher.arrays as arrays
from matcher.arrays import MenteeArrays, MentorArrays, has_bit
from matcher.criteria.base import F32, Criterion, Pairs, contiguous, term_table

if TYPE_CHECKING:
    from matcher.config import Config
    from matcher.models import Mentee

__all__ = ["CRITERION"]


def score(p: Pairs) -> F32:
    # Custody: half for prison clearance, half for living near the release address.
    out = np.ones(len(p.i), dtype=np.float32)
    rows = np.flatnonzero(p.me.custody[p.i])
    if len(rows):
        q = p.subset(rows)
        cleared = has_bit(q.mo.prisons, q.j, q.me.prison[q.i])
        near = q.distance_km <= q.config.scoring.release_area_km
        out[rows] = 0.5 * cleared + 0.5 * near
    return out


class Tables(NamedTuple):
    custody: npt.NDArray[np.bool_]
    prison: npt.NDArray[np.int32]  # the mentee's prison id
    prisons: npt.NDArray[np.uint64]  # the mentor's clearances, (n, words)
    release_km: float
    area_tol: float  # a distance this close to release_km is undecided
    active: bool
    terms: npt.NDArray[np.float64]  # code 0 community, else 1 + 2 * cleared + near


def kernel_tables(me: MenteeArrays, mo: MentorArrays, config: Config, weight: float) -> Tables:
    release = float(config.scoring.release_area_km)
    return Tables(
        contiguous(me.custody, np.bool_),
        contiguous(me.prison, np.int32),
        contiguous(mo.prisons, np.uint64),
        release,
        float(arrays.CHORD_TOL_ABS_KM + arrays.CHORD_TOL_REL * release),
        weight > 0,
        term_table(weight, [1.0, 0.0, 0.5, 0.5, 1.0]),
    )


def term(t: Tables, i: int, j: int, d: float) -> tuple[float, bool]:
    custody = t.custody[i]
    pr = t.prison[i]
    ok = (pr >= 0) & (pr < t.prisons.shape[1] * 64)
    word = (pr >> 6) if ok else 0
    bit = np.uint64(pr & 63) if ok else np.uint64(0)
    cleared = ok & (((t.prisons[j, word] >> bit) & np.uint64(1)) != 0)
    near = d <= t.release_km
    code = np.uint64(1) + np.uint64(2) * np.uint64(cleared) + np.uint64(near)
    unsure = custody & t.active & (abs(d - t.release_km) <= t.area_tol)
    return t.terms[np.uint64(custody) * code], unsure


def informative(mentee: Mentee) -> bool:
    return mentee.custody == "custody"


CRITERION = Criterion(
    name="through_the_gate",
    default_weight=2.0,
    description="custody: mentor cleared for the prison and lives near the release area",
    label="Through the gate",
    short="gate",
    formula="community mentee: 1. Custody: 0.5 × [mentor cleared for the mentee's prison] + "
    "0.5 × [d ≤ `scoring.release_area_km`] (1, 0.5 or 0)",
    parameters=("scoring.release_area_km",),
    score=score,
    kernel_tables=kernel_tables,
    term=term,
    informative=informative,
)
