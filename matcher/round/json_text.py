"""``result.json``'s bytes, a chunk of rows at a time, without a dict per stored candidate.

Encoding the whole document of :func:`~matcher.round.serialise.result_dict` at once builds
a dict per stored candidate and one per candidate's criteria (about a million of each at
200k mentees) and holds the whole encoded file in memory. This module writes the *same
bytes* (``orjson.dumps(result_dict(result), option=OPT_INDENT_2 | OPT_APPEND_NEWLINE)``;
tested over generated results) another way:

- the document without its rows, and each chunk of :data:`CHUNK` rows without their
  candidates, are encoded by orjson, re-indented and cut where the rows' lists and each
  row's ``top_candidates`` go (those keys can only appear there: a string's quotes and
  newlines are escaped, so no string holds a raw newline followed by a quoted key);
- each stored candidate's text is its template's constant pieces interleaved with its
  values, written by the compiled :func:`~matcher.round.json_kernel.fill_rows`. Numbers
  that are multiples of 1e-6 in plain range (every rounded score, criterion score and
  distance) it writes itself; every other value is encoded by orjson beforehand
  (:func:`_cells`; each distinct string once). The template comes from
  :func:`~matcher.round.serialise.tops_json` itself, encoded for a probe candidate whose
  fields are sentinels, so the candidates' keys and their order are defined once, there.

Results with fewer than :data:`KERNEL_FROM` stored candidates are encoded whole by orjson.
Measured on a live ``matcher.match`` result in one process, the whole-document encoding
and this one interleaved, the same bytes: 50k x 10k counts only 2.81 s -> 2.49 s (median
of 5), 200k x 40k 14.1 s -> 11.9 s (median of 3); and the file's text is never held whole.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from types import SimpleNamespace
from typing import IO, Any

import numpy as np
import numpy.typing as npt
import orjson

from matcher._gc import paused_gc
from matcher.criteria import CRITERION_NAMES
from matcher.explain import Outcome
from matcher.round.result import MatchResult, MatchRow, TopCandidate
from matcher.round.serialise import result_dict, row_json, split_rows, tops_json

__all__ = ["CHUNK", "KERNEL_FROM", "write_result_bytes"]

#: Rows encoded at once (bounds the memory the file's text takes while it is written).
CHUNK = 16_384
#: Results with fewer stored candidates are encoded whole by orjson (the same bytes): the
#: kernel would save them a tenth of a second at most, and its first compilation on a
#: machine takes seconds (then cached).
KERNEL_FROM = 50_000

_INDENT = orjson.OPT_INDENT_2
#: A row's empty candidate list, as a chunk of rows re-indented to the document's depth
#: shows it: where each row's candidates go.
_TOPS_KEY = b'\n      "top_candidates": '
_NO_TOPS = _TOPS_KEY + b"[]"
_LIST_END = b"\n      ]"
_SENTINEL = re.compile(rb'"\\u0000(\d+)\\u0000"')


@dataclass(frozen=True)
class _Template:
    """A stored candidate's text: ``pieces[0] + value[0] + pieces[1] + ... + pieces[-1]``,
    with the value of field ``fields[k]`` (a column of :func:`_columns`) in slot ``k``."""

    first: bytes  # opens the row's list and its first candidate
    later: bytes  # opens each later candidate
    middle: tuple[bytes, ...]  # the pieces between the values
    end: bytes  # closes a candidate
    fields: tuple[int, ...]


@cache
def _template() -> _Template:
    """The candidate template, read off ``tops_json`` applied to a probe candidate."""
    k = len(CRITERION_NAMES)
    mark = [f"\x00{i}\x00" for i in range(k + 5)]  # the fields of _columns, in order
    probe = TopCandidate(
        mark[0], mark[1], tuple(mark[2 : 2 + k]), mark[2 + k],  # type: ignore[arg-type]
        SimpleNamespace(value=mark[3 + k]), mark[4 + k],  # type: ignore[arg-type]
    )  # fmt: skip
    # One candidate in its row's list, indented as in the document (list items at 8).
    text = orjson.dumps(tops_json((probe,)), option=_INDENT).replace(b"\n", b"\n      ")
    parts = _SENTINEL.split(text)
    pieces, fields = parts[0::2], tuple(int(f) for f in parts[1::2])
    if not pieces[0].startswith(b"[") or not pieces[-1].endswith(_LIST_END):
        raise AssertionError("unexpected candidate template")  # orjson's layout changed
    head = pieces[0][1:]
    return _Template(
        _TOPS_KEY + b"[" + head, b"," + head, tuple(pieces[1:-1]),
        pieces[-1][: -len(_LIST_END)], fields,
    )  # fmt: skip


def _columns(tops: Sequence[TopCandidate]) -> list[list[Any]] | None:
    """The candidates' values by field (the template's field numbers), or None when a
    candidate's criteria do not have one value per criterion."""
    k = len(CRITERION_NAMES)
    crit = [c.criteria for c in tops]
    if set(map(len, crit)) - {k}:
        return None
    by_criterion = [list(col) for col in zip(*crit, strict=True)] if tops else [[]] * k
    return [
        [c.mentor_id for c in tops],
        [c.score for c in tops],
        *by_criterion,
        [c.distance_km for c in tops],
        _values([c.outcome for c in tops]),
        [c.reason for c in tops],
    ]


