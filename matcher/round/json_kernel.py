"""The compiled part of :mod:`matcher.round.json_text`: a chunk's text, bytes in and out.

Imported by the result.json writer only.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["SCALE", "fill_rows", "numbers_text", "plain_decimal"]

#: The numbers this kernel writes itself are multiples of ``1 / SCALE`` (see
#: :func:`plain_decimal`); every other number is encoded by orjson beforehand.
SCALE = 1e6
_DIGITS = 6


def plain_decimal(x: np.ndarray) -> np.ndarray:
    """Which values :func:`fill_rows` writes itself, exactly as orjson would.

    A double ``x`` equal to the double nearest ``k / 10**6`` for an integer ``k``, with
    ``1e-5 <= |x| < 1e9`` or ``x == 0``: its shortest round-trip decimal (what orjson
    writes) is ``k / 10**6``'s own digits (no other decimal with at most 6 fractional
    digits is within the doubles' spacing there, ~1e-7), in plain notation (orjson writes
    ``1e-6`` and ``1e+16`` in exponent notation, but nothing in this range). Every
    multiple of ``1e-6`` in [0, 1] and rounded scores and distances qualify; tested
    exhaustively on [0, 1] and by hypothesis beyond.
    """
    ax = np.abs(x)
    with np.errstate(invalid="ignore", over="ignore"):
        k = np.rint(ax * SCALE)
        ok: np.ndarray = (k / SCALE == ax) & (ax < 1e9) & ((ax >= 1e-5) | (ax == 0))
    return ok


@njit(cache=True, nogil=True)
def _put(out, w, src, a, b):  # type: ignore[no-untyped-def]
    n = b - a
    out[w : w + n] = src[a:b]
    return w + n


@njit(cache=True, nogil=True)
def _put_number(out, w, x):  # type: ignore[no-untyped-def]
    """``x`` (one of :func:`plain_decimal`'s) in plain notation, as orjson writes it."""
    if x < 0 or (x == 0 and np.signbit(x)):
        out[w] = 45  # "-"
        w += 1
    k = np.int64(np.rint(abs(x) * SCALE))
    whole, frac = k // 1_000_000, k % 1_000_000
    # The integer part (at least one digit), written backwards then reversed.
    start = w
    while True:
        out[w] = 48 + whole % 10
        w += 1
        whole //= 10
        if whole == 0:
            break
    i, j = start, w - 1
    while i < j:
        out[i], out[j] = out[j], out[i]
        i += 1
        j -= 1
    out[w] = 46  # "."
    w += 1
    if frac == 0:
        out[w] = 48
        return w + 1
    n = _DIGITS
    while frac % 10 == 0:
        frac //= 10
        n -= 1
    for d in range(n - 1, -1, -1):
        out[w + d] = 48 + frac % 10
        frac //= 10
    return w + n


@njit(cache=True, nogil=True)
def fill_rows(  # type: ignore[no-untyped-def]
    out, body, part_len, gap, counts, tpl, tpl_off, num, tab, strs, str_off,
):  # fmt: skip
    """Write a chunk: the rows' text ``body`` with each row's candidates in place of the
    ``gap`` bytes that follow its part. Returns the bytes written.

    ``tpl`` holds the template's pieces (``tpl_off`` their bounds): 0 opens a row's list
    and first candidate, 1 opens a later candidate, ``2 .. F`` go between the ``F``
    values, ``F + 1`` closes a candidate, ``F + 2`` closes the list and ``F + 3`` is a row
    without candidates. Cell ``(c, s)`` is the entry ``tab[c, s]`` of ``strs`` (bounds
    ``str_off``), or the number ``num[c, s]`` when ``tab[c, s] < 0``.
    """
    n_fields = num.shape[1]
    w = 0
    p = 0
    c = 0
    for i in range(counts.size):
        w = _put(out, w, body, p, p + part_len[i])
        p += part_len[i] + gap
        m = counts[i]
        if m == 0:
            w = _put(out, w, tpl, tpl_off[n_fields + 3], tpl_off[n_fields + 4])
            continue
        for j in range(m):
            piece = 0 if j == 0 else 1
            w = _put(out, w, tpl, tpl_off[piece], tpl_off[piece + 1])
            for s in range(n_fields):
                if s > 0:
                    w = _put(out, w, tpl, tpl_off[s + 1], tpl_off[s + 2])
                t = tab[c, s]
                if t < 0:
                    w = _put_number(out, w, num[c, s])
                else:
                    w = _put(out, w, strs, str_off[t], str_off[t + 1])
            w = _put(out, w, tpl, tpl_off[n_fields + 1], tpl_off[n_fields + 2])
            c += 1
        w = _put(out, w, tpl, tpl_off[n_fields + 2], tpl_off[n_fields + 3])
    return _put(out, w, body, p, body.size)


@njit(cache=True, nogil=True)
def numbers_text(x):  # type: ignore[no-untyped-def]
    """``x`` (all :func:`plain_decimal`) written as :func:`fill_rows` writes numbers,
    comma-separated: the bytes of ``orjson.dumps(list(x))`` without the brackets."""
    out = np.empty(18 * x.size, dtype=np.uint8)
    w = 0
    for q in range(x.size):
        if q:
            out[w] = 44  # ","
            w += 1
        w = _put_number(out, w, x[q])
    return out[:w]
