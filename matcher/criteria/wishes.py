"""Match tests on the mentee's wishes, shared by the hard rules and the criteria.

A ``required`` wish is a hard rule (:mod:`matcher.candidates.rules`); a ``preferred`` one is
scored (the gender, ethnicity, faith and lived-experience criteria). Both use these tests,
so a rule and its criterion never disagree on what "met" means.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from matcher.arrays import GENDER_ANY, STRENGTH_PREFERRED, UNDISCLOSED_ETHNICITY
from matcher.criteria.base import F32, Pairs

__all__ = ["ethnicity_met", "faith_met", "gender_met", "lived_met", "preference_score"]

Mask = npt.NDArray[np.bool_]


def gender_met(p: Pairs) -> Mask:
    """The mentor's gender is the one the mentee wishes for ('any' is always met)."""
    target = p.me.gender_target[p.i]
    return (target == GENDER_ANY) | (p.mo.gender[p.j] == target)


def ethnicity_met(p: Pairs) -> Mask:
    """Same ethnicity; never met by ``undisclosed``."""
    e = p.me.ethnicity[p.i]
    return (e == p.mo.ethnicity[p.j]) & (e != UNDISCLOSED_ETHNICITY)


def faith_met(p: Pairs) -> Mask:
    """Same faith; never met when either gives none."""
    f = p.me.faith[p.i]
    return (f >= 0) & (f == p.mo.faith[p.j])


def lived_met(p: Pairs) -> Mask:
    """The mentor has lived experience."""
    return p.mo.lived_experience[p.j]


def preference_score(p: Pairs, strength: npt.NDArray[np.int8], met: Callable[[Pairs], Mask]) -> F32:
    """1 where a ``preferred`` wish is met or there is no preferred wish, else 0.

    Only a ``preferred`` wish can be unmet here: ``required`` ones are hard rules (so met
    on a feasible pair), and "none" counts as fully met. Only pairs with a preferred wish
    are tested.
    """
    out = np.ones(len(p.i), dtype=np.float32)
    rows = np.flatnonzero(strength[p.i] == STRENGTH_PREFERRED)
    if len(rows):
        out[rows] = met(p.subset(rows))
    return out
