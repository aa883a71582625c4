"""The bundled demo round: a synthetic caseload run end to end with the default config."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from matcher.config import Config
from matcher.report import write_report
from matcher.round import MatchResult, match_files, write_matches_csv, write_result_json
from matcher.synth.demo import DEMO_AS_OF

__all__ = ["DEMO_AS_OF", "demo_files", "run_demo"]


def demo_files() -> dict[str, Path]:
    """Paths of the bundled demo caseload's files, by kind."""
    base = Path(str(resources.files("matcher") / "data" / "demo"))
    return {
        k: base / f"{k}.csv" for k in ("mentees", "mentors", "existing", "supervisors", "prisons")
    }


def run_demo(out_dir: str | Path) -> tuple[MatchResult, dict[str, Path]]:
    """Run the demo round and write ``matches.csv``, ``result.json`` and ``report.html``.

    Returns
    -------
    (MatchResult, dict of Path)
        The result and the files written.
    """
    files = demo_files()
    result = match_files(
        files["mentees"],
        files["mentors"],
        files["existing"],
        files["supervisors"],
        files["prisons"],
        Config(),
        as_of=DEMO_AS_OF,
    )
    out = Path(out_dir)
    written = {
        "matches": out / "matches.csv",
        "result": out / "result.json",
        "report": out / "report.html",
    }
    write_matches_csv(written["matches"], result)
    write_result_json(written["result"], result)
    write_report(written["report"], result, title="Demo matching round (synthetic caseload)")
    return result, written
