"""Lived experience: the mentee's ``preferred`` mentor with lived experience.

The evidence: peer mentors with lived experience, where the mentee wishes for one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

from matcher.arrays import STRENGTH_PREFERRED, MenteeArrays, MentorArrays
from matcher.criteria.base import F32, Criterion, Pairs, contiguous, term_table
from matcher.criteria.wishes import lived_met, preference_score

if TYPE_CHECKING:
    from matcher.config import Config
    from matcher.models import Mentee

__all__ = ["CRITERION"]


def score(p: Pairs) -> F32:
    return preference_score(p, p.me.lived_strength, lived_met)


class Tables(NamedTuple):
    preferred: npt.NDArray[np.bool_]
    lived: npt.NDArray[np.bool_]
    terms: npt.NDArray[np.float64]  # [unmet, met]


def kernel_tables(me: MenteeArrays, mo: MentorArrays, config: Config, weight: float) -> Tables:
    return Tables(
        contiguous(me.lived_strength == STRENGTH_PREFERRED, np.bool_),
        contiguous(mo.lived_experience, np.bool_),
        term_table(weight, [0.0, 1.0]),
    )


def term(t: Tables, i: int, j: int, d: float) -> tuple[float, bool]:
    met = (not t.preferred[i]) | t.lived[j]
    return t.terms[np.uint64(met)], False


def informative(mentee: Mentee) -> bool:
    return mentee.lived_experience != "none"


CRITERION = Criterion(
    name="lived_experience",
    default_weight=1.0,
    description="the mentee's preference for lived experience is met",
    label="Lived experience",
    short="lived",
    formula="`preferred`: 1 if the mentor has lived experience, else 0; otherwise 1",
    score=score,
    kernel_tables=kernel_tables,
    term=term,
    informative=informative,
)
