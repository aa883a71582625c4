"""The bad-input corpus (tests/data/bad/) through every CLI command that reads it.

Each case must give exit 2 and a few lines naming file, row and field, with no
traceback, no output left behind (not even a temporary file) and its inputs untouched.
Cases that need a file system object rather than a file (a folder, a pipe, a symlink, a
file over the size limit) are made here, in small generators.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from matcher.cli import main

BAD = Path(__file__).parent / "data" / "bad"
CASES: list[dict[str, Any]] = tomllib.loads((BAD / "cases.toml").read_text(encoding="utf-8"))[
    "case"
]
CASELOAD = ("mentees", "mentors", "existing", "supervisors", "prisons")
KINDS = (*CASELOAD, "decisions")
# The inputs each command reads (besides --config).
READS = {
    "validate": KINDS,
    "match": KINDS,
    "candidates": ("mentees", "mentors", "prisons"),
    "shortlist": ("mentees", "mentors", "existing", "supervisors"),
    "explain": KINDS,
    "compare": CASELOAD,
    "sweep": CASELOAD,
}


def _caseload(tmp: Path) -> dict[str, Path]:
    """A copy of the valid base caseload; returns the path of each input."""
    folder = tmp / "in"
    folder.mkdir()
    files = {}
    for kind in KINDS:
        files[kind] = folder / f"{kind}.csv"
        shutil.copyfile(BAD / "base" / f"{kind}.csv", files[kind])
    return files


def _args(command: str, files: dict[str, Path], out: Path, config: Path | None) -> list[str]:
    args = [command]
    if command in ("shortlist", "explain"):
        args += ["--mentee", "E1"]
    for kind in READS[command]:
        args += [f"--{kind}", str(files[kind])]
    folder = files["mentees"].parent
    if command == "compare":  # config A is the case's (if any), B the defaults
        empty = folder / "empty.toml"
        empty.write_text("")
        args += ["--config", str(config or empty), "--config", str(empty)]
    elif command == "sweep":  # the case's config as the grid's base
        grid = folder / "grid.toml"
        base = f'base = "{config.name}"\n' if config is not None else ""
        grid.write_text(base + "[vary.weights]\ngoals = [1.0, 2.0]\n")
        args += ["--grid", str(grid), "--workers", "1"]
    elif config is not None:
        args += ["--config", str(config)]
    if command in ("match", "explain", "candidates", "compare", "sweep"):
        args += ["--as-of", "2026-01-05"]
    if command == "match":
        args += ["--out", str(out / "m.csv"), "--json", str(out / "r.json")]
        args += ["--report", str(out / "r.html")]
    if command == "candidates":
        args += ["--out", str(out / "pairs.csv")]
    if command == "compare":
        args += ["--out", str(out / "changes.csv"), "--json", str(out / "c.json")]
        args += ["--report", str(out / "c.html")]
    if command == "sweep":
        args += ["--out", str(out / "sweep.csv"), "--report", str(out / "sweep.html")]
    return args


def _snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _refused(result: Result, out: Path, before: dict[str, str], inputs: Path) -> list[str]:
    """Assert what every refused run promises; return its stderr lines."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert 1 <= len(lines) <= 8, lines
    assert not out.exists() or list(out.iterdir()) == [], "an output was left behind"
    assert _snapshot(inputs) == before, "an input changed"
    return lines


def _case_params() -> list[Any]:
    params = []
    for case in CASES:
        kind = case["input"]
        for command, reads in READS.items():
            if kind == "config" or kind in reads:
                params.append(pytest.param(case, command, id=f"{case['name']}-{command}"))
    return params


@pytest.mark.parametrize(("case", "command"), _case_params())
def test_corpus_case_is_refused_cleanly(case: dict[str, Any], command: str, tmp_path: Path) -> None:
    files = _caseload(tmp_path)
    source = BAD / case["file"]
    config = None
    if case["input"] == "config":
        config = files["mentees"].parent / "c.toml"
        shutil.copyfile(source, config)
    else:
        files[case["input"]].unlink()
        files[case["input"]] = files["mentees"].parent / f"{case['input']}{source.suffix}"
        shutil.copyfile(source, files[case["input"]])
    out = tmp_path / "out"
    args = _args(command, files, out, config)
    before = _snapshot(files["mentees"].parent)
    result = CliRunner().invoke(main, args)
    lines = _refused(result, out, before, files["mentees"].parent)
    text = "\n".join(lines)
    for expected in case["expect"]:
        assert expected in text, (expected, lines)
    for secret in case.get("hidden", []):
        assert secret not in result.output
    assert all(line.startswith(("error: ", "warning: ")) for line in lines), lines


