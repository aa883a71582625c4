"""Progress: each stage and its time on a terminal's stderr; nothing when quiet or piped."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from matcher.progress import LOGGER, Stages, show_progress, stage

STAGES = ("reading files", "finding candidates", "solving", "explaining", "writing outputs")
ROOT = Path(__file__).resolve().parents[1]


def _match_args(d: Path, out: Path) -> list[str]:
    files = [a for k in ("mentees", "mentors", "existing", "supervisors", "prisons")
             for a in (f"--{k}", str(d / f"{k}.csv"))]  # fmt: skip
    return [sys.executable, "-m", "matcher", "match", *files, "--as-of", "2026-01-05",
            "--out", str(out / "m.csv")]  # fmt: skip


def _run_on_a_terminal(args: list[str]) -> tuple[str, str]:
    """Run with stderr on a pseudo-terminal (stdout piped); return (stdout, terminal)."""
    master, slave = os.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=slave, env=env, cwd=ROOT)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    out = proc.communicate()[0].decode()
    os.close(master)
    assert proc.returncode == 0, seen.decode()
    return out, seen.decode()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_match_on_a_terminal_shows_each_stage_quiet_shows_none(
    caseload_dir: Path, tmp_path: Path
) -> None:
    out, tty = _run_on_a_terminal(_match_args(caseload_dir, tmp_path / "a"))
    for name in STAGES:
        assert f"\r{name} ..." in tty and f"\r{name:<22}" in tty
    assert " s   (total " in tty
    assert out.startswith("matched ")  # stdout keeps only the summary
    out, tty = _run_on_a_terminal([*_match_args(caseload_dir, tmp_path / "b"), "--quiet"])
    assert not any(name in tty for name in STAGES)
    assert out.startswith("matched ")


def test_match_piped_shows_nothing_extra(caseload_dir: Path, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(_match_args(caseload_dir, tmp_path), capture_output=True, text=True,
                          env=env, cwd=ROOT, check=True)  # fmt: skip
    assert not any(name in done.stderr for name in STAGES)
    assert done.stdout.startswith("matched ")


def test_stages_report_their_times_to_a_listener() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    term = Terminal()
    handler = show_progress(term)
    try:
        with stage("one"):
            pass
        stages = Stages()
        stages.next("two")
        stages.next("three")
        stages.end()
        stages.end()  # ending twice writes nothing more
    finally:
        LOGGER.removeHandler(handler)
    lines = term.getvalue().split("\n")
    assert [line.split("\r")[-1].split()[0] for line in lines if line] == ["one", "two", "three"]
    assert all(line.endswith(")") for line in lines if line)
