"""The scoring criteria: one module each, and the one registry of them.

:data:`CRITERIA` lists every criterion in registry order, the order in which a pair's
weighted sum is added up. The config's ``[weights]`` fields, the output columns, the docs
tables (:func:`criteria_reference`), the report's and explanations' labels and the compiled
candidate pass all derive from it. To add a criterion, write a module like
:mod:`matcher.criteria.goals` and list its ``CRITERION`` here (see CONTRIBUTING.md).

:func:`score_pairs` is the reference path: it scores a batch of pairs with every
criterion's numpy scorer and combines them as ``Σ w·s / Σ w``. The compiled pass gives the
same scores bit for bit (a contract test checks every registered criterion).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from matcher.criteria import (
    availability,
    continuity,
    ethnicity,
    expectations,
    faith,
    gender,
    goals,
    language,
    lived_experience,
    location,
    through_the_gate,
)
from matcher.criteria.base import F32, Criterion, Pairs
from matcher.criteria.wishes import ethnicity_met, faith_met, gender_met, lived_met
from matcher.models import Mentee

__all__ = [
    "CRITERIA",
    "CRITERION_NAMES",
    "SCORE_GRID",
    "Criterion",
    "Pairs",
    "combine_scores",
    "criteria_reference",
    "criterion",
    "ethnicity_met",
    "faith_met",
    "gender_met",
    "informative",
    "lived_met",
    "score_pairs",
]

#: Every criterion, in registry order.
CRITERIA: tuple[Criterion, ...] = (
    goals.CRITERION,
    expectations.CRITERION,
    gender.CRITERION,
    ethnicity.CRITERION,
    faith.CRITERION,
    language.CRITERION,
    availability.CRITERION,
    location.CRITERION,
    through_the_gate.CRITERION,
    continuity.CRITERION,
    lived_experience.CRITERION,
)
CRITERION_NAMES: tuple[str, ...] = tuple(c.name for c in CRITERIA)
_BY_NAME = {c.name: c for c in CRITERIA}

#: Scores are multiples of 1 / SCORE_GRID (about 1e-9): invisible in any output, and it
#: makes "score descending, then mentor id" an exact integer order (``matcher.candidates``).
SCORE_GRID = 2**30


def criterion(name: str) -> Criterion:
    """The registered criterion called ``name``."""
    return _BY_NAME[name]


def score_pairs(p: Pairs) -> tuple[npt.NDArray[np.float64], dict[str, F32]]:
    """Score a batch of pairs with the reference scorers.

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
    n = len(p.i)
    out: dict[str, F32] = {
        c.name: c.score(p) if weights[c.name] > 0 else np.broadcast_to(np.float32(np.nan), (n,))
        for c in CRITERIA
    }
    return combine_scores(weights, out, n), out


def combine_scores(
    weights: Mapping[str, float], scores: Mapping[str, F32], n: int
) -> npt.NDArray[np.float64]:
    """The weighted score ``Σ w·s / Σ w`` of criterion scores, as :func:`score_pairs` gives it.

    The one place the criteria are combined: :func:`score_pairs` calls it, and so does
    rescoring stored criterion scores with other weights (:mod:`matcher.tuning`), so both
    give the same bits.

    Parameters
    ----------
    weights : mapping of str to float
        Weight per criterion name (every registered criterion).
    scores : mapping of str to ndarray of float32
        Each criterion's scores; read only for criteria of weight > 0.
    n : int
        Number of pairs.
    """
    total = sum(w for w in weights.values() if w > 0)
    acc = np.zeros(n, dtype=np.float64)
    for c in CRITERIA:
        w = weights[c.name]
        if w > 0:
            # Summed in registry order, element by element: a pair's score does not
            # depend on which other pairs share its batch.
            acc += w * scores[c.name].astype(np.float64)
    acc /= total
    # Round to the score grid (~1e-9): an exact order for ties, and the weighted mean of
    # values in [0, 1] stays in [0, 1] whatever the float rounding.
    np.rint(acc * SCORE_GRID, out=acc)
    acc /= SCORE_GRID
    np.clip(acc, 0.0, 1.0, out=acc)
    return acc


def informative(mentee: Mentee, name: str) -> bool:
    """Whether a criterion says something about this mentee (not a "no preference" 1)."""
    return _BY_NAME[name].informative(mentee)


def criteria_reference() -> str:
    """The docs' table of criteria (Markdown), generated from the registry."""
    lines = [
        "| criterion | default weight | score | config parameters |",
        "|---|---|---|---|",
    ]
    for c in CRITERIA:
        params = ", ".join(f"`{k}`" for k in c.parameters) or "-"
        lines.append(f"| `{c.name}` | {c.default_weight:g} | {c.formula} | {params} |")
    return "\n".join(lines) + "\n"
