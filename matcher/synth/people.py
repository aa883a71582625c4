"""Traits drawn the same way for mentees and mentors: age, ethnicity and faith, languages.

Each draw takes its probabilities from the caller (mentees and mentors are calibrated
differently, :mod:`matcher.synth.calibration`) and consumes the generator in a fixed order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from matcher.synth.calibration import (
    ETH_FAITH_AFFINITY,
    FAITHS,
    LANGUAGE_ORDER_P,
    LANGUAGES,
    OTHER_LANGUAGE,
    WELSH_ORDER_P,
    WELSH_SPEAKERS_IN_WALES,
)
from matcher.synth.draws import FloatArray, IntArray, StrArray, draw, draw_by, ipf, probs
from matcher.synth.places import REGION_INDEX
from matcher.vocab import CONTACT_MODES, ETHNICITIES

__all__ = ["ages", "ethnicity_faith", "language_cells", "mode_probs"]


def ethnicity_faith(
    rng: np.random.Generator, n: int, eth_p: FloatArray, faith_p: FloatArray
) -> tuple[IntArray, IntArray]:
    """Ethnic group and faith indices drawn jointly with the given marginals.

    The affinity table :data:`~matcher.synth.calibration.ETH_FAITH_AFFINITY` is rescaled
    by iterative proportional fitting to ``eth_p`` (ETHNICITIES order) and ``faith_p``
    (FAITHS order).
    """
    affinity = np.array([ETH_FAITH_AFFINITY[e] for e in ETHNICITIES])
    joint = ipf(affinity, eth_p, faith_p).ravel()
    cell = draw(rng, n, joint)
    return cell // len(FAITHS), cell % len(FAITHS)


def ages(rng: np.random.Generator, n: int, bands: Sequence[tuple[int, int, float]]) -> IntArray:
    """Whole-year ages: a band ``(low, high, weight)`` by weight, then uniform within it."""
    band = draw(rng, n, np.array([b[2] for b in bands]))
    lo = np.array([b[0] for b in bands])[band]
    hi = np.array([b[1] for b in bands])[band]
    return lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)


def language_cells(
    rng: np.random.Generator, eth: IntArray, region: IntArray, mentor: bool
) -> StrArray:
    """The ``languages`` cell: English, and for some a second language (first or only).

    Rates by ethnic group (:data:`~matcher.synth.calibration.OTHER_LANGUAGE`), Welsh for
    some people in Wales. Mentors always list English first.
    """
    n = len(eth)
    p_other = np.array([OTHER_LANGUAGE[e][0] for e in ETHNICITIES])
    which = np.array([probs(OTHER_LANGUAGE[e][1], LANGUAGES) for e in ETHNICITIES])
    if mentor:  # volunteers: all speak English; a few more speak a community language
        p_other = np.minimum(p_other * 1.3, 0.6)
    has = rng.random(n) < p_other[eth]
    lang = np.where(has, draw_by(rng, eth, which), 0)
    welsh = (region == REGION_INDEX["wales"]) & (
        rng.random(n) < WELSH_SPEAKERS_IN_WALES * (1.5 if mentor else 1.0)
    )
    lang = np.where(welsh, LANGUAGES.index("welsh"), lang)
    order_p = np.array([LANGUAGE_ORDER_P, WELSH_ORDER_P])
    order = draw_by(rng, welsh.astype(np.int64), order_p)
    if mentor:
        order[:] = 0
    table = np.array(
        [["english", f"english;{x}", f"{x};english", x] for x in LANGUAGES], dtype=object
    )
    table[0] = "english"
    return table[lang, np.where(lang == 0, 0, order + 1)]


def mode_probs(table: Mapping[str, float]) -> FloatArray:
    """P(offers each contact mode), in CONTACT_MODES order (independent per mode)."""
    return np.array([table.get(m, 0.0) for m in CONTACT_MODES])
