"""What survives a restart, what is stored (a digest, not the inputs), what is logged."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from matcher.service.engine import parse_round
from matcher.service.store import STOPPED_QUEUED, STOPPED_RUNNING
from tests.service.conftest import CANARY, ROOT, ServiceFactory, worker_pids


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "matcher.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(database: str, log: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`matcher serve` in its own process, on loopback; killed (SIGKILL) at the end."""
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    with log.open("ab") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "matcher.cli",
                "serve",
                "--port",
                str(port),
                "--database",
                database,
            ],
            stdout=err,
            stderr=err,
            env=env,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield proc, base
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(30)


def _wait(base: str, headers: dict[str, str], rid: str, until: tuple[str, ...]) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while True:
        body: dict[str, Any] = httpx.get(f"{base}/v1/rounds/{rid}", headers=headers).json()
        if body["status"] in until or time.monotonic() > deadline:
            return body
        time.sleep(0.02)


def test_a_crash_fails_the_running_round_and_keeps_the_rest(
    database: str, round_body: dict[str, Any], tmp_path: Path
) -> None:
    created = _cli(
        "api-key", "create", "--database", database, "--name", "ci", "--role", "coordinator"
    )
    assert created.returncode == 0, created.stderr
    key = created.stdout.splitlines()[-1]
    h = {"Authorization": f"Bearer {key}"}
    log = tmp_path / "server.log"
    with _server(database, log) as (proc, base):
        done = httpx.post(f"{base}/v1/rounds", json=round_body, headers=h).json()["id"]
        assert _wait(base, h, done, ("done", "failed"))["status"] == "done"
        rows = httpx.get(f"{base}/v1/rounds/{done}/matches", headers=h).json()
        # Freeze the worker, so that the next round is surely still running at the crash.
        workers = worker_pids(proc.pid)
        assert len(workers) == 1
        os.kill(workers[0], signal.SIGSTOP)
        running = httpx.post(f"{base}/v1/rounds", json=round_body, headers=h).json()["id"]
        assert _wait(base, h, running, ("running",))["status"] == "running"
        proc.send_signal(signal.SIGKILL)  # no chance to tidy up
        proc.wait(30)
        os.kill(workers[0], signal.SIGCONT)
    # The worker notices its service has gone and exits by itself.
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{p}").exists() for p in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert workers and not any(Path(f"/proc/{p}").exists() for p in workers)
    with _server(database, log) as (_, base):
        info = httpx.get(f"{base}/v1/rounds/{running}", headers=h).json()
        assert (info["status"], info["error"]) == ("failed", STOPPED_RUNNING)
        assert httpx.get(f"{base}/v1/rounds/{done}/matches", headers=h).json() == rows
        assert httpx.get(f"{base}/v1/rounds", headers=h).status_code == 200
    text = log.read_text()
    assert f"round {done} done" in text  # the log was captured ...
    assert CANARY not in text  # ... and holds no special-category value


def test_a_stop_fails_the_running_round_and_kept_inputs_run_after_restart(
    open_service: ServiceFactory, round_body: dict[str, Any]
) -> None:
    with open_service(keep_inputs=True) as svc:
        c, h = svc.client, svc.coordinator
        first = c.post("/v1/rounds", json=round_body, headers=h).json()["id"]
        second = c.post("/v1/rounds", json=round_body, headers=h).json()["id"]
        while c.get(f"/v1/rounds/{first}", headers=h).json()["status"] == "queued":
            time.sleep(0.01)
    with open_service(keep_inputs=True) as svc:
        info = svc.wait(first)
        assert (info["status"], info["error"]) == ("failed", STOPPED_RUNNING)
        again = svc.wait(second)
        assert again["status"] == "done" and again["inputs_kept"] is True


def test_queued_rounds_without_kept_inputs_fail_with_the_reason(
    open_service: ServiceFactory, round_body: dict[str, Any]
) -> None:
    with open_service() as svc:
        c, h = svc.client, svc.coordinator
        ids = [c.post("/v1/rounds", json=round_body, headers=h).json()["id"] for _ in range(3)]
    with open_service() as svc:
        errors = {svc.wait(rid)["error"] for rid in ids}
        assert errors <= {STOPPED_RUNNING, STOPPED_QUEUED} and STOPPED_QUEUED in errors


def _database_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


@pytest.mark.parametrize("keep", [False, True])
def test_inputs_are_stored_only_when_kept(
    open_service: ServiceFactory, round_body: dict[str, Any], tmp_path: Path, keep: bool
) -> None:
    db = tmp_path / "kept.db"
    with open_service(database=f"sqlite:///{db}", keep_inputs=keep) as svc:
        c, h = svc.client, svc.coordinator
        a = c.post("/v1/rounds", json=round_body, headers=h).json()["id"]
        b = c.post("/v1/rounds", json=round_body, headers=h).json()["id"]
        changed = dict(round_body, as_of="2026-01-06")
        d = c.post("/v1/rounds", json=changed, headers=h).json()["id"]
        infos = [svc.wait(x) for x in (a, b, d)]
    assert [i["status"] for i in infos] == ["done"] * 3
    digests = [i["input_digest"] for i in infos]
    assert digests[0] == digests[1] != digests[2]
    # The digest is of the records, config and run date in a fixed form (sorted keys).
    parsed = parse_round(json.loads(json.dumps(round_body)))
    doc = {
        "as_of": round_body["as_of"],
        "config": parsed.config.model_dump(mode="json"),
        "records": parsed.records(),
    }
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert digests[0] == hashlib.sha256(text.encode()).hexdigest()
    assert (CANARY.encode() in _database_bytes(db)) is keep


def test_special_category_values_never_reach_the_logs(
    open_service: ServiceFactory, round_body: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    log = logging.getLogger("matcher")
    log.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.DEBUG)
    old = log.level
    log.setLevel(logging.DEBUG)
    try:
        with open_service() as svc:
            c, h = svc.client, svc.coordinator
            body = dict(round_body)
            # A warning the loaders log (an exclusion naming an unknown mentor).
            body["mentees"] = [
                dict(round_body["mentees"][0], exclude_mentors=["M404"]),
                *round_body["mentees"][1:],
            ]
            rid = c.post("/v1/rounds", json=body, headers=h).json()["id"]
            assert svc.wait(rid)["status"] == "done"
            bad = dict(body, mentees=[dict(round_body["mentees"][1], ethnicity=CANARY)])
            assert c.post("/v1/rounds", json=bad, headers=h).status_code == 422
            short = {"mentee": round_body["mentees"][0], "mentors": round_body["mentors"]}
            assert c.post("/v1/shortlist", json=short, headers=h).status_code == 200
    finally:
        log.removeHandler(caplog.handler)
        log.setLevel(old)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert f"round {rid} done" in text and "M404" in text
    assert CANARY not in text
