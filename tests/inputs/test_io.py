"""Loaders: every kind of bad input is named by file, row and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from matcher.errors import InputError
from matcher.io import (
    load_caseload,
    load_existing,
    load_mentees,
    load_mentors,
    load_prisons,
    load_records,
    load_supervisors,
    write_records,
)
from matcher.models import Mentee, Mentor, Prison
from tests.strategies import mentee_records, mentor_records, prison_records

_ROUND_TRIP = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _errors(call) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as info:
        call()
    return [str(e) for e in info.value.errors]


def test_valid_caseload_loads(caseload_dir: Path) -> None:
    c = load_caseload(
        *(
            caseload_dir / f"{k}.csv"
            for k in ("mentees", "mentors", "existing", "supervisors", "prisons")
        )
    )
    assert c.counts() == {
        "mentees": 3,
        "mentors": 2,
        "existing": 1,
        "supervisors": 1,
        "prisons": 1,
        "decisions": 0,
    }
    assert c.mentees[1].languages == ("english", "welsh")
    assert c.mentees[1].release_date is not None
    assert c.warnings == ()


def test_bom_and_crlf_accepted(caseload_dir: Path) -> None:
    p = caseload_dir / "mentees.csv"
    text = p.read_text(encoding="utf-8").replace("\n", "\r\n")
    p.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert [m.id for m in load_mentees(p)] == ["E001", "E002", "E003"]


def test_bad_vocabulary_names_file_row_id_and_field(caseload_dir: Path) -> None:
    p = caseload_dir / "mentees.csv"
    _edit(p, "E003,male", "E003,robot")
    assert _errors(lambda: load_mentees(p)) == [
        "mentees.csv row 3 (id E003): gender must be one of female, male, non_binary, "
        "undisclosed; got 'robot'"
    ]


def test_bad_word_in_list_field(caseload_dir: Path) -> None:
    p = caseload_dir / "mentees.csv"
    _edit(p, "accommodation;finance", "accommodation;fishing")
    (msg,) = _errors(lambda: load_mentees(p))
    assert msg.startswith("mentees.csv row 3 (id E003): goals item 2 must be one of accommodation")
    assert msg.endswith("got 'fishing'")


def test_special_category_value_never_echoed(caseload_dir: Path) -> None:
    p = caseload_dir / "mentees.csv"
    _edit(p, "E001,male,,white", "E001,male,,secretvalue")
    (msg,) = _errors(lambda: load_mentees(p))
    assert "ethnicity" in msg and "row 1" in msg
    assert "secretvalue" not in msg


def test_every_error_reported_up_to_limit(caseload_dir: Path) -> None:
    p = caseload_dir / "mentees.csv"
    text = p.read_text(encoding="utf-8").replace(",male,", ",robot,")
    p.write_text(text, encoding="utf-8")
    assert len(_errors(lambda: load_mentees(p))) == 2  # rows 1 and 3
    lines = [text.splitlines()[0]] + [
        text.splitlines()[1].replace("E001", f"E{i:03}") for i in range(30)
    ]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_mentees(p)
    assert len(info.value.errors) == 20 and info.value.truncated
    assert "more errors not shown" in str(info.value)


def test_duplicate_ids(caseload_dir: Path) -> None:
    p = caseload_dir / "mentors.csv"
    _edit(p, "M002,", "M001,")
    assert _errors(lambda: load_mentors(p)) == [
        "mentors.csv row 2 (id M001): id duplicates the id of row 1"
    ]


def test_missing_required_column(caseload_dir: Path) -> None:
    p = caseload_dir / "mentors.csv"
    _edit(p, ",max_risk,", ",maxrisk,")
    errs = _errors(lambda: load_mentors(p))
    assert "mentors.csv: 'maxrisk' is not a known column (did you mean 'max_risk'?)" in errs
    assert "mentors.csv: max_risk column is missing (it is required)" in errs


def test_unknown_column_rejected_unless_allowed(caseload_dir: Path) -> None:
    p = caseload_dir / "supervisors.csv"
    p.write_text("id,capacity,name\nS1,5,Someone\n", encoding="utf-8")
    assert _errors(lambda: load_supervisors(p)) == ["supervisors.csv: 'name' is not a known column"]
    assert load_supervisors(p, allow_unknown_columns=True)[0].capacity == 5


@pytest.mark.parametrize("value", ["-1", "-0.5"])
def test_negative_capacity_and_hours(caseload_dir: Path, value: str) -> None:
    p = caseload_dir / "mentors.csv"
    text = p.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    cells = text[1].split(",")
    cells[header.index("capacity")] = "-1"
    cells[header.index("max_hours")] = value
    text[1] = ",".join(cells)
    p.write_text("\n".join(text) + "\n", encoding="utf-8")
    errs = _errors(lambda: load_mentors(p))
    assert "mentors.csv row 1 (id M001): capacity must be >= 0; got '-1'" in errs
    assert f"mentors.csv row 1 (id M001): max_hours must be >= 0; got '{value}'" in errs


def test_latitude_and_longitude_ranges(caseload_dir: Path) -> None:
    p = caseload_dir / "mentees.csv"
    _edit(p, "51.5,-0.12", "91.0,-180.5")
    errs = _errors(lambda: load_mentees(p))
    assert "mentees.csv row 1 (id E001): lat must be <= 90; got '91.0'" in errs
    assert "mentees.csv row 1 (id E001): lon must be >= -180; got '-180.5'" in errs


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-13-01", "01/03/2026", "20260301"])
def test_impossible_or_malformed_date(caseload_dir: Path, bad: str) -> None:
    p = caseload_dir / "mentees.csv"
    _edit(p, "2026-03-01", bad)
    (msg,) = _errors(lambda: load_mentees(p))
    assert msg.startswith("mentees.csv row 2 (id E002): release_date must be a")
    assert "YYYY-MM-DD" in msg and bad in msg


def test_existing_names_unknown_mentor(caseload_dir: Path) -> None:
    _edit(caseload_dir / "existing.csv", "X1,M002", "X1,M999")
    errs = _errors(
        lambda: load_caseload(
            caseload_dir / "mentees.csv",
            caseload_dir / "mentors.csv",
            existing=caseload_dir / "existing.csv",
        )
    )
    assert errs == [
        "existing.csv row 1 (id X1): mentor_id names mentor M999, who is not in mentors.csv"
    ]


def test_exclusion_of_unknown_mentor_is_a_warning(caseload_dir: Path) -> None:
    p = caseload_dir / "mentees.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("exclude_mentors")] = "M001;M404"
    lines[1] = ",".join(cells)
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    c = load_caseload(p, caseload_dir / "mentors.csv")
    assert c.mentees[0].exclude_mentors == ("M001", "M404")
    assert c.warnings == (
        "mentees.csv row 1 (id E001): exclude_mentors names M404, not in mentors.csv (ignored)",
    )


def test_mentor_supervisor_must_exist_when_file_given(caseload_dir: Path) -> None:
    _edit(caseload_dir / "supervisors.csv", "S1,5", "S2,5")
    errs = _errors(
        lambda: load_caseload(
            caseload_dir / "mentees.csv",
            caseload_dir / "mentors.csv",
            supervisors=caseload_dir / "supervisors.csv",
        )
    )
    assert errs == [
        "mentors.csv row 1 (id M001): supervisor names S1, who is not in supervisors.csv"
    ]


def test_not_utf8(caseload_dir: Path) -> None:
    p = caseload_dir / "mentees.csv"
    data = p.read_bytes().replace(b"E002", b"E\xe9\xff2")
    p.write_bytes(data)
    (msg,) = _errors(lambda: load_mentees(p))
    assert msg.startswith("mentees.csv line 3: is not valid UTF-8 text")


def test_custody_needs_prison_and_release(caseload_dir: Path) -> None:
    p = caseload_dir / "mentees.csv"
    _edit(p, "HMP1,2026-03-01", ",")
    (msg,) = _errors(lambda: load_mentees(p))
    assert msg == (
        "mentees.csv row 2 (id E002): prison and release_date required when custody is "
        "'custody' (9999-12-31 counts as no date)"
    )


def test_ragged_row_and_wrong_extension(caseload_dir: Path, tmp_path: Path) -> None:
    p = caseload_dir / "supervisors.csv"
    p.write_text("id,capacity\nS1,5,7\n", encoding="utf-8")
    assert _errors(lambda: load_supervisors(p)) == [
        "supervisors.csv row 1: has 3 cells; the header has 2"
    ]
    x = tmp_path / "mentors.xlsx"
    x.write_bytes(b"PK")
    assert _errors(lambda: load_mentors(x)) == ["mentors.xlsx: must be .csv or .json, got '.xlsx'"]


def test_missing_file() -> None:
    assert _errors(lambda: load_prisons("nowhere/prisons.csv")) == ["prisons.csv: file not found"]


def test_json_input_and_errors(tmp_path: Path) -> None:
    p = tmp_path / "existing.json"
    p.write_text(
        json.dumps(
            [
                {"mentee_id": "A", "mentor_id": "M1", "hours": 1.5},
                {"mentee_id": "B", "mentor_id": "M1", "hours": -2},
                {"mentee_id": "C", "mentor_id": "M1", "colour": "red"},
            ]
        )
    )
    errs = _errors(lambda: load_existing(p))
    assert errs[0] == "existing.json row 2 (id B): hours must be >= 0; got '-2'"
    assert errs[1].startswith("existing.json row 3 (id C): colour is not a known field")
    p.write_text("{not json")
    assert _errors(lambda: load_existing(p)) == ["existing.json: is not valid JSON (line 1)"]


@_ROUND_TRIP
@given(mentees=mentee_records(), mentors=mentor_records(), prison=prison_records)
def test_round_trip_csv_and_json(
    tmp_path: Path, mentees: Mentee, mentors: Mentor, prison: Prison
) -> None:
    for suffix in (".csv", ".json"):
        for record, model in ((mentees, Mentee), (mentors, Mentor), (prison, Prison)):
            path = tmp_path / f"{model.__name__}{suffix}"
            write_records(path, [record], model)
            assert load_records(path, model) == (record,)


def test_oversized_cell_is_a_row_error(caseload_dir: Path) -> None:
    p = caseload_dir / "supervisors.csv"
    p.write_text('id,capacity\nS1,5\nS2,"' + "x" * 200_000 + '"\n', encoding="utf-8")
    (msg,) = _errors(lambda: load_supervisors(p))
    assert msg.startswith("supervisors.csv row 2: is not valid CSV")
