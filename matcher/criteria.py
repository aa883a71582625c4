"""The scoring criteria, vectorised over candidate pairs.

One function per criterion of the registry (:data:`matcher.registry.CRITERIA`), each
mapping a batch of pairs to scores in [0, 1] (``float32``), where "no preference" is 1.
:func:`score_pairs` combines them as ``Σ w·s / Σ w`` with the config's weights.
Formulas are documented in ``docs/scoring.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.arrays import (
    GENDER_ANY,
    STRENGTH_PREFERRED,
    UNDISCLOSED_ETHNICITY,
    MenteeArrays,
    MentorArrays,
    has_bit,
    popcount,
)
from matcher.config import Config
from matcher.models import Mentee
from matcher.registry import CRITERION_NAMES

__all__ = [
    "SCORERS",
    "SCORE_GRID",
    "Pairs",
    "ethnicity_met",
    "faith_met",
    "gender_met",
    "informative",
    "score_pairs",
]

F32 = npt.NDArray[np.float32]
#: Scores are multiples of 1 / SCORE_GRID (about 1e-9): invisible in any output, and it
#: makes "score descending, then mentor id" an exact integer order (``matcher.candidates``).
SCORE_GRID = 2**30
IntArray = npt.NDArray[np.integer]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Pairs:
    """A batch of (mentee, mentor) pairs: indices into the two arrays and their distance.

    Attributes
    ----------
    me, mo : MenteeArrays, MentorArrays
    i, j : ndarray of int
        Mentee and mentor row of each pair.
    distance_km : ndarray of float64
        Haversine distance of each pair.
    config : Config
    """

    me: MenteeArrays
    mo: MentorArrays
    i: IntArray
    j: IntArray
    distance_km: npt.NDArray[np.float64]
    config: Config

    def subset(self, rows: npt.NDArray[np.integer]) -> Pairs:
        """The pairs at positions ``rows``."""
        d = self.distance_km[rows] if len(self.distance_km) else self.distance_km
        return Pairs(self.me, self.mo, self.i[rows], self.j[rows], d, self.config)


# --- match tests shared by the hard rules and the criteria -------------------------------


def gender_met(p: Pairs) -> npt.NDArray[np.bool_]:
    """The mentor's gender is the one the mentee wishes for ('any' is always met)."""
    target = p.me.gender_target[p.i]
    return (target == GENDER_ANY) | (p.mo.gender[p.j] == target)


def ethnicity_met(p: Pairs) -> npt.NDArray[np.bool_]:
    """Same ethnicity; never met by ``undisclosed``."""
    e = p.me.ethnicity[p.i]
    return (e == p.mo.ethnicity[p.j]) & (e != UNDISCLOSED_ETHNICITY)


def faith_met(p: Pairs) -> npt.NDArray[np.bool_]:
    """Same faith; never met when either gives none."""
    f = p.me.faith[p.i]
    return (f >= 0) & (f == p.mo.faith[p.j])


def _preference(p: Pairs, strength: npt.NDArray[np.int8], met: Callable[[Pairs], Mask]) -> F32:
    # Only a `preferred` wish can be unmet here: `required` ones are hard rules (so met),
    # and "none" counts as fully met. Only pairs with a preferred wish are tested.
    out = np.ones(len(p.i), dtype=np.float32)
    rows = np.flatnonzero(strength[p.i] == STRENGTH_PREFERRED)
    if len(rows):
        out[rows] = met(p.subset(rows))
    return out


# --- criteria ----------------------------------------------------------------------------


def _goals(p: Pairs) -> F32:
    # Share of the mentee's goals among the mentor's specialisms; no goals = 1.
    n = p.me.n_goals[p.i]
    covered = popcount(p.me.goals[p.i] & p.mo.specialisms[p.j])
    return np.where(n == 0, 1.0, covered / np.maximum(n, 1)).astype(np.float32)


def _expectations(p: Pairs) -> F32:
    # Mean of a frequency part (shortfall ** steps short) and the share of modes offered.
    short = np.maximum(p.me.frequency[p.i] - p.mo.frequency[p.j], 0)
    freq = np.float64(p.config.scoring.frequency_shortfall) ** short
    modes = popcount(p.me.modes[p.i] & p.mo.modes[p.j]) / p.me.n_modes[p.i]
    return (0.5 * (freq + modes)).astype(np.float32)


def _gender(p: Pairs) -> F32:
    return _preference(p, p.me.gender_strength, gender_met)


def _ethnicity(p: Pairs) -> F32:
    return _preference(p, p.me.ethnicity_strength, ethnicity_met)


