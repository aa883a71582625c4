"""Goals: the share of the mentee's goals the mentor's specialisms cover.

The evidence: agreed goals from the outset, and mentors with the skills to meet the needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

from matcher.arrays import MenteeArrays, MentorArrays, popcount
from matcher.criteria.base import F32, Criterion, Pairs, contiguous, term_table

if TYPE_CHECKING:
    from matcher.config import Config
    from matcher.models import Mentee

__all__ = ["CRITERION"]


def score(p: Pairs) -> F32:
    # Share of the mentee's goals among the mentor's specialisms; no goals = 1.
    n = p.me.n_goals[p.i]
    covered = popcount(p.me.goals[p.i] & p.mo.specialisms[p.j])
    return np.where(n == 0, 1.0, covered / np.maximum(n, 1)).astype(np.float32)


class Tables(NamedTuple):
    mentee: npt.NDArray[np.uint64]  # goal bits << 8
    mentor: npt.NDArray[np.uint64]  # specialism bits
    terms: npt.NDArray[np.float64]  # by mentee code + mentor code


def kernel_tables(me: MenteeArrays, mo: MentorArrays, config: Config, weight: float) -> Tables:
    goals, spec = np.meshgrid(
        np.arange(256, dtype=np.uint8), np.arange(256, dtype=np.uint8), indexing="ij"
    )
    n, cov = popcount(goals), popcount(goals & spec)
    s = np.where(n == 0, 1.0, cov / np.maximum(n, 1)).astype(np.float32)
    return Tables(
        contiguous(me.goals.astype(np.uint64) << np.uint64(8), np.uint64),
        contiguous(mo.specialisms, np.uint64),
        term_table(weight, s),
    )


def term(t: Tables, i: int, j: int, d: float) -> tuple[float, bool]:
    return t.terms[t.mentee[i] + t.mentor[j]], False


def informative(mentee: Mentee) -> bool:
    return bool(mentee.goals)


CRITERION = Criterion(
    name="goals",
    default_weight=3.0,
    description="share of the mentee's goals covered by the mentor's specialisms",
    label="Shared goals",
    short="goals",
    formula="\\|goals ∩ specialisms\\| / \\|goals\\|; no goals = 1",
    score=score,
    kernel_tables=kernel_tables,
    term=term,
    informative=informative,
)
