"""Decisions files: validated like every other input; a bad one stops the run (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from matcher.cli import main
from matcher.errors import InputError
from matcher.inputs.decisions import check_decisions
from matcher.io import load_caseload, load_decisions, write_records
from matcher.models import Decision, Existing
from matcher.round import match
from tests.factories import AS_OF, make_mentee, make_mentor

HEADER = "mentee_id,mentor_id,decision,note\n"


def _files(d: Path) -> list[str]:
    return [
        a
        for k in ("mentees", "mentors", "existing", "supervisors", "prisons")
        for a in (f"--{k}", str(d / f"{k}.csv"))
    ]


def _match(d: Path, out: Path, *extra: str) -> list[str]:
    return ["match", *_files(d), "--as-of", "2026-01-05", "--out", str(out), *extra]


# The caseload_dir fixture: mentees E001-E003, mentors M001 and M002, X1 runs with M002.
BAD = [
    ("E404,M001,accept,\n", "row 1 (id E404): mentee_id names mentee E404, who is not in "
     "mentees.csv"),
    ("E001,M404,reject,\n", "row 1 (id E001): mentor_id names mentor M404, who is not in "
     "mentors.csv"),
    ("E001,M001,accept,\nE001,M002,accept,\n", "row 2 (id E001): mentor_id is a second "
     "accepted mentor for this mentee (row 1 accepts M001); a mentee has one mentor"),
    ("E001,M001,accept,\nE001,M001,reject,\n", "row 2 (id E001): decision contradicts row 1: "
     "a pair cannot be both accepted and rejected"),
    ("E001,M001,reject,\nE001,M001,reject,\n", "row 2 (id E001): mentor_id repeats the "
     "decision on this pair in row 1"),
    ("E001,M001,maybe,\n", "row 1 (id E001): decision must be one of accept, reject; got "
     "'maybe'"),
    ("E001,,accept,\n", "row 1 (id E001): mentor_id is required"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "message"), BAD)
def test_bad_decisions_exit_2_naming_row_and_field(
    caseload_dir: Path, tmp_path: Path, body: str, message: str
) -> None:
    (caseload_dir / "decisions.csv").write_text(HEADER + body)
    out = tmp_path / "o" / "m.csv"
    decisions = ["--decisions", str(caseload_dir / "decisions.csv")]
    for args in (
        _match(caseload_dir, out, *decisions),
        ["validate", *_files(caseload_dir), *decisions],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert result.stderr == f"error: decisions.csv {message}\n"
        assert "Traceback" not in result.output
    assert not out.parent.exists()  # nothing written


def test_decision_on_running_relationship_is_an_error(caseload_dir: Path) -> None:
    write_records(
        caseload_dir / "existing.csv", [Existing(mentee_id="E001", mentor_id="M002")], Existing
    )
    (caseload_dir / "decisions.csv").write_text(HEADER + "E001,M001,accept,\nE001,M002,reject,\n")
    result = CliRunner().invoke(
        main,
        ["validate", *_files(caseload_dir), "--decisions", str(caseload_dir / "decisions.csv")],
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: decisions.csv row 1 (id E001): mentee_id already has a running relationship "
        "with M002 in existing.csv; a new mentor can be accepted once it has ended",
        "error: decisions.csv row 2 (id E001): decision rejects a relationship running in "
        "existing.csv; to end it, give its end_date there",
    ]


def test_notes_are_never_echoed(caseload_dir: Path) -> None:
    note = "confidential " + "x" * 1000
    (caseload_dir / "decisions.csv").write_text(HEADER + f"E001,M001,accept,{note}\n")
    result = CliRunner().invoke(
        main,
        ["validate", *_files(caseload_dir), "--decisions", str(caseload_dir / "decisions.csv")],
    )
    assert result.exit_code == 2
    assert "confidential" not in result.output
    assert "row 1 (id E001): note" in result.stderr


def test_json_decisions_load_and_run(caseload_dir: Path, tmp_path: Path) -> None:
    rows = [{"mentee_id": "E001", "mentor_id": "M001", "decision": "accept", "note": "ok"}]
    path = caseload_dir / "decisions.json"
    path.write_text(json.dumps(rows))
    assert load_decisions(path) == (Decision(**rows[0]),)
    out = tmp_path / "m.csv"
    result = CliRunner().invoke(main, _match(caseload_dir, out, "--decisions", str(path)))
    assert result.exit_code == 0, result.output
    assert "E001,M001,accepted," in out.read_text()
    assert "review: 1 accepted kept, 0 accepted dropped, 0 rejected" in result.output


def test_library_checks_decisions_too() -> None:
    mentees, mentors = [make_mentee("E1")], [make_mentor("M1")]
    bad = [Decision(mentee_id="E1", mentor_id="M9", decision="accept")]
    with pytest.raises(InputError, match=r"decisions row 1 \(id E1\): mentor_id names mentor M9"):
        match(mentees, mentors, as_of=AS_OF, decisions=bad)
    assert check_decisions(bad, None, None) == []  # ids unchecked without the round


def test_caseload_carries_decisions(caseload_dir: Path) -> None:
    write_records(
        caseload_dir / "decisions.csv",
        [Decision(mentee_id="E002", mentor_id="M001", decision="reject")],
        Decision,
    )
    c = load_caseload(
        *(caseload_dir / f"{k}.csv" for k in ("mentees", "mentors", "existing")),
        decisions=caseload_dir / "decisions.csv",
    )
    assert c.decisions == (Decision(mentee_id="E002", mentor_id="M001", decision="reject"),)
    assert c.counts()["decisions"] == 1
