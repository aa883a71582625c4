"""Expectations: contact frequency and contact modes agree.

The evidence: matching on shared expectations.
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
    # Mean of a frequency part (shortfall ** steps short) and the share of modes offered.
    short = np.maximum(p.me.frequency[p.i] - p.mo.frequency[p.j], 0)
    freq = np.float64(p.config.scoring.frequency_shortfall) ** short
    modes = popcount(p.me.modes[p.i] & p.mo.modes[p.j]) / p.me.n_modes[p.i]
    return (0.5 * (freq + modes)).astype(np.float32)


class Tables(NamedTuple):
    mentee: npt.NDArray[np.uint64]  # (frequency * 8 + modes) * 24
    mentor: npt.NDArray[np.uint64]  # frequency * 8 + modes
    terms: npt.NDArray[np.float64]


def kernel_tables(me: MenteeArrays, mo: MentorArrays, config: Config, weight: float) -> Tables:
    fi, mi, fj, mj = np.meshgrid(
        np.arange(3, dtype=np.int8),
        np.arange(8, dtype=np.uint8),
        np.arange(3, dtype=np.int8),
        np.arange(8, dtype=np.uint8),
        indexing="ij",
    )
    with np.errstate(divide="ignore", invalid="ignore"):  # mode code 0 never occurs
        freq = np.float64(config.scoring.frequency_shortfall) ** np.maximum(fi - fj, 0)
        mi8, mj8 = mi.astype(np.uint8), mj.astype(np.uint8)
        s = (0.5 * (freq + popcount(mi8 & mj8) / popcount(mi8))).astype(np.float32)
    return Tables(
        contiguous((me.frequency.astype(np.int64) * 8 + me.modes) * 24, np.uint64),
        contiguous(mo.frequency.astype(np.int64) * 8 + mo.modes, np.uint64),
        term_table(weight, s),
    )


def term(t: Tables, i: int, j: int, d: float) -> tuple[float, bool]:
    return t.terms[t.mentee[i] + t.mentor[j]], False


CRITERION = Criterion(
    name="expectations",
    default_weight=2.0,
    description="contact frequency and contact modes agree",
    label="Shared expectations",
    short="expect",
    formula=(
        "(F + M) / 2. F = 1 if the mentor's frequency ≥ the mentee's (weekly > fortnightly > "
        "monthly), else `scoring.frequency_shortfall` ^ steps short. M = \\|mentee modes ∩ "
        "mentor modes\\| / \\|mentee modes\\|"
    ),
    parameters=("scoring.frequency_shortfall",),
    score=score,
    kernel_tables=kernel_tables,
    term=term,
)
