"""Decisions on a done round: re-solved into a new round linked to it, as the CLI would."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from matcher.cli import main
from tests.service.conftest import CANARY, Service, ServiceFactory, worker_pids

KINDS = ("mentees", "mentors", "existing", "supervisors", "prisons")


def _done_round(svc: Service, body: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    rid = svc.client.post("/v1/rounds", json=body, headers=svc.coordinator).json()["id"]
    assert svc.wait(rid)["status"] == "done"
    rows = svc.client.get(f"/v1/rounds/{rid}/matches", headers=svc.analyst).json()["rows"]
    return rid, rows


def _decisions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    matched = [r for r in rows if r["status"] == "matched"]
    assert len(matched) >= 2
    return [
        {
            "mentee_id": matched[0]["mentee_id"],
            "mentor_id": matched[0]["mentor_id"],
            "decision": "accept",
            "note": f"met, {CANARY}",
        },
        {
            "mentee_id": matched[1]["mentee_id"],
            "mentor_id": matched[1]["mentor_id"],
            "decision": "reject",
        },
    ]


def test_decisions_re_solve_into_a_linked_round_as_the_cli_does(
    service: Service, round_body: dict[str, Any], tmp_path: Path
) -> None:
    c, h = service.client, service.coordinator
    rid, rows = _done_round(service, round_body)
    decisions = _decisions(rows)
    # Without --keep-inputs the records must come again, and be the round's own.
    r = c.post(f"/v1/rounds/{rid}/decisions", json={"decisions": decisions}, headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "mentees"
    other = dict(round_body, mentors=round_body["mentors"][:2])
    r = c.post(
        f"/v1/rounds/{rid}/decisions", json={**_records(other), "decisions": decisions}, headers=h
    )
    assert r.status_code == 409 and "digest differs" in r.json()["detail"]
    r = c.post(
        f"/v1/rounds/{rid}/decisions",
        json={**_records(round_body), "decisions": decisions},
        headers=h,
    )
    assert r.status_code == 202
    child = r.json()["id"]
    info = service.wait(child)
    assert info["status"] == "done", info["error"]
    assert (info["parent_id"], info["decisions"]) == (rid, 2)
    new = {
        x["mentee_id"]: x for x in c.get(f"/v1/rounds/{child}/matches", headers=h).json()["rows"]
    }
    accepted, rejected = decisions
    assert new[accepted["mentee_id"]]["status"] == "accepted"
    assert new[accepted["mentee_id"]]["mentor_id"] == accepted["mentor_id"]
    assert new[rejected["mentee_id"]]["mentor_id"] != rejected["mentor_id"]
    # The CLI, given the same files, the decisions and the first round's matches.csv.
    files = []
    for kind in KINDS:
        (tmp_path / f"{kind}.json").write_text(json.dumps(round_body[kind]))
        files += [f"--{kind}", str(tmp_path / f"{kind}.json")]
    (tmp_path / "decisions.json").write_text(json.dumps(decisions))
    previous = c.get(f"/v1/rounds/{rid}/matches", params={"format": "csv"}, headers=h).text
    (tmp_path / "previous.csv").write_text(previous)
    out = tmp_path / "matches.csv"
    cli = CliRunner().invoke(
        main,
        [
            "match",
            *files,
            "--as-of",
            round_body["as_of"],
            "--decisions",
            str(tmp_path / "decisions.json"),
            "--previous",
            str(tmp_path / "previous.csv"),
            "--out",
            str(out),
        ],
    )
    assert cli.exit_code == 0, cli.output
    served = c.get(f"/v1/rounds/{child}/matches", params={"format": "csv"}, headers=h).text
    assert served == out.read_text(encoding="utf-8")


def _records(body: dict[str, Any]) -> dict[str, Any]:
    return {k: body[k] for k in KINDS}


def test_bad_decisions_get_the_cli_messages(service: Service, round_body: dict[str, Any]) -> None:
    rid, rows = _done_round(service, round_body)
    accepted = _decisions(rows)[0]
    bad = [
        {"mentee_id": "E999", "mentor_id": "M001", "decision": "accept"},
        dict(accepted, decision="maybe"),
        accepted,
        dict(accepted, decision="reject"),
    ]
    r = service.client.post(
        f"/v1/rounds/{rid}/decisions",
        json={**_records(round_body), "decisions": bad},
        headers=service.coordinator,
    )
    assert r.status_code == 422
    texts = [e["text"] for e in r.json()["errors"]]
    assert texts[0].startswith("decisions row 2 (id ")
    assert "decision must be one of accept, reject; got 'maybe'" in texts[0]
    bad.pop(1)
    r = service.client.post(
        f"/v1/rounds/{rid}/decisions",
        json={**_records(round_body), "decisions": bad},
        headers=service.coordinator,
    )
    texts = [e["text"] for e in r.json()["errors"]]
    assert (
        texts[0] == "decisions row 1 (id E999): mentee_id names mentee E999, who is not in mentees"
    )
    assert any(t.startswith("decisions row 3 ") and "contradicts row 2" in t for t in texts)
    # Only a done round takes decisions: freeze the worker so that the next one is running.
    (worker,) = worker_pids(os.getpid())
    os.kill(worker, signal.SIGSTOP)
    try:
        running = service.client.post("/v1/rounds", json=round_body, headers=service.coordinator)
        qid = running.json()["id"]
        while (
            service.client.get(f"/v1/rounds/{qid}", headers=service.analyst).json()["status"]
            == "queued"
        ):
            time.sleep(0.01)
        r = service.client.post(
            f"/v1/rounds/{qid}/decisions", json={"decisions": []}, headers=service.coordinator
        )
        assert r.status_code == 409
        assert r.json()["detail"] == f"round {qid} is running; decide on a done round"
    finally:
        os.kill(worker, signal.SIGCONT)


def test_kept_inputs_need_no_records_and_decisions_survive_a_restart(
    open_service: ServiceFactory, round_body: dict[str, Any], tmp_path: Path
) -> None:
    db = tmp_path / "kept.db"
    url = f"sqlite:///{db}"
    with open_service(database=url, keep_inputs=True) as svc:
        rid, rows = _done_round(svc, round_body)
        decisions = _decisions(rows)
        r = svc.client.post(
            f"/v1/rounds/{rid}/decisions", json={"decisions": decisions}, headers=svc.coordinator
        )
        assert r.status_code == 202
        child = r.json()["id"]
        assert svc.wait(child)["status"] == "done"
        # Decisions on the re-solve carry the earlier ones over.
        again = svc.client.post(
            f"/v1/rounds/{child}/decisions", json={"decisions": []}, headers=svc.coordinator
        ).json()["id"]
        assert svc.wait(again)["decisions"] == 2
    with open_service(database=url, keep_inputs=True) as svc:
        info = svc.client.get(f"/v1/rounds/{child}", headers=svc.analyst).json()
        assert (info["parent_id"], info["decisions"], info["status"]) == (rid, 2, "done")
    assert f"met, {CANARY}".encode() not in b"".join(
        p.read_bytes() for p in tmp_path.glob("kept.db*")
    )  # notes never are