def test_every_corpus_file_is_listed() -> None:
    listed = {c["file"] for c in CASES}
    on_disk = {
        str(p.relative_to(BAD))
        for p in BAD.rglob("*")
        if p.is_file() and p.parent.name not in ("base", "bad")
    }
    assert on_disk == listed


# --- cases made by small generators ------------------------------------------------------


def _folder_input(files: dict[str, Path]) -> str:
    files["mentors"].unlink()
    files["mentors"].mkdir()
    return "is a directory"  # click's own check of the option


def _missing_input(files: dict[str, Path]) -> str:
    files["mentors"].unlink()
    return "mentors.csv: file not found"


def _pipe_input(files: dict[str, Path]) -> str:
    files["mentors"].unlink()
    os.mkfifo(files["mentors"])  # reading it would block forever
    return "mentors.csv: is not a regular file"


def _too_big(files: dict[str, Path]) -> str:
    cfg = files["mentees"].parent / "c.toml"
    cfg.write_text("[limits]\nmax_file_mib = 1\n")
    text = files["mentees"].read_text()
    files["mentees"].write_text(text + "\n" * 2**20)  # blank lines: only the size is wrong
    return "mentees.csv: is larger than the limit of 1 MiB (limits.max_file_mib)"


def _config_folder(files: dict[str, Path]) -> str:
    (files["mentees"].parent / "c.toml").mkdir()
    return "is a directory"  # click's own check of the option


GENERATED: dict[str, Callable[[dict[str, Path]], str]] = {
    "folder_input": _folder_input,
    "missing_input": _missing_input,
    "too_big": _too_big,
    "config_is_a_folder": _config_folder,
}
if hasattr(os, "mkfifo") and sys.platform != "win32":
    GENERATED["pipe_input"] = _pipe_input


@pytest.mark.parametrize("name", sorted(GENERATED))
@pytest.mark.parametrize("command", ["validate", "match"])
def test_generated_case_is_refused_cleanly(name: str, command: str, tmp_path: Path) -> None:
    files = _caseload(tmp_path)
    expected = GENERATED[name](files)
    cfg = files["mentees"].parent / "c.toml"
    out = tmp_path / "out"
    before = _snapshot(files["mentees"].parent)
    result = CliRunner().invoke(
        main, _args(command, files, out, cfg if cfg.exists() or name.startswith("config") else None)
    )
    lines = _refused(result, out, before, files["mentees"].parent)
    assert any(expected in line for line in lines), lines


def test_as_of_outside_the_date_range(tmp_path: Path) -> None:
    files = _caseload(tmp_path)
    args = _args("match", files, tmp_path / "out", None)
    args[args.index("2026-01-05")] = "9999-01-01"
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "must be between 1900-01-01 and 2199-12-31" in result.stderr


# --- outputs: all or nothing, never over an input -----------------------------------------


def _match(files: dict[str, Path], **outs: Path) -> list[str]:
    args = ["match", *(a for k in KINDS for a in (f"--{k}", str(files[k])))]
    args += ["--as-of", "2026-01-05"]
    for option, path in outs.items():
        args += [f"--{option}", str(path)]
    return args


@pytest.mark.parametrize("kind", KINDS)
def test_out_naming_an_input_is_refused(kind: str, tmp_path: Path) -> None:
    files = _caseload(tmp_path)
    before = _snapshot(files["mentees"].parent)
    result = CliRunner().invoke(main, _match(files, out=files[kind]))
    (line,) = _refused(result, tmp_path / "none", before, files["mentees"].parent)
    assert line == f"error: {files[kind]} is an input; write the output somewhere else"


