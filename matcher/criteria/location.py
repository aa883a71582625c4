"""Location: distance decay within the mentor's reach.

The score halves every ``scoring.location_half_km``. The compiled term computes it from the
chord distance with ``exp2``; a pair whose float32 score that cannot settle is handed to the
reference scorer (``unsure``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

import matcher.arrays as arrays
from matcher.arrays import MenteeArrays, MentorArrays
from matcher.criteria.base import F32, Criterion, Pairs

if TYPE_CHECKING:
    from matcher.config import Config

__all__ = ["CRITERION"]


def score(p: Pairs) -> F32:
    return (0.5 ** (p.distance_km / p.config.scoring.location_half_km)).astype(np.float32)


class Tables(NamedTuple):
    weight: float
    neg_inv_half: float  # -1 / half distance
    ln2_half: float  # d score / d km bound, with headroom
    tol_abs: float
    tol_rel: float


def kernel_tables(me: MenteeArrays, mo: MentorArrays, config: Config, weight: float) -> Tables:
    half = float(config.scoring.location_half_km)
    return Tables(
        float(weight), -1.0 / half, math.log(2.0) / half * (1 + 1e-6),
        float(arrays.CHORD_TOL_ABS_KM), float(arrays.CHORD_TOL_REL),
    )  # fmt: skip


def term(t: Tables, i: int, j: int, d: float) -> tuple[float, bool]:
    if t.weight > 0:
        s = np.exp2(d * t.neg_inv_half)
        # The chord distance is within tol of haversine_km: the score within tol * slope.
        tol = (t.tol_abs + t.tol_rel * d) * t.ln2_half + 1e-15
        s32 = np.float32(s + tol)
        return np.float64(s32) * t.weight, np.float32(s - tol) != s32
    return 0.0, False


CRITERION = Criterion(
    name="location",
    default_weight=1.0,
    description="distance decay within the mentor's reach",
    label="Distance",
    short="locat",
    formula="0.5 ^ (d / `scoring.location_half_km`), d the pair's distance in km",
    parameters=("scoring.location_half_km",),
    score=score,
    kernel_tables=kernel_tables,
    term=term,
    own_loop=True,  # exp2 is a call
)
