"""Gender: the mentee's ``preferred`` mentor gender is met.

The evidence: matching sensitive to gender, as the mentee wishes (never imposed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

from matcher.arrays import GENDER_ANY, STRENGTH_PREFERRED, MenteeArrays, MentorArrays
from matcher.criteria.base import F32, Criterion, Pairs, contiguous, term_table
from matcher.criteria.wishes import gender_met, preference_score

if TYPE_CHECKING:
    from matcher.config import Config
    from matcher.models import Mentee

__all__ = ["CRITERION"]


def score(p: Pairs) -> F32:
    return preference_score(p, p.me.gender_strength, gender_met)


class Tables(NamedTuple):
    preferred: npt.NDArray[np.bool_]
    target: npt.NDArray[np.int32]
    gender: npt.NDArray[np.int32]
    any_gender: int
    terms: npt.NDArray[np.float64]  # [unmet, met]


def kernel_tables(me: MenteeArrays, mo: MentorArrays, config: Config, weight: float) -> Tables:
    return Tables(
        contiguous(me.gender_strength == STRENGTH_PREFERRED, np.bool_),
        contiguous(me.gender_target, np.int32),
        contiguous(mo.gender, np.int32),
        int(GENDER_ANY),
        term_table(weight, [0.0, 1.0]),
    )


def term(t: Tables, i: int, j: int, d: float) -> tuple[float, bool]:
    target = t.target[i]
    met = (not t.preferred[i]) | (target == t.any_gender) | (t.gender[j] == target)
    return t.terms[np.uint64(met)], False


def informative(mentee: Mentee) -> bool:
    return mentee.mentor_gender != "any" and mentee.mentor_gender_strength != "none"


CRITERION = Criterion(
    name="gender",
    default_weight=1.0,
    description="the mentee's preferred mentor gender is met",
    label="Mentor gender",
    short="gender",
    formula="`preferred`: 1 if the mentor's gender is the wished one (as in the rule), else 0; "
    "otherwise 1",
    score=score,
    kernel_tables=kernel_tables,
    term=term,
    informative=informative,
)
