"""result.json's bytes as written a chunk at a time are orjson's on the whole document."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.criteria import CRITERION_NAMES
from matcher.explain import Outcome
from matcher.round import MatchResult, json_text, result_dict, write_result_json
from matcher.round.json_kernel import numbers_text, plain_decimal
from matcher.round.result import TopCandidate
from tests.factories import hand_result

_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


def _reference(result: MatchResult) -> bytes:
    """What write_result_json wrote before: orjson on the whole document."""
    return orjson.dumps(result_dict(result), option=_OPTIONS)


def _written(tmp: Path, result: MatchResult) -> bytes:
    path = tmp / "result.json"
    write_result_json(path, result)
    return path.read_bytes()


def test_every_six_decimal_fraction_is_written_as_orjson_writes_it() -> None:
    # Every k / 10**6 in [0, 1] (scores and criterion scores), and their negatives.
    x = np.arange(1_000_001) / 1e6
    x = np.concatenate([x, -x[1:], [-0.0]])
    ok = plain_decimal(x)
    assert ok[x == 0].all() and not ok[(np.abs(x) > 0) & (np.abs(x) < 1e-5)].any()
    kept = x[ok]
    assert numbers_text(kept).tobytes() == orjson.dumps(kept.tolist())[1:-1]


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-2e9, max_value=2e9),
       st.integers(0, 6))  # fmt: skip
def test_plain_decimals_beyond_one_are_written_as_orjson_writes_them(v: float, d: int) -> None:
    x = np.array([v, round(v, d), round(v / 1000, d), round(v * 1000, d)])
    kept = x[plain_decimal(x)]
    assert numbers_text(kept).tobytes() == orjson.dumps(kept.tolist())[1:-1]


_awkward_floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(0, 10**6).map(lambda k: k / 1e6),
    st.sampled_from([0.0, -0.0, 1e-6, 9.9e-6, 1e-5, 0.1 + 0.2, 1e9, 1e16, 1.0]),
    st.none(),
)
_awkward_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["M001", 'a "quoted", comma', "line\nbreak", "\x00", "é ∑ 😀", ""]),
)
_loose = st.one_of(_awkward_floats, st.integers(-3, 3), st.booleans(), _awkward_text)


@st.composite
def _candidates(draw: st.DrawFn, loose: bool) -> TopCandidate:
    num = _loose if loose else _awkward_floats
    n_crit = len(CRITERION_NAMES)
    if loose and draw(st.booleans()):
        n_crit = draw(st.integers(0, n_crit + 1))  # criteria of another length
    # Any: the loose candidates break the annotations on purpose.
    values: list[Any] = [draw(_loose if loose else _awkward_text), draw(num)]
    crit: tuple[Any, ...] = tuple(draw(num) for _ in range(n_crit))
    rest: list[Any] = [draw(num), draw(st.sampled_from(list(Outcome))), draw(_awkward_text)]
    return TopCandidate(values[0], values[1], crit, *rest)


@st.composite
def _results(draw: st.DrawFn) -> MatchResult:
    base = hand_result()
    loose = draw(st.booleans())
    rows = []
    for r in base.rows:
        tops = draw(st.lists(_candidates(loose), max_size=4))
        rows.append(replace(r, top_candidates=tuple(tops)))
    return replace(base, rows=tuple(rows))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
          HealthCheck.function_scoped_fixture])  # fmt: skip
@given(_results(), st.integers(1, 20))
def test_written_bytes_are_orjsons_on_the_whole_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, result: MatchResult, chunk: int
) -> None:
    # Candidates with awkward values (every kind of float, None, NaN, -0.0, strings with
    # quotes, commas, newlines and NUL; with ``loose``, ints, bools and strings where
    # numbers go, and criteria of other lengths), rows in chunks of every size.
    monkeypatch.setattr(json_text, "CHUNK", chunk)
    monkeypatch.setattr(json_text, "KERNEL_FROM", 0)
    try:
        expected = _reference(result)
    except (IndexError, TypeError) as exc:  # criteria too short, an int past 64 bits
        with pytest.raises(type(exc)):
            _written(tmp_path, result)
        return
    assert _written(tmp_path, result) == expected


@pytest.mark.parametrize("kernel_from", [0, 10**9])
def test_a_real_round_is_written_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel_from: int
) -> None:
    from tests.round.test_serialise import _mixed_round

    monkeypatch.setattr(json_text, "KERNEL_FROM", kernel_from)
    result = _mixed_round()
    assert sum(len(r.top_candidates) for r in result.rows) > 10
    assert _written(tmp_path, result) == _reference(result)


def test_a_result_without_rows_is_written_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(json_text, "KERNEL_FROM", 0)
    result = replace(hand_result(), rows=())
    assert _written(tmp_path, result) == _reference(result)


def test_a_nan_in_the_summary_is_refused_as_before(tmp_path: Path) -> None:
    base = hand_result()
    result = replace(base, summary=replace(base.summary, mean_score=math.nan))
    with pytest.raises(ValueError):
        write_result_json(tmp_path / "result.json", result)
    assert not (tmp_path / "result.json").exists()
