"""Availability: shared weekly slots against what the contact frequency needs.

The evidence: shared expectations, and relationships that can actually meet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

from matcher.arrays import MenteeArrays, MentorArrays, popcount
from matcher.criteria.base import F32, Criterion, Pairs, contiguous, term_table

if TYPE_CHECKING:
    from matcher.config import Config

__all__ = ["CRITERION"]


def score(p: Pairs) -> F32:
    shared = popcount(p.me.slots[p.i] & p.mo.slots[p.j])
    return np.minimum(1.0, shared / p.me.slots_needed[p.i]).astype(np.float32)


class Tables(NamedTuple):
    mentee_slots: npt.NDArray[np.uint32]
    mentor_slots: npt.NDArray[np.uint32]
    mentee: npt.NDArray[np.uint64]  # row of the mentee's slots needed in `terms`, times 33
    terms: npt.NDArray[np.float64]  # by row + shared slots (0 ..= 32)


def kernel_tables(me: MenteeArrays, mo: MentorArrays, config: Config, weight: float) -> Tables:
    needed, code = np.unique(me.slots_needed, return_inverse=True)
    s = np.minimum(1.0, np.arange(33)[None, :] / needed[:, None]).astype(np.float32)
    return Tables(
        contiguous(me.slots, np.uint32),
        contiguous(mo.slots, np.uint32),
        contiguous(code.reshape(-1) * 33, np.uint64),
        term_table(weight, s),
    )


def term(t: Tables, i: int, j: int, d: float) -> tuple[float, bool]:
    # popcount of the shared slots, as 32-bit SWAR (numba compiles no helper call here)
    x = np.uint32(t.mentee_slots[i] & t.mentor_slots[j])
    x = x - ((x >> 1) & 0x55555555)
    x = (x & 0x33333333) + ((x >> 2) & 0x33333333)
    x = (x + (x >> 4)) & 0x0F0F0F0F
    shared = np.uint64(((x * 0x01010101) & 0xFFFFFFFF) >> 24)
    return t.terms[t.mentee[i] + shared], False


CRITERION = Criterion(
    name="availability",
    default_weight=1.0,
    description="shared weekly slots against what the frequency needs",
    label="Shared availability",
    short="avail",
    formula="min(1, shared slots / `scoring.slots_<mentee frequency>`)",
    parameters=("scoring.slots_weekly", "scoring.slots_fortnightly", "scoring.slots_monthly"),
    score=score,
    kernel_tables=kernel_tables,
    term=term,
)