_OUTCOME_VALUES = {o: o.value for o in Outcome}


def _values(outcomes: list[Any]) -> list[Any]:
    """``[o.value for o in outcomes]`` by a table (an enum's ``value`` is a slow property)."""
    try:
        return list(map(_OUTCOME_VALUES.__getitem__, outcomes))
    except (KeyError, TypeError):  # not an Outcome: as tops_json reads it
        return [o.value for o in outcomes]


class _Table:
    """Encoded values (orjson) that cells refer to by index."""

    def __init__(self) -> None:
        self.texts: list[bytes] = []

    def add(self, texts: list[bytes]) -> int:
        """Append ``texts``; returns the index of the first."""
        self.texts.extend(texts)
        return len(self.texts) - len(texts)

    def arrays(self) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int64]]:
        """The entries' bytes and their bounds."""
        off = np.zeros(len(self.texts) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, self.texts), np.int64, len(self.texts)), out=off[1:])
        return np.frombuffer(b"".join(self.texts), dtype=np.uint8), off


_FLOATS = {float, type(None)}


_Cells = tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]


def _cells(values: list[Any], table: _Table) -> _Cells:
    """A column's cells for :func:`~matcher.round.json_kernel.fill_rows`: numbers the
    kernel writes itself (index -1), or indices of their orjson encodings in ``table``."""
    from matcher.round.json_kernel import plain_decimal  # numba: only when a round is big

    n = len(values)
    kinds = set(map(type, values))
    if kinds and kinds <= _FLOATS:
        num = np.array(values, dtype=np.float64)  # None as NaN
        idx = np.full(n, -1, dtype=np.int64)
        idx[~np.isfinite(num)] = table.add([b"null"])  # None, NaN and infinities: null
        other = np.flatnonzero(np.isfinite(num) & ~plain_decimal(num))
        if other.size:
            at = table.add([orjson.dumps(values[q]) for q in other.tolist()])
            idx[other] = np.arange(at, at + other.size)
        return num, idx
    if kinds == {str}:  # each distinct string encoded once
        index_of = {v: q for q, v in enumerate(dict.fromkeys(values))}
        at = table.add(list(map(orjson.dumps, index_of)))
        idx = np.fromiter(map(index_of.__getitem__, values), np.int64, n) + at
    else:  # anything else cell by cell (1 == 1.0 == True as keys)
        at = table.add(list(map(orjson.dumps, values)))
        idx = np.arange(at, at + n, dtype=np.int64)
    return np.zeros(n, dtype=np.float64), idx


def _tops_generic(rows: Sequence[MatchRow]) -> list[bytes]:
    """Each row's ``top_candidates`` entry by orjson on the candidates' dicts."""
    out = []
    for r in rows:
        text = orjson.dumps(tops_json(r.top_candidates), option=_INDENT)
        out.append(_TOPS_KEY + text.replace(b"\n", b"\n      "))
    return out


