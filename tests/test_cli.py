"""CLI: thin commands; MatcherError becomes exit 2 with message lines, no traceback."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from matcher.cli import main


def _files(d: Path) -> list[str]:
    return [a for k in ("mentees", "mentors", "existing", "supervisors", "prisons")
            for a in (f"--{k}", str(d / f"{k}.csv"))]  # fmt: skip


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in main.commands:
        assert name in result.output


def test_validate_ok(caseload_dir: Path) -> None:
    result = CliRunner().invoke(main, ["validate", *_files(caseload_dir)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "valid: 3 mentees, 2 mentors, 1 existing, 1 supervisors, 1 prisons\n"
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
    assert result.stderr == "error: c.toml: unknown key 'rules.min_shared_slot' (check the spelling)\n"
