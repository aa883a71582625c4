"""CSV cells of the generated files: lists, tokens, numbers, dates and ids as text.

Each helper turns a column (a numpy array) into an object array of ``str`` cells through
lookup tables, never one Python call per row where a table will do. Nothing here draws at
random.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from matcher.synth.draws import BoolArray, FloatArray, IntArray, StrArray

__all__ = [
    "blank",
    "fmt_coord",
    "fmt_dates",
    "fmt_int",
    "fmt_num",
    "id_cells",
    "join_cols",
    "join_mask",
    "lookup",
]


def join_mask(mask: BoolArray, tokens: Sequence[str]) -> StrArray:
    """``;``-joined tokens of each row's True columns, via lookup tables of 11-bit chunks."""
    n, k = mask.shape
    out = np.full(n, "", dtype=object)
    for start in range(0, k, 11):
        chunk = tokens[start : start + 11]
        bits = mask[:, start : start + len(chunk)].astype(np.int64)
        code = bits @ (1 << np.arange(len(chunk), dtype=np.int64))
        table = np.array(
            [
                ";".join(t for j, t in enumerate(chunk) if c >> j & 1)
                for c in range(1 << len(chunk))
            ],
            dtype=object,
        )
        out = join_cols([out, table[code]])
    return out


def join_cols(parts: Sequence[StrArray]) -> StrArray:
    """Row-wise ``;``-join of string columns, skipping empty cells."""
    out = np.asarray(parts[0], dtype=object)
    for part in parts[1:]:
        part = np.asarray(part, dtype=object)
        sep = np.where((out != "") & (part != ""), ";", "").astype(object)
        out = out + sep + part
    return out


def lookup(tokens: Sequence[str], idx: IntArray) -> StrArray:
    """The token at each index."""
    return np.asarray(tokens, dtype=object)[idx]


def fmt_coord(x: FloatArray) -> StrArray:
    """Coordinates with 5 decimals; ``+ 0.0`` turns -0.0 into 0.0 (never "-0.00000")."""
    return np.array([f"{v:.5f}" for v in (np.round(x, 5) + 0.0).tolist()], dtype=object)


def fmt_num(x: FloatArray) -> StrArray:
    """Minimal text of non-negative numbers on a 0.5 grid: ``1.5``, ``20``."""
    halves = np.rint(np.asarray(x, dtype=float) * 2).astype(np.int64)
    table = np.array(
        [str(h // 2) + (".5" if h % 2 else "") for h in range(int(halves.max(initial=0)) + 1)],
        dtype=object,
    )
    return table[halves]


def fmt_int(x: IntArray) -> StrArray:
    """Integers in decimal."""
    return np.array(list(map(str, np.asarray(x, dtype=np.int64).tolist())), dtype=object)


def fmt_dates(as_of: date, days: IntArray) -> StrArray:
    """ISO dates ``days`` after ``as_of``."""
    d = np.datetime64(as_of.isoformat(), "D") + np.asarray(days, dtype="timedelta64[D]")
    return d.astype(str).astype(object)


def id_cells(prefix: str, n: int, width: int) -> StrArray:
    """``prefix`` + zero-padded 1-based sequence numbers (width grows with ``n``)."""
    width = max(width, len(str(n)))
    return np.array([prefix + str(i).zfill(width) for i in range(1, n + 1)], dtype=object)


def blank(values: StrArray, keep: BoolArray) -> StrArray:
    """``values`` where ``keep``, else an empty cell."""
    return np.where(keep, values, "").astype(object)