def _rows_text(rows: Sequence[MatchRow]) -> bytes | memoryview:
    """A chunk of rows as the document's list items (each after a newline), no commas
    around the chunk."""
    dicts = [row_json(r, tops=False) for r in rows]
    body = orjson.dumps(dicts, option=_INDENT)[1:-2].replace(b"\n", b"\n  ")
    parts = body.split(_NO_TOPS)
    if len(parts) != len(rows) + 1:  # cannot happen (see the module docstring)
        raise AssertionError("a row's candidates have no single place")
    tops = [c for r in rows for c in r.top_candidates]
    cols = _columns(tops)
    if cols is None:  # criteria of another length: candidates' dicts by orjson
        spliced: list[bytes] = [b""] * (2 * len(rows) + 1)
        spliced[0::2], spliced[1::2] = parts, _tops_generic(rows)
        return b"".join(spliced)
    from matcher.round.json_kernel import fill_rows  # numba: only when a round is big

    tpl = _template()
    table = _Table()
    cells = [_cells(cols[f], table) for f in tpl.fields]
    num = np.stack([c[0] for c in cells], axis=1)  # a row per candidate, a column per slot
    tab = np.stack([c[1] for c in cells], axis=1)
    strs, str_off = table.arrays()
    pieces = [tpl.first, tpl.later, *tpl.middle, tpl.end, _LIST_END, _NO_TOPS]
    piece_len = np.fromiter(map(len, pieces), np.int64, len(pieces))
    tpl_off = np.zeros(len(pieces) + 1, dtype=np.int64)
    np.cumsum(piece_len, out=tpl_off[1:])
    counts = np.fromiter((len(r.top_candidates) for r in rows), np.int64, len(rows))
    # An upper bound: the text without its gaps, each row's list, each candidate's pieces
    # and values (a plain number takes at most 17 bytes: sign, 9 + 1 + 6 digits).
    entry_len = np.diff(str_off)
    bound = (
        len(body) + len(rows) * int(piece_len[0] + piece_len[-2] + piece_len[-1])
        + len(tops) * int(piece_len[1:-2].sum())
        + 17 * int((tab < 0).sum()) + int(entry_len[tab[tab >= 0]].sum())
    )  # fmt: skip
    out = np.empty(bound, dtype=np.uint8)
    part_len = np.fromiter(map(len, parts), np.int64, len(parts))
    written = fill_rows(
        out, np.frombuffer(body, dtype=np.uint8), part_len, len(_NO_TOPS), counts,
        np.frombuffer(b"".join(pieces), dtype=np.uint8), tpl_off, num, tab, strs, str_off,
    )  # fmt: skip
    return out[:written].data


def _section(fh: IO[bytes], rows: Sequence[MatchRow]) -> None:
    """One of the document's row lists (after its key)."""
    if not rows:
        fh.write(b"[]")
        return
    fh.write(b"[")
    for at in range(0, len(rows), CHUNK):
        if at:
            fh.write(b",")
        fh.write(_rows_text(rows[at : at + CHUNK]))
    fh.write(b"\n  ]")


def _pieces(doc: dict[str, Any]) -> Iterator[bytes]:
    """The document without its rows, cut where ``assignments`` and ``unmatched`` go."""
    data = orjson.dumps(doc, option=_INDENT | orjson.OPT_APPEND_NEWLINE)
    for key in ("assignments", "unmatched"):
        cut = b'\n  "' + key.encode() + b'": '
        before, sep, data = data.partition(cut + b"[]")
        if not sep:
            raise AssertionError(f"no place for {key}")
        yield before + cut
    yield data


def write_result_bytes(fh: IO[bytes], result: MatchResult) -> None:
    """Write ``result.json``'s bytes to ``fh``: those of ``orjson.dumps(result_dict(result),
    option=OPT_INDENT_2 | OPT_APPEND_NEWLINE)``."""
    whole = sum(len(r.top_candidates) for r in result.rows) < KERNEL_FROM
    with paused_gc():  # whole: a few dicts per row and stored candidate
        doc = result_dict(result, rows=whole)
    json.dumps([doc["summary"], doc["solver"]], allow_nan=False)  # raises on NaN
    if whole:
        fh.write(orjson.dumps(doc, option=_INDENT | orjson.OPT_APPEND_NEWLINE))
        return
    assigned, unmatched = split_rows(result)
    first, middle, last = _pieces(doc)
    # Paused: transposing the candidates' criteria makes an iterator per candidate, and
    # each young collection would walk the round's ~10^6 records (see matcher._gc).
    with paused_gc():
        fh.write(first)
        _section(fh, assigned)
        fh.write(middle)
        _section(fh, unmatched)
        fh.write(last)
