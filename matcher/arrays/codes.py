"""Small integer codes, bit masks and token tables the pair code compares.

Everything the hard rules and criteria need is turned into these in one Python loop over
the records (:mod:`matcher.arrays.mentees`, :mod:`matcher.arrays.mentors`).
"""

from __future__ import annotations

import calendar
import dataclasses
import threading
from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from matcher.vocab import (
    AVAILABILITY_SLOTS,
    CONTACT_FREQUENCIES,
    CONTACT_MODES,
    ETHNICITIES,
    GENDERS,
    GOALS,
    STRENGTHS,
)

__all__ = [
    "ETHNICITY_CODE",
    "FAITHS",
    "GENDER_ANY",
    "GENDER_CODE",
    "GENDER_NONE",
    "GOAL_BIT",
    "LANGUAGES",
    "MODE_BIT",
    "NO_DATE",
    "PRISONS",
    "REGIONS",
    "SLOT_BIT",
    "STRENGTH_NONE",
    "STRENGTH_PREFERRED",
    "STRENGTH_REQUIRED",
    "UNDISCLOSED_ETHNICITY",
    "TokenTable",
    "add_months",
    "frequency_level",
    "has_bit",
    "overlap",
    "popcount",
    "set_bits",
    "take_rows",
    "words",
]

#: Ordinal standing for "no end date" (open-ended commitment): later than any real date.
NO_DATE = 2**31 - 1
STRENGTH_NONE, STRENGTH_PREFERRED, STRENGTH_REQUIRED = (STRENGTHS.index(s) for s in STRENGTHS)
UNDISCLOSED_ETHNICITY = ETHNICITIES.index("undisclosed")
#: Gender-code meaning "any gender" (a wish or requirement that any gender meets).
GENDER_ANY = -1
#: Wished mentor gender "same" for a mentee of undisclosed gender: a target no one meets.
GENDER_NONE = -2

GOAL_BIT = {g: np.uint8(1 << k) for k, g in enumerate(GOALS)}
MODE_BIT = {m: np.uint8(1 << k) for k, m in enumerate(CONTACT_MODES)}
SLOT_BIT = {s: 1 << k for k, s in enumerate(AVAILABILITY_SLOTS)}
GENDER_CODE = {g: k for k, g in enumerate(GENDERS)}
ETHNICITY_CODE = {e: k for k, e in enumerate(ETHNICITIES)}


def frequency_level(frequency: str) -> int:
    """Ordinal of a contact frequency: monthly 0 < fortnightly 1 < weekly 2."""
    return len(CONTACT_FREQUENCIES) - 1 - CONTACT_FREQUENCIES.index(frequency)


class TokenTable:
    """A process-wide, append-only table of tokens to small integer ids.

    Ids only need to agree between arrays built in the same process (they are compared,
    never written out), so one shared table per kind keeps separately built
    :class:`MenteeArrays` and :class:`MentorArrays` consistent without a join step.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._lock = threading.Lock()

    def id(self, token: str) -> int:
        """Return the id of ``token``, adding it when new."""
        found = self._ids.get(token)
        if found is not None:
            return found
        with self._lock:
            return self._ids.setdefault(token, len(self._ids))

    def __len__(self) -> int:
        return len(self._ids)


LANGUAGES = TokenTable()
PRISONS = TokenTable()
FAITHS = TokenTable()
REGIONS = TokenTable()


def words(n_tokens: int) -> int:
    return max(1, -(-n_tokens // 64))


def set_bits(mask: npt.NDArray[np.uint64], row: int, ids: Sequence[int]) -> None:
    for t in ids:
        mask[row, t >> 6] |= np.uint64(1 << (t & 63))


def popcount(values: npt.NDArray[np.unsignedinteger]) -> npt.NDArray[np.uint8]:
    """Number of set bits of each element (unsigned integers up to 32 bits)."""
    if hasattr(np, "bitwise_count"):  # numpy >= 2
        return np.bitwise_count(values).astype(np.uint8, copy=False)
    v = values.astype(np.uint32)
    table = np.array([bin(k).count("1") for k in range(256)], dtype=np.uint8)
    out = table[v & 0xFF]
    for shift in (8, 16, 24):
        out += table[(v >> shift) & 0xFF]
    return out


def has_bit(
    masks: npt.NDArray[np.uint64], rows: npt.NDArray[np.integer], bits: npt.NDArray[np.integer]
) -> npt.NDArray[np.bool_]:
    """Whether bit ``bits[k]`` is set in ``masks[rows[k]]``; negative bits are never set.

    Parameters
    ----------
    masks : ndarray of uint64, shape (n, words)
        Multi-word bitmasks.
    rows, bits : ndarray of int
        Row and bit number of each test, same length.
    """
    bits = np.asarray(bits)
    ok = (bits >= 0) & (bits < masks.shape[1] * 64)
    b = np.where(ok, bits, 0)
    word = masks[rows, b >> 6]
    return ok & (((word >> (b & 63).astype(np.uint64)) & np.uint64(1)) != 0)


def overlap(
    a: npt.NDArray[np.uint64],
    ia: npt.NDArray[np.integer],
    b: npt.NDArray[np.uint64],
    ib: npt.NDArray[np.integer],
) -> npt.NDArray[np.bool_]:
    """Whether masks ``a[ia[k]]`` and ``b[ib[k]]`` share a bit (widths may differ)."""
    words = min(a.shape[1], b.shape[1])
    out = np.zeros(len(ia), dtype=bool)
    for w in range(words):
        out |= (a[ia, w] & b[ib, w]) != 0
    return out


def add_months(start: date, months: int) -> date:
    """``start`` plus whole calendar months, the day clipped to the month's length."""
    m = start.month - 1 + months
    year, month = start.year + m // 12, m % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


_T = TypeVar("_T")


def take_rows(arrays: _T, rows: npt.NDArray[np.integer]) -> _T:
    """The records at positions ``rows`` of a dataclass of per-record columns."""
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(arrays):  # type: ignore[arg-type]
        value = getattr(arrays, f.name)
        if isinstance(value, np.ndarray):
            fields[f.name] = value[rows]
        elif isinstance(value, tuple):
            fields[f.name] = tuple(value[k] for k in rows.tolist())
    return dataclasses.replace(arrays, **fields)  # type: ignore[type-var]
