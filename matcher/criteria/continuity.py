"""Continuity: the mentor's commitment covers the planned relationship.

The evidence: relationships maintained over time, brought to a definitive end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

from matcher.arrays import MenteeArrays, MentorArrays
from matcher.criteria.base import F32, Criterion, Pairs, contiguous

if TYPE_CHECKING:
    from matcher.config import Config

__all__ = ["CRITERION"]


def score(p: Pairs) -> F32:
    # Share of the planned span [start, planned_end] the mentor's commitment covers.
    start = p.me.start[p.i]
    span = (p.me.planned_end[p.i] - start).astype(np.float64)
    covered = (p.mo.available_until[p.j] - start) / span
    return np.clip(covered, 0.0, 1.0).astype(np.float32)


class Tables(NamedTuple):
    weight: float
    start: npt.NDArray[np.int64]
    planned_end: npt.NDArray[np.int64]
    until: npt.NDArray[np.int64]


def kernel_tables(me: MenteeArrays, mo: MentorArrays, config: Config, weight: float) -> Tables:
    return Tables(
        float(max(weight, 0.0)),
        contiguous(me.start, np.int64),
        contiguous(me.planned_end, np.int64),
        contiguous(mo.available_until, np.int64),
    )


def term(t: Tables, i: int, j: int, d: float) -> tuple[float, bool]:
    start = t.start[i]
    c = np.float64(t.until[j] - start) / np.float64(t.planned_end[i] - start)
    clipped = 0.0 if c < 0.0 else (1.0 if c > 1.0 else c)  # np.clip, without a call
    return t.weight * np.float64(np.float32(clipped)), False


CRITERION = Criterion(
    name="continuity",
    default_weight=1.0,
    description="mentor's commitment covers the planned relationship",
    label="Commitment",
    short="contin",
    formula="`available_until` empty: 1; else clip((available_until − start) / "
    "(planned_end − start), 0, 1), in days",
    parameters=("objective.relationship_months",),
    score=score,
    kernel_tables=kernel_tables,
    term=term,
)
