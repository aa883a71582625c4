"""The same inputs and as_of give the same proposals (and files) as `matcher match`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import matcher
from matcher.cli import main
from matcher.demo import DEMO_AS_OF, demo_files
from tests.service.conftest import Service

KINDS = ("mentees", "mentors", "existing", "supervisors", "prisons")


def test_a_round_gives_the_cli_outputs(service: Service, tmp_path: Path) -> None:
    files = demo_files()
    out = tmp_path / "cli"
    args = [a for k in KINDS for a in (f"--{k}", str(files[k]))]
    cli = CliRunner().invoke(
        main,
        [
            "match",
            *args,
            "--as-of",
            DEMO_AS_OF.isoformat(),
            "--out",
            str(out / "matches.csv"),
            "--json",
            str(out / "result.json"),
            "--report",
            str(out / "report.html"),
        ],
    )
    assert cli.exit_code == 0, cli.output
    caseload = matcher.load_caseload(*(files[k] for k in KINDS))
    body = {k: [r.model_dump(mode="json") for r in getattr(caseload, k)] for k in KINDS}
    body["as_of"] = DEMO_AS_OF.isoformat()
    rid = service.client.post("/v1/rounds", json=body, headers=service.coordinator).json()["id"]
    assert service.wait(rid)["status"] == "done"

    def get(path: str, **params: str) -> str:
        r = service.client.get(f"/v1/rounds/{rid}/{path}", params=params, headers=service.analyst)
        assert r.status_code == 200
        return r.text

    assert get("matches", format="csv") == (out / "matches.csv").read_text(encoding="utf-8")
    assert get("report") == (out / "report.html").read_text(encoding="utf-8")
    # The JSON rows are matches.csv's: same mentors, statuses and scores, by mentee id.
    rows = json.loads(get("matches"))["rows"]
    csv_lines = (out / "matches.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert [(r["mentee_id"], r["mentor_id"] or "", r["status"]) for r in rows] == [
        tuple(line.split(",")[:3]) for line in csv_lines
    ]
    info = service.client.get(f"/v1/rounds/{rid}", headers=service.analyst).json()
    expected = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert info["summary"] == expected["summary"]
    assert {k: v for k, v in info["solver"].items() if k != "seconds"} == {
        k: v for k, v in expected["solver"].items() if k != "seconds"
    }
