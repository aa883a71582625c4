"""The columnar path gives exactly what the per-row pydantic path gives: records or errors."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.errors import InputError
from matcher.inputs.columnar import Declined, columnar_records
from matcher.inputs.columns import COLUMNS
from matcher.inputs.csv_rows import csv_rows
from matcher.inputs.messages import Collector
from matcher.io import MAX_ERRORS, _validated, load_records
from matcher.models import MODELS, Record
from matcher.synth import generate_csv

_KINDS = ("mentees", "mentors", "existing", "supervisors", "prisons")
_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Cells that are wrong, or right in a form only the per-row path reads.
_ODD_CELLS = (
    "", " ", "x", "-1", "+5", "1e3", ".5", "5.", "0.125", "1000000", "49.0", "007", "abc def",
    "TRUE", "False", "yes", "9999-12-31", "2024-02-30", "1899-12-31", "2210-01-01",
    "english;;welsh", "english;english", ";", "=SUM(A1)", "-M1", "E000001", "M00001",
    "custody", "community", "monthly", '"quoted"', "a\tb", "\u00e9", "x" * 65,
)  # fmt: skip


def _per_row(data: bytes, model: type[Record], file: str = "f.csv") -> tuple[Record, ...]:
    """Today's path: the csv module's rows, each validated by pydantic."""
    text = data.decode("utf-8-sig")
    errors = Collector(MAX_ERRORS)
    rows = csv_rows(text, model, file, errors, False, 1_000_000)
    return _validated(rows, model, file, errors)


def _same(fast: tuple[Record, ...], slow: tuple[Record, ...]) -> None:
    assert fast == slow
    for a, b in zip(fast, slow, strict=True):
        assert a.__dict__ == b.__dict__
        assert list(a.__dict__) == list(b.__dict__)
        assert a.model_fields_set == b.model_fields_set
        assert a.model_dump_json() == b.model_dump_json()


def _outcome(call: Any) -> Any:
    try:
        return call()
    except InputError as exc:
        return [str(e) for e in exc.errors] + [f"truncated: {exc.truncated}"]


def test_every_model_field_has_a_column_check() -> None:
    for model in MODELS.values():
        assert set(COLUMNS[model.__name__]) == set(model.model_fields)


@_SETTINGS
@given(
    n_mentees=st.integers(0, 40),
    n_mentors=st.integers(0, 15),
    seed=st.integers(0, 10_000),
    crlf=st.booleans(),
    bom=st.booleans(),
)
def test_generated_files_take_the_columnar_path_and_give_the_same_records(
    n_mentees: int, n_mentors: int, seed: int, crlf: bool, bom: bool
) -> None:
    files = generate_csv(n_mentees, n_mentors, seed)
    for kind in _KINDS:
        text = files[kind].replace("\n", "\r\n") if crlf else files[kind]
        data = (codecs.BOM_UTF8 if bom else b"") + text.encode()
        model = MODELS[kind]
        _same(columnar_records(data, model, False, 1_000_000), _per_row(data, model))


@_SETTINGS
@given(
    kind=st.sampled_from(("mentees", "mentors", "existing", "prisons", "supervisors")),
    seed=st.integers(0, 10_000),
    row=st.integers(0, 9),
    column=st.integers(0, 30),
    cell=st.sampled_from(_ODD_CELLS),
    empty_line=st.booleans(),
)
def test_a_changed_cell_gives_the_same_records_or_the_same_errors(
    tmp_path: Path, kind: str, seed: int, row: int, column: int, cell: str, empty_line: bool
) -> None:
    lines = generate_csv(10, 4, seed)[kind].splitlines()
    if len(lines) < 2:
        return
    row = 1 + row % (len(lines) - 1)
    cells = lines[row].split(",")
    cells[column % len(cells)] = cell
    lines[row] = ",".join(cells)
    if empty_line:
        lines.insert(row, "," * (len(cells) - 1))
    data = ("\n".join(lines) + "\n").encode()
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(data)
    model = MODELS[kind]
    loaded = _outcome(lambda: load_records(path, model))
    expected = _outcome(lambda: _per_row(data, model, path.name))
    if isinstance(expected, list):  # the errors, and whether there were more
        assert loaded == expected
    else:
        _same(loaded, expected)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('id,capacity\n"S1",2\n', "quote"),
        ("id,capacity\nS1,2\n\nS2,3\n", "blank line"),
        ("id,capacity\nS1\n", "fewer cells"),
        ("id,capacity\nS1,2,3\n", "cannot read"),
        ("id,capacity,x\nS1,2,3\n", "unknown column"),
        ("id,capacity\nS1,+2\n", "declines"),
        ("id,capacity\nS1,2\nS1,3\n", "twice"),
    ],
)
def test_the_columnar_path_declines_what_it_does_not_vouch_for(text: str, why: str) -> None:
    with pytest.raises(Declined, match=why):
        columnar_records(text.encode(), MODELS["supervisors"], False, 1_000_000)


def test_unknown_columns_are_dropped_when_allowed() -> None:
    data = b"id,capacity,team\nS1,2,north\n"
    fast = columnar_records(data, MODELS["supervisors"], True, 1_000_000)
    assert [(s.id, s.capacity) for s in fast] == [("S1", 2)]  # type: ignore[attr-defined]
