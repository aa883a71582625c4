"""CLI: thin commands; MatcherError becomes exit 2 with message lines, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from matcher.cli import main


def _files(d: Path) -> list[str]:
    return [
        a
        for k in ("mentees", "mentors", "existing", "supervisors", "prisons")
        for a in (f"--{k}", str(d / f"{k}.csv"))
    ]


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in main.commands:
        assert name in result.output


def test_validate_ok(caseload_dir: Path) -> None:
    result = CliRunner().invoke(main, ["validate", *_files(caseload_dir)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "valid: 3 mentees, 2 mentors, 1 existing, 1 supervisors, 1 prisons, 0 decisions\n"
    )


def test_validate_bad_input_exit_2_no_traceback(caseload_dir: Path) -> None:
    p = caseload_dir / "mentees.csv"
    p.write_text(p.read_text().replace("E001,male", "E001,robot"))
    result = CliRunner().invoke(main, ["validate", *_files(caseload_dir)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [
        "error: mentees.csv row 1 (id E001): gender must be one of female, male, non_binary, "
        "undisclosed; got 'robot'"
    ]


def test_validate_bad_config(caseload_dir: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text("[rules]\nmin_shared_slot = 1\n")
    result = CliRunner().invoke(main, ["validate", *_files(caseload_dir), "--config", str(cfg)])
    assert result.exit_code == 2
    assert (
        result.stderr == "error: c.toml: unknown key 'rules.min_shared_slot' (check the spelling)\n"
    )


def test_match_writes_all_outputs(caseload_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    args = [
        "match",
        *_files(caseload_dir),
        "--as-of",
        "2026-01-05",
        "--out",
        str(out / "m.csv"),
        "--json",
        str(out / "r.json"),
        "--report",
        str(out / "r.html"),
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("matched ")
    assert {p.name for p in out.iterdir()} == {"m.csv", "r.json", "r.html"}


def test_match_bad_input_leaves_no_output(caseload_dir: Path, tmp_path: Path) -> None:
    p = caseload_dir / "mentors.csv"
    p.write_text(p.read_text().replace(",2,6.0,", ",-2,6.0,"))
    out = tmp_path / "o"
    result = CliRunner().invoke(main, ["match", *_files(caseload_dir), "--out", str(out / "m.csv")])
    assert result.exit_code == 2
    assert "capacity must be >= 0" in result.stderr
    assert not out.exists() or not any(out.iterdir())


def test_candidates_shortlist_explain(caseload_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    pairs = tmp_path / "pairs.csv"
    base = [
        "--mentees",
        str(caseload_dir / "mentees.csv"),
        "--mentors",
        str(caseload_dir / "mentors.csv"),
    ]
    r = runner.invoke(main, ["candidates", *base, "--as-of", "2026-01-05", "--out", str(pairs)])
    assert r.exit_code == 0, r.output
    header = pairs.read_text().splitlines()[0]
    assert header.startswith("mentee_id,mentor_id,score,goals,expectations")
    r = runner.invoke(main, ["shortlist", "--mentee", "E001", *base, "-k", "2"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("E001: ") and "M00" in r.output
    r = runner.invoke(main, ["shortlist", "--mentee", "NOPE", *base])
    assert r.exit_code == 2 and "NOPE" in r.stderr
    r = runner.invoke(main, ["explain", "--mentee", "E001", *base, "--as-of", "2026-01-05"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("E001: matched with")


def test_generate_then_validate(tmp_path: Path) -> None:
    runner = CliRunner()
    r = runner.invoke(
        main,
        ["generate", "--mentees", "60", "--mentors", "15", "--seed", "3", "--out", str(tmp_path)],
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["validate", *_files(tmp_path)])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("valid: 60 mentees, 15 mentors")


def test_demo_runs(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / "d")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "d" / "report.html").read_text().count("<svg") >= 3
    assert r.output.startswith("matched ")


def test_unwritable_output_is_exit_2_one_line(caseload_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    out = blocker / "m.csv"  # a folder that is a file: cannot be created
    r = CliRunner().invoke(main, ["match", *_files(caseload_dir), "--out", str(out)])
    assert r.exit_code == 2
    assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith("error: cannot write")


def test_match_prints_round_warnings(caseload_dir: Path, tmp_path: Path) -> None:
    ex = caseload_dir / "existing.csv"
    ex.write_text("mentee_id,mentor_id,hours\nX1,M002,\nX2,M002,\nX3,M002,\n")
    r = CliRunner().invoke(main, ["match", *_files(caseload_dir), "--out", str(tmp_path / "m.csv")])
    assert r.exit_code == 0, r.output
    assert "warning: mentor M002: existing relationships exceed" in r.stderr


def test_explain_unknown_mentee(caseload_dir: Path) -> None:
    r = CliRunner().invoke(main, ["explain", "--mentee", "NOPE", *_files(caseload_dir)])
    assert r.exit_code == 2
    assert r.stderr == "error: mentee NOPE is not in mentees.csv\n"


def test_explain_from_saved_result_prints_the_same(tmp_path: Path) -> None:
    runner = CliRunner()
    d = tmp_path / "caseload"
    args = ["generate", "--mentees", "60", "--mentors", "12", "--seed", "5", "--out", str(d)]
    assert runner.invoke(main, args).exit_code == 0
    day = ["--as-of", "2026-01-05"]
    saved = tmp_path / "result.json"
    r = runner.invoke(main, ["match", *_files(d), *day, "--out", str(tmp_path / "m.csv"),
                             "--json", str(saved)])  # fmt: skip
    assert r.exit_code == 0, r.output
    doc = json.loads(saved.read_text())
    rows = doc["assignments"] + doc["unmatched"]
    # A few of each kind: a proposal, no proposal with candidates and without.
    picks = [r for r in rows if r["status"] == "matched"][:2]
    picks += [r for r in rows if r["status"] == "unmatched" and r["candidates"]][:2]
    picks += [r for r in rows if r["status"] == "unmatched" and not r["candidates"]][:1]
    assert len(picks) == 5
    for row, k in zip(picks, ["5", "2", "5", "1", "5"], strict=True):
        mentee = ["--mentee", row["mentee_id"], "-k", k]
        fresh = runner.invoke(main, ["explain", *mentee, *_files(d), *day])
        again = runner.invoke(main, ["explain", *mentee, "--result", str(saved)])
        assert fresh.exit_code == again.exit_code == 0, fresh.output + again.output
        assert again.output == fresh.output
        assert again.output.startswith(f"{row['mentee_id']}: {row['status']}")


def test_explain_needs_one_source(caseload_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    saved = tmp_path / "r.json"
    out = ["--out", str(tmp_path / "m.csv"), "--json", str(saved)]
    assert runner.invoke(main, ["match", *_files(caseload_dir), *out]).exit_code == 0
    both = runner.invoke(main, ["explain", "--mentee", "E001", "--result", str(saved),
                                *_files(caseload_dir)[:2]])  # fmt: skip
    assert both.exit_code == 2 and "drop --mentees" in both.stderr
    neither = runner.invoke(main, ["explain", "--mentee", "E001"])
    assert neither.exit_code == 2 and "give --result, or --mentees and --mentors" in neither.stderr
    unknown = runner.invoke(main, ["explain", "--mentee", "NOPE", "--result", str(saved)])
    assert unknown.exit_code == 2 and unknown.stderr == "error: mentee NOPE is not in r.json\n"
    (tmp_path / "x.json").write_text("[]")
    bad = runner.invoke(main, ["explain", "--mentee", "E001", "--result", str(tmp_path / "x.json")])
    assert bad.exit_code == 2 and len(bad.stderr.splitlines()) == 1
    assert bad.stderr.startswith("error: x.json: is not a result.json")