def test_json_through_a_symlink_to_an_input_is_refused(tmp_path: Path) -> None:
    files = _caseload(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    link = tmp_path / "r.json"
    link.symlink_to(files["mentors"])
    before = _snapshot(files["mentees"].parent)
    result = CliRunner().invoke(main, _match(files, out=out / "m.csv", json=link))
    (line,) = _refused(result, out, before, files["mentees"].parent)
    assert f"{link} is an input (the same file as {files['mentors']})" in line


def test_hard_link_to_an_input_is_refused(tmp_path: Path) -> None:
    files = _caseload(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    os.link(files["existing"], out / "m.csv")
    before = _snapshot(files["mentees"].parent)
    result = CliRunner().invoke(main, _match(files, out=out / "m.csv"))
    assert result.exit_code == 2 and "is an input" in result.stderr
    assert _snapshot(files["mentees"].parent) == before


def test_config_as_output_is_refused(tmp_path: Path) -> None:
    files = _caseload(tmp_path)
    cfg = files["mentees"].parent / "c.toml"
    cfg.write_text("[rules]\nmin_shared_slots = 1\n")
    before = _snapshot(files["mentees"].parent)
    args = [*_match(files, out=tmp_path / "m.csv", report=cfg), "--config", str(cfg)]
    result = CliRunner().invoke(main, args)
    _refused(result, tmp_path / "none", before, files["mentees"].parent)
    assert not (tmp_path / "m.csv").exists()


def test_two_outputs_on_one_path_are_refused(tmp_path: Path) -> None:
    files = _caseload(tmp_path)
    out = tmp_path / "out"
    before = _snapshot(files["mentees"].parent)
    result = CliRunner().invoke(main, _match(files, out=out / "x", json=out / "x"))
    (line,) = _refused(result, out, before, files["mentees"].parent)
    assert line == f"error: {out / 'x'} is given for two outputs; give each its own path"


def test_failing_report_replaces_no_earlier_output(tmp_path: Path) -> None:
    files = _caseload(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "m.csv").write_text("last week's matches\n")
    (out / "r.json").write_text("{}\n")
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    report = blocker / "r.html"  # its folder is a file: cannot be created
    result = CliRunner().invoke(
        main, _match(files, out=out / "m.csv", json=out / "r.json", report=report)
    )
    assert result.exit_code == 2, result.output
    assert result.stderr == f"error: cannot write {report}: Not a directory\n"
    assert (out / "m.csv").read_text() == "last week's matches\n"
    assert (out / "r.json").read_text() == "{}\n"
    assert sorted(p.name for p in out.iterdir()) == ["m.csv", "r.json"]  # no temporary file


def test_out_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    files = _caseload(tmp_path)
    (tmp_path / "m.csv").mkdir()
    result = CliRunner().invoke(main, _match(files, out=tmp_path / "m.csv"))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "is a directory" in result.stderr  # click's own check of the option


def test_candidates_out_naming_an_input_is_refused(tmp_path: Path) -> None:
    files = _caseload(tmp_path)
    before = _snapshot(files["mentees"].parent)
    args = ["candidates", "--mentees", str(files["mentees"]), "--mentors", str(files["mentors"])]
    result = CliRunner().invoke(main, [*args, "--out", str(files["mentees"])])
    _refused(result, tmp_path / "none", before, files["mentees"].parent)


# --- explain --result: a saved round is an input too ---------------------------------------


def _result_cases(folder: Path) -> dict[str, tuple[Path, str]]:
    deep = folder / "deep.json"
    deep.write_text("[" * 3000 + "]" * 3000)
    wrong = folder / "list.json"
    wrong.write_text('[{"mentee_id": "E1"}]')
    text = folder / "text.json"
    text.write_text("not json at all")
    cases = {
        "nested_too_deep": (deep, "deep.json: is not valid JSON here (nested too deeply)"),
        "wrong_shape": (wrong, "list.json: is not a result.json written by matcher"),
        "not_json": (text, "text.json: is not valid JSON (line 1)"),
    }
    if hasattr(os, "mkfifo"):
        pipe = folder / "pipe.json"
        os.mkfifo(pipe)
        cases["pipe"] = (pipe, "pipe.json: is not a regular file")
    return cases


@pytest.mark.parametrize("name", ["nested_too_deep", "wrong_shape", "not_json", "pipe"])
def test_explain_from_a_bad_result_is_refused_cleanly(name: str, tmp_path: Path) -> None:
    cases = _result_cases(tmp_path)
    if name not in cases:
        pytest.skip("no named pipes here")
    path, expected = cases[name]
    result = CliRunner().invoke(main, ["explain", "--mentee", "E1", "--result", str(path)])
    (line,) = _refused(result, tmp_path / "none", _snapshot(tmp_path), tmp_path)
    assert line.startswith(f"error: {expected}"), line
