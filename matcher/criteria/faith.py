"""Faith: the mentee's ``preferred`` same-faith mentor.

The evidence: matching sensitive to culture, as the mentee wishes (never imposed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

from matcher.arrays import STRENGTH_PREFERRED, MenteeArrays, MentorArrays
from matcher.criteria.base import F32, Criterion, Pairs, contiguous, term_table
from matcher.criteria.wishes import faith_met, preference_score

if TYPE_CHECKING:
    from matcher.config import Config
    from matcher.models import Mentee

__all__ = ["CRITERION"]


def score(p: Pairs) -> F32:
    return preference_score(p, p.me.faith_strength, faith_met)


class Tables(NamedTuple):
    preferred: npt.NDArray[np.bool_]
    mentee: npt.NDArray[np.int32]
    mentor: npt.NDArray[np.int32]
    terms: npt.NDArray[np.float64]  # [unmet, met]


def kernel_tables(me: MenteeArrays, mo: MentorArrays, config: Config, weight: float) -> Tables:
    return Tables(
        contiguous(me.faith_strength == STRENGTH_PREFERRED, np.bool_),
        contiguous(me.faith, np.int32),
        contiguous(mo.faith, np.int32),
        term_table(weight, [0.0, 1.0]),
    )


def term(t: Tables, i: int, j: int, d: float) -> tuple[float, bool]:
    f = t.mentee[i]
    met = (not t.preferred[i]) | ((f >= 0) & (f == t.mentor[j]))
    return t.terms[np.uint64(met)], False


def informative(mentee: Mentee) -> bool:
    return mentee.faith_match != "none"


CRITERION = Criterion(
    name="faith",
    default_weight=1.0,
    description="the mentee's preferred faith match is met",
    label="Same faith",
    short="faith",
    formula="`preferred`: 1 if both give the same faith, else 0; otherwise 1",
    score=score,
    kernel_tables=kernel_tables,
    term=term,
    informative=informative,
)