def _faith(p: Pairs) -> F32:
    return _preference(p, p.me.faith_strength, faith_met)


def _language(p: Pairs) -> F32:
    # A shared language is a hard rule; the criterion asks whether it is the preferred one.
    first = has_bit(p.mo.languages, p.j, p.me.first_language[p.i])
    return np.where(first, 1.0, p.config.scoring.secondary_language).astype(np.float32)


def _availability(p: Pairs) -> F32:
    shared = popcount(p.me.slots[p.i] & p.mo.slots[p.j])
    return np.minimum(1.0, shared / p.me.slots_needed[p.i]).astype(np.float32)


def _location(p: Pairs) -> F32:
    return (0.5 ** (p.distance_km / p.config.scoring.location_half_km)).astype(np.float32)


def _through_the_gate(p: Pairs) -> F32:
    # Custody: half for prison clearance, half for living near the release address.
    out = np.ones(len(p.i), dtype=np.float32)
    rows = np.flatnonzero(p.me.custody[p.i])
    if len(rows):
        q = p.subset(rows)
        cleared = has_bit(q.mo.prisons, q.j, q.me.prison[q.i])
        near = q.distance_km <= q.config.scoring.release_area_km
        out[rows] = 0.5 * cleared + 0.5 * near
    return out


def _continuity(p: Pairs) -> F32:
    # Share of the planned span [start, planned_end] the mentor's commitment covers.
    start = p.me.start[p.i]
    span = (p.me.planned_end[p.i] - start).astype(np.float64)
    covered = (p.mo.available_until[p.j] - start) / span
    return np.clip(covered, 0.0, 1.0).astype(np.float32)


def _lived_experience(p: Pairs) -> F32:
    return _preference(p, p.me.lived_strength, lambda q: q.mo.lived_experience[q.j])


#: Criterion name → vectorised scorer, in registry order.
SCORERS: dict[str, Callable[[Pairs], F32]] = {
    "goals": _goals,
    "expectations": _expectations,
    "gender": _gender,
    "ethnicity": _ethnicity,
    "faith": _faith,
    "language": _language,
    "availability": _availability,
    "location": _location,
    "through_the_gate": _through_the_gate,
    "continuity": _continuity,
    "lived_experience": _lived_experience,
}
assert tuple(SCORERS) == CRITERION_NAMES, "criteria must follow the registry"


def score_pairs(p: Pairs) -> tuple[npt.NDArray[np.float64], dict[str, F32]]:
    """Score a batch of pairs.

    Parameters
    ----------
    p : Pairs
        The pairs (assumed feasible: required wishes met, a language shared).

    Returns
    -------
    score : ndarray of float64
        ``Σ w·s / Σ w`` over criteria with weight > 0, in registry order, rounded to
        a multiple of ``1 / SCORE_GRID``.
    criteria : dict of str to ndarray of float32
        Each criterion's scores, registry order. A criterion with weight 0 is not
        computed: its entry is a read-only all-NaN array (a broadcast, no memory).
    """
    weights = p.config.weight_vector()
    total = sum(w for w in weights.values() if w > 0)
    n = len(p.i)
    acc = np.zeros(n, dtype=np.float64)
    criteria: dict[str, F32] = {}
    for name, w in weights.items():
        if w > 0:
            s = SCORERS[name](p)
            # Summed in registry order, element by element: a pair's score does not
            # depend on which other pairs share its batch.
            acc += w * s.astype(np.float64)
            criteria[name] = s
        else:
            criteria[name] = np.broadcast_to(np.float32(np.nan), (n,))
    acc /= total
    # Round to the score grid (~1e-9): an exact order for ties, and the weighted mean of
    # values in [0, 1] stays in [0, 1] whatever the float rounding.
    np.rint(acc * SCORE_GRID, out=acc)
    acc /= SCORE_GRID
    np.clip(acc, 0.0, 1.0, out=acc)
    return acc, criteria


def informative(mentee: Mentee, name: str) -> bool:
    """Whether a criterion says something about this mentee (not a "no preference" 1)."""
    wish = {
        "gender": mentee.mentor_gender_strength,
        "ethnicity": mentee.ethnicity_match,
        "faith": mentee.faith_match,
        "lived_experience": mentee.lived_experience,
    }
    if name in wish:
        if name == "gender" and mentee.mentor_gender == "any":
            return False
        return wish[name] != "none"
    if name == "goals":
        return bool(mentee.goals)
    if name == "through_the_gate":
        return mentee.custody == "custody"
    return True
