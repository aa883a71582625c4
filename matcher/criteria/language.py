"""Language: the mentor speaks the mentee's first (preferred) language.

A shared language at all is a hard rule; this scores whether it is the preferred one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

from matcher.arrays import MenteeArrays, MentorArrays, has_bit
from matcher.criteria.base import F32, Criterion, Pairs, contiguous, term_table

if TYPE_CHECKING:
    from matcher.config import Config

__all__ = ["CRITERION"]


def score(p: Pairs) -> F32:
    first = has_bit(p.mo.languages, p.j, p.me.first_language[p.i])
    return np.where(first, 1.0, p.config.scoring.secondary_language).astype(np.float32)


class Tables(NamedTuple):
    first: npt.NDArray[np.int32]  # the mentee's preferred language id
    languages: npt.NDArray[np.uint64]  # the mentor's language bits, (n, words)
    terms: npt.NDArray[np.float64]  # [not the first language, the first]


def kernel_tables(me: MenteeArrays, mo: MentorArrays, config: Config, weight: float) -> Tables:
    s = np.where(np.array([False, True]), 1.0, config.scoring.secondary_language)
    return Tables(
        contiguous(me.first_language, np.int32),
        contiguous(mo.languages, np.uint64),
        term_table(weight, s),
    )


def term(t: Tables, i: int, j: int, d: float) -> tuple[float, bool]:
    fl = t.first[i]
    ok = (fl >= 0) & (fl < t.languages.shape[1] * 64)
    word = (fl >> 6) if ok else 0
    bit = np.uint64(fl & 63) if ok else np.uint64(0)
    first = ok & (((t.languages[j, word] >> bit) & np.uint64(1)) != 0)
    return t.terms[np.uint64(first)], False


CRITERION = Criterion(
    name="language",
    default_weight=1.0,
    description="the mentor speaks the mentee's preferred language",
    label="Preferred language",
    short="lang",
    formula="1 if the mentor speaks the mentee's first (preferred) language, else "
    "`scoring.secondary_language` (a shared language is a rule)",
    parameters=("scoring.secondary_language",),
    score=score,
    kernel_tables=kernel_tables,
    term=term,
)
