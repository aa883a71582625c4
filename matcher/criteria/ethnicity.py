"""Ethnicity: the mentee's ``preferred`` same-ethnicity mentor.

The evidence: matching sensitive to culture and race, as the mentee wishes (never imposed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

from matcher.arrays import STRENGTH_PREFERRED, UNDISCLOSED_ETHNICITY, MenteeArrays, MentorArrays
from matcher.criteria.base import F32, Criterion, Pairs, contiguous, term_table
from matcher.criteria.wishes import ethnicity_met, preference_score

if TYPE_CHECKING:
    from matcher.config import Config
    from matcher.models import Mentee

__all__ = ["CRITERION"]


def score(p: Pairs) -> F32:
    return preference_score(p, p.me.ethnicity_strength, ethnicity_met)


class Tables(NamedTuple):
    preferred: npt.NDArray[np.bool_]
    mentee: npt.NDArray[np.int32]
    mentor: npt.NDArray[np.int32]
    undisclosed: int
    terms: npt.NDArray[np.float64]  # [unmet, met]


def kernel_tables(me: MenteeArrays, mo: MentorArrays, config: Config, weight: float) -> Tables:
    return Tables(
        contiguous(me.ethnicity_strength == STRENGTH_PREFERRED, np.bool_),
        contiguous(me.ethnicity, np.int32),
        contiguous(mo.ethnicity, np.int32),
        int(UNDISCLOSED_ETHNICITY),
        term_table(weight, [0.0, 1.0]),
    )


def term(t: Tables, i: int, j: int, d: float) -> tuple[float, bool]:
    e = t.mentee[i]
    met = (not t.preferred[i]) | ((e == t.mentor[j]) & (e != t.undisclosed))
    return t.terms[np.uint64(met)], False


def informative(mentee: Mentee) -> bool:
    return mentee.ethnicity_match != "none"


CRITERION = Criterion(
    name="ethnicity",
    default_weight=1.0,
    description="the mentee's preferred ethnicity match is met",
    label="Same ethnicity",
    short="ethnic",
    formula="`preferred`: 1 if same ethnicity and not `undisclosed`, else 0; otherwise 1",
    score=score,
    kernel_tables=kernel_tables,
    term=term,
    informative=informative,
)
