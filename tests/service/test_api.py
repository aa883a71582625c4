"""The API through TestClient: keys and roles, bad input, size limit, rounds, cancel."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from matcher.cli import main
from matcher.service.auth import create_key, revoke_key
from tests.service.conftest import CANARY, Service, ServiceFactory, worker_pids

ROUTES = [
    ("get", "/v1/rounds"),
    ("post", "/v1/rounds"),
    ("get", "/v1/rounds/abc"),
    ("get", "/v1/rounds/abc/matches"),
    ("get", "/v1/rounds/abc/report"),
    ("post", "/v1/rounds/abc/cancel"),
    ("post", "/v1/rounds/abc/decisions"),
    ("post", "/v1/shortlist"),
]


def test_health_needs_no_key(service: Service) -> None:
    r = service.client.get("/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_every_route_but_health_needs_a_key(service: Service) -> None:
    for method, path in ROUTES:
        for headers in ({}, {"Authorization": "Bearer mk_wrong"}, {"Authorization": "Basic x"}):
            r = service.client.request(method, path, headers=headers, json={})
            assert r.status_code == 401, (method, path, headers)
            assert r.headers["www-authenticate"] == "Bearer"


def test_a_revoked_key_stops_working(service: Service) -> None:
    engine = service.app.state.store.engine
    info, key = create_key(engine, "temp", "analyst")
    headers = {"Authorization": f"Bearer {key}"}
    assert service.client.get("/v1/rounds", headers=headers).status_code == 200
    revoke_key(engine, info.id)
    assert service.client.get("/v1/rounds", headers=headers).status_code == 401


def test_analysts_read_but_may_not_write(service: Service, round_body: dict[str, Any]) -> None:
    c = service.client
    assert c.post("/v1/rounds", json=round_body, headers=service.analyst).status_code == 403
    created = c.post("/v1/rounds", json=round_body, headers=service.coordinator)
    assert created.status_code == 202
    rid = created.json()["id"]
    assert c.post(f"/v1/rounds/{rid}/cancel", headers=service.analyst).status_code == 403
    decide = c.post(f"/v1/rounds/{rid}/decisions", headers=service.analyst, json={})
    assert decide.status_code == 403
    assert c.get(f"/v1/rounds/{rid}", headers=service.analyst).status_code == 200
    body = {"mentee": round_body["mentees"][0], "mentors": round_body["mentors"]}
    assert c.post("/v1/shortlist", json=body, headers=service.analyst).status_code == 200
    assert service.wait(rid)["status"] == "done"


def _cli_errors(tmp_path: Path, lists: dict[str, Any]) -> list[str]:
    """What `matcher validate` says about the same lists saved as JSON files."""
    args = []
    for kind, items in lists.items():
        (tmp_path / f"{kind}.json").write_text(json.dumps(items))
        args += [f"--{kind}", str(tmp_path / f"{kind}.json")]
    result = CliRunner().invoke(main, ["validate", *args])
    assert result.exit_code == 2
    return [
        line.removeprefix("error: ").replace(".json", "") for line in result.stderr.splitlines()
    ]


def test_bad_records_get_the_cli_messages(
    service: Service, round_body: dict[str, Any], tmp_path: Path
) -> None:
    body = dict(round_body)
    body["mentees"] = [
        dict(round_body["mentees"][0], gender="robot", ethnicity=CANARY),
        dict(round_body["mentees"][1], lat=123),
        "not an object",
        dict(round_body["mentees"][2], id="E001"),
    ]
    body["existing"] = [{"mentee_id": "X1", "mentor_id": "M999"}]
    r = service.client.post("/v1/rounds", json=body, headers=service.coordinator)
    assert r.status_code == 422
    got = r.json()
    lists = {k: body[k] for k in ("mentees", "mentors", "existing")}
    assert [e["text"] for e in got["errors"]] == _cli_errors(tmp_path, lists)
    first = got["errors"][0]
    assert (first["file"], first["row"], first["id"], first["field"]) == (
        "mentees",
        1,
        "E001",
        "gender",
    )
    assert [e["row"] for e in got["errors"][:4]] == [1, 1, 2, 3]
    assert CANARY not in r.text  # a special-category value is never echoed


def test_cross_references_are_checked(service: Service, round_body: dict[str, Any]) -> None:
    body = dict(round_body, existing=[{"mentee_id": "X1", "mentor_id": "M999"}])
    r = service.client.post("/v1/rounds", json=body, headers=service.coordinator)
    assert r.status_code == 422
    assert [e["text"] for e in r.json()["errors"]] == [
        "existing row 1 (id X1): mentor_id names mentor M999, who is not in mentors"
    ]


def test_bad_body_config_and_date(service: Service, round_body: dict[str, Any]) -> None:
    post = service.client.post
    h = service.coordinator
    cases: list[tuple[Any, list[str]]] = [
        ([1, 2], ["body: must be a JSON object"]),
        ({**round_body, "mentess": []}, ["body: mentess is not a known field"]),
        (
            {**round_body, "as_of": "2026-02-30"},
            ['body: as_of must be a date YYYY-MM-DD; got "2026-02-30"'],
        ),
        (
            {**round_body, "config": {"weights": {"goalz": 1}}},
            ["config: unknown key 'weights.goalz' (check the spelling)"],
        ),
        (
            {**round_body, "config": []},
            ["body: config must be a JSON object of the config's TOML keys"],
        ),
        ({"mentors": round_body["mentors"]}, ["mentees: must hold a JSON list of objects"]),
    ]
    for body, lines in cases:
        r = post("/v1/rounds", json=body, headers=h)
        assert r.status_code == 422, body
        assert [e["text"] for e in r.json()["errors"]] == lines
    r = post("/v1/rounds", content=b'{"mentees": [', headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["text"] == "body: is not valid JSON (line 1)"


def test_a_body_over_the_limit_gets_413(
    open_service: ServiceFactory, round_body: dict[str, Any]
) -> None:
    with open_service(max_body_bytes=2000) as svc:
        big = json.dumps(round_body).encode()
        assert len(big) > 2000
        r = svc.client.post("/v1/rounds", content=big, headers=svc.coordinator)
        assert r.status_code == 413
        # Without a Content-Length (chunked), the limit holds while reading.
        chunks = (big[i : i + 500] for i in range(0, len(big), 500))
        r = svc.client.post("/v1/shortlist", content=chunks, headers=svc.analyst)
        assert r.status_code == 413
        assert "limit of 2000 bytes" in r.json()["detail"]


def test_a_round_runs_and_keeps_its_outputs(service: Service, round_body: dict[str, Any]) -> None:
    c = service.client
    r = c.post("/v1/rounds", json=round_body, headers=service.coordinator)
    assert r.status_code == 202
    rid = r.json()["id"]
    assert r.headers["location"] == f"/v1/rounds/{rid}"
    info = service.wait(rid)
    assert info["status"] == "done", info["error"]
    assert [p["stage"] for p in info["progress"]] == ["matching", "writing", "storing"]
    assert info["counts"] == {
        "mentees": 4,
        "mentors": 3,
        "existing": 1,
        "supervisors": 1,
        "prisons": 1,
        "decisions": 0,
    }
    assert info["solver"]["status"] == "optimal"
    assert info["summary"]["counts"]["mentees"] == 4
    assert info["inputs_kept"] is False
    rows = c.get(f"/v1/rounds/{rid}/matches", headers=service.analyst).json()["rows"]
    assert [row["mentee_id"] for row in rows] == ["E001", "E002", "E003", "E004"]
    assert {row["status"] for row in rows} == {"matched", "unmatched"}
    assert rows[3]["status"] == "unmatched" and "travel distance" in rows[3]["reason"]
    csv = c.get(f"/v1/rounds/{rid}/matches", params={"format": "csv"}, headers=service.analyst)
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("mentee_id,mentor_id,status,score,")
    assert len(csv.text.splitlines()) == 5
    report = c.get(f"/v1/rounds/{rid}/report", headers=service.analyst)
    assert report.headers["content-type"].startswith("text/html")
    assert report.text.lstrip().lower().startswith("<!doctype html")
    listed = c.get("/v1/rounds", headers=service.analyst).json()["rounds"]
    assert [x["id"] for x in listed] == [rid]
    # Unknown rounds are 404; a finished round cannot be cancelled.
    assert c.get("/v1/rounds/nope", headers=service.analyst).status_code == 404
    assert c.post(f"/v1/rounds/{rid}/cancel", headers=service.coordinator).status_code == 409


def test_cancel_stops_a_running_round_at_once(service: Service, round_body: dict[str, Any]) -> None:
    c, h = service.client, service.coordinator
    first = c.post("/v1/rounds", json=round_body, headers=h).json()["id"]
    queued = c.post("/v1/rounds", json=round_body, headers=h).json()["id"]
    # The first is running (its worker process starts); the second waits behind it.
    while c.get(f"/v1/rounds/{first}", headers=h).json()["status"] == "queued":
        time.sleep(0.01)
    for rid in (first, queued):
        r = c.post(f"/v1/rounds/{rid}/cancel", headers=h)
        assert r.status_code == 200
        assert r.json()["status"] == "cancelled"
        assert c.post(f"/v1/rounds/{rid}/cancel", headers=h).status_code == 200  # idempotent
    # The worker was killed: a new round starts a fresh one and completes; the cancelled
    # rounds stay cancelled and have no outputs.
    after = c.post("/v1/rounds", json=round_body, headers=h).json()["id"]
    assert service.wait(after)["status"] == "done"
    for rid in (first, queued):
        assert service.wait(rid)["status"] == "cancelled"
        r = c.get(f"/v1/rounds/{rid}/matches", headers=h)
        assert r.status_code == 409
        assert r.json()["detail"] == f"round {rid} is cancelled; its outputs come when done"


def test_a_worker_killed_from_outside_fails_its_round(
    service: Service, round_body: dict[str, Any]
) -> None:
    # As when the system runs out of memory and kills the round's process.
    c, h = service.client, service.coordinator
    rid = c.post("/v1/rounds", json=round_body, headers=h).json()["id"]
    while c.get(f"/v1/rounds/{rid}", headers=h).json()["status"] == "queued":
        time.sleep(0.01)
    pids = worker_pids(os.getpid())
    assert len(pids) == 1
    os.kill(pids[0], signal.SIGKILL)
    info = service.wait(rid)
    assert info["status"] == "failed"
    assert info["error"].startswith("the worker process running this round ended (exit code -9")
    again = c.post("/v1/rounds", json=round_body, headers=h).json()["id"]
    assert service.wait(again)["status"] == "done"


def test_shortlist_ranks_mentors_with_room(service: Service, round_body: dict[str, Any]) -> None:
    body = {
        "mentee": round_body["mentees"][0],
        "mentors": round_body["mentors"],
        "existing": round_body["existing"],
        "supervisors": round_body["supervisors"],
        "as_of": round_body["as_of"],
        "k": 2,
    }
    r = service.client.post("/v1/shortlist", json=body, headers=service.analyst)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["mentee_id"] == "E001"
    assert len(got["entries"]) == 2
    scores = [e["score"] for e in got["entries"]]
    assert scores == sorted(scores, reverse=True)
    far = dict(body, mentee=round_body["mentees"][3])
    none = service.client.post("/v1/shortlist", json=far, headers=service.analyst).json()
    assert none["entries"] == [] and "travel distance" in none["reason"]
    bad = dict(body, mentee=dict(round_body["mentees"][0], risk="extreme"), k=0)
    r = service.client.post("/v1/shortlist", json=bad, headers=service.analyst)
    assert r.status_code == 422
    assert [e["text"] for e in r.json()["errors"]] == [
        "body: k must be a whole number from 1 to 100; got 0"
    ]
    r = service.client.post("/v1/shortlist", json=dict(bad, k=3), headers=service.analyst)
    assert [e["text"] for e in r.json()["errors"]] == [
        "mentee row 1 (id E001): risk must be one of low, medium, high, very_high; "
        "got a value outside it (not shown: special-category field)"
    ]


def test_numbers_out_of_range_get_422_not_500(service: Service, round_body: dict[str, Any]) -> None:
    body = {
        "mentee": round_body["mentees"][0],
        "mentors": [dict(round_body["mentors"][0], capacity=10**10)],
    }
    r = service.client.post("/v1/shortlist", json=body, headers=service.analyst)
    assert r.status_code == 422  # was a 500 (an int32 overflow) until the loaders' bounds
    assert [e["field"] for e in r.json()["errors"]] == ["capacity"]
