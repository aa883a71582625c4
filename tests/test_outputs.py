"""Outputs: all or nothing, errors naming the user's path, cells safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.errors import OutputError
from matcher.outputs import OutputTransaction, atomic_writer, csv_safe, safe_csv_writer


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+2", "'=1+2"),
        ("+44 20", "'+44 20"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-0.12", "-0.12"),  # a plain number stays a number
        ("+3e5", "+3e5"),
        ("E001", "E001"),
        ("", ""),
        (7, 7),
    ],
)
def test_csv_safe_escapes_formula_cells_only(cell: object, shown: object) -> None:
    assert csv_safe(cell) == shown


def test_safe_writer_escapes_every_cell() -> None:
    buf = io.StringIO()
    safe_csv_writer(buf).writerow(['=HYPERLINK("x")', "-1", "ok"])
    assert next(csv.reader(io.StringIO(buf.getvalue()))) == ['\'=HYPERLINK("x")', "-1", "ok"]


# Cells of every kind the writer meets, and the characters that make the csv module quote
# or csv_safe escape (a carriage return takes the csv module's own path).
_CELL = st.one_of(
    st.text(alphabet=st.sampled_from('ab1 ,;"\n\r=+-@\t.'), max_size=6),
    st.integers(-5, 10**6),
)


@given(st.integers(1, 4).flatmap(lambda k: st.lists(st.lists(_CELL, min_size=k, max_size=k),
                                                    max_size=6)))  # fmt: skip
def test_writecolumns_writes_the_bytes_of_writerows(rows: list[list[object]]) -> None:
    by_rows, by_columns = io.StringIO(), io.StringIO()
    safe_csv_writer(by_rows).writerows(rows)
    columns = [list(c) for c in zip(*rows, strict=True)]
    safe_csv_writer(by_columns).writecolumns(columns)
    assert by_columns.getvalue() == by_rows.getvalue()


def test_writecolumns_refuses_columns_of_different_lengths() -> None:
    with pytest.raises(ValueError, match="different lengths"):
        safe_csv_writer(io.StringIO()).writecolumns([["a"], ["b", "c"]])


def _write(path: Path, text: str) -> None:
    with atomic_writer(path) as fh:
        fh.write(text)


def test_outputs_appear_only_when_all_succeed(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "sub" / "b.json"
    a.write_text("old\n")
    with pytest.raises(RuntimeError), OutputTransaction([a, b]):
        _write(a, "new\n")
        raise RuntimeError("the run failed after the first output")
    assert a.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]  # no temp file, no folder
    with OutputTransaction([a, b]):
        _write(a, "new\n")
        _write(b, "{}\n")
    assert (a.read_text(), b.read_text()) == ("new\n", "{}\n")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a.csv", "b.json", "sub"]


def test_a_failed_rename_puts_back_what_was_renamed(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("old a\n")
    with pytest.raises(OutputError, match=f"cannot write {b}"):
        with OutputTransaction([a, b]):
            _write(a, "new a\n")
            _write(b, "new b\n")
            b.mkdir()  # something took b's place meanwhile: a folder cannot be replaced
            (b / "x").write_text("")
    assert a.read_text() == "old a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "b.csv"]


def test_unwritable_path_is_named_as_given(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(OutputError) as info:
        _write(blocker / "m.csv", "x")
    assert str(info.value) == f"cannot write {blocker / 'm.csv'}: Not a directory"


def test_unwritable_output_fails_before_the_run(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    ran = False
    with pytest.raises(OutputError), OutputTransaction([tmp_path / "ok.csv", blocker / "r.html"]):
        ran = True
    assert not ran and sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_outputs_may_not_be_inputs_by_any_path(tmp_path: Path) -> None:
    source = tmp_path / "mentees.csv"
    source.write_text("id\n")
    link = tmp_path / "link.csv"
    link.symlink_to(source)
    hard = tmp_path / "hard.csv"
    os.link(source, hard)
    for out in (source, link, hard, tmp_path / "." / "mentees.csv"):
        with pytest.raises(OutputError, match="is an input"), OutputTransaction([out], [source]):
            pass
    assert source.read_text() == "id\n"
    with pytest.raises(OutputError, match="two outputs"), OutputTransaction([hard, source]):
        pass


def test_new_files_are_private_and_replaced_ones_keep_their_mode(tmp_path: Path) -> None:
    new, old = tmp_path / "new.csv", tmp_path / "old.csv"
    old.write_text("x")
    old.chmod(0o640)
    _write(new, "a")
    _write(old, "b")
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    assert stat.S_IMODE(old.stat().st_mode) == 0o640


def test_an_output_not_listed_joins_the_transaction(tmp_path: Path) -> None:
    a, late = tmp_path / "a.csv", tmp_path / "late.csv"
    with pytest.raises(RuntimeError), OutputTransaction([a]):
        _write(a, "1")
        _write(late, "2")
        raise RuntimeError("failed")
    assert list(tmp_path.iterdir()) == []
