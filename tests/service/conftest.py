"""Fixtures of the service's tests: the app on a real database (an SQLite file, or a
PostgreSQL server started on loopback when one can be), keys of both roles, and small
rounds as JSON bodies."""

from __future__ import annotations

import os
import secrets
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the service extra is not installed")

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from matcher.models import Existing, Prison, Supervisor  # noqa: E402
from matcher.service.app import Settings, create_app  # noqa: E402
from matcher.service.auth import create_key  # noqa: E402
from tests.factories import AS_OF, make_mentee, make_mentor  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]

#: A special-category value (a faith token) that must never reach logs or the database.
CANARY = "canaryfaithtoken"


@dataclass
class Service:
    """A running app with a coordinator's and an analyst's headers."""

    app: FastAPI
    client: TestClient
    coordinator: dict[str, str]
    analyst: dict[str, str]
    database: str

    def wait(self, round_id: str, timeout: float = 120) -> dict[str, Any]:
        """Poll a round until it has ended (done, failed or cancelled)."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.client.get(f"/v1/rounds/{round_id}", headers=self.analyst)
            assert r.status_code == 200, r.text
            body: dict[str, Any] = r.json()
            if body["status"] not in ("queued", "running") or time.monotonic() > deadline:
                return body
            time.sleep(0.05)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server: CI's (MATCHER_TEST_POSTGRES_URL), or one started here."""
    url = os.environ.get("MATCHER_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    # Under /tmp itself, so that the server's (non-root) user can reach it.
    pgdir = tempfile.mkdtemp(prefix="matcher-pg-")
    script = str(ROOT / ".ci" / "postgres.sh")
    started = subprocess.run(["bash", script, "start", pgdir], capture_output=True, text=True)
    if started.returncode != 0:
        subprocess.run(["bash", script, "stop", pgdir], capture_output=True)
        pytest.skip(f"no PostgreSQL server could be started here: {started.stderr.strip()}")
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(["bash", script, "stop", pgdir], capture_output=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test."""
    import psycopg

    base = postgres_server.rsplit("/", 1)[0]
    name = f"matcher_{secrets.token_hex(6)}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield f"{base}/{name}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each backend in turn: an SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'service.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


def worker_pids(parent: int) -> list[int]:
    """Pids of the round worker processes whose parent is ``parent``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (proc / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and b"matcher.service.worker" in cmdline:
            found.append(int(proc.name))
    return found


ServiceFactory = Callable[..., AbstractContextManager[Service]]


@pytest.fixture
def open_service(tmp_path: Path) -> ServiceFactory:
    """Open the app (``with open_service(database=..., **settings) as svc``); the same
    database may be opened again afterwards, as after a restart."""

    @contextmanager
    def factory(database: str | None = None, **settings: Any) -> Iterator[Service]:
        url = database or f"sqlite:///{tmp_path / 'service.db'}"
        app = create_app(Settings(database=url, **settings))
        engine = app.state.store.engine
        coord = create_key(engine, "case system", "coordinator")[1]
        analyst = create_key(engine, "analyst", "analyst")[1]
        with TestClient(app) as client:
            yield Service(
                app,
                client,
                {"Authorization": f"Bearer {coord}"},
                {"Authorization": f"Bearer {analyst}"},
                url,
            )
        app.state.store.engine.dispose()

    return factory


@pytest.fixture
def service(open_service: ServiceFactory) -> Iterator[Service]:
    """The app on an SQLite file."""
    with open_service() as svc:
        yield svc


@contextmanager
def serve_in_thread(app: FastAPI) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port in a thread; yields the base URL."""
    import threading

    import uvicorn

    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


def _round_body() -> dict[str, Any]:
    mentees = [
        make_mentee("E001", faith=CANARY, faith_match="preferred"),
        make_mentee(
            "E002",
            gender="female",
            custody="custody",
            prison="HMP1",
            release_date=date(2026, 3, 1),
        ),
        make_mentee("E003", goals=("accommodation", "finance")),
        make_mentee("E004", lat=55.9, lon=-3.2),  # Edinburgh: no mentor within reach
    ]
    mentors = [
        make_mentor("M001", supervisor="S1", prisons=("HMP1",), faith=CANARY),
        make_mentor("M002"),
        make_mentor("M003", capacity=1),
    ]
    body: dict[str, Any] = {
        "mentees": [m.model_dump(mode="json", exclude_none=True) for m in mentees],
        "mentors": [m.model_dump(mode="json", exclude_none=True) for m in mentors],
        "existing": [Existing(mentee_id="X1", mentor_id="M002").model_dump(mode="json")],
        "supervisors": [Supervisor(id="S1", capacity=5).model_dump(mode="json")],
        "prisons": [Prison(code="HMP1", name="Example", lat=51.0, lon=-1.0).model_dump()],
        "as_of": AS_OF.isoformat(),
    }
    return body


@pytest.fixture
def round_body() -> dict[str, Any]:
    """A small valid round (every list, a custody mentee, one out of reach)."""
    return _round_body()
