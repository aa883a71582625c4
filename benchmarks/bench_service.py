"""The service under load on loopback: bursts of concurrent shortlist calls, and rounds.

Starts `matcher serve` in its own process on 127.0.0.1 (SQLite in a temporary folder),
creates a key with `matcher api-key create`, then sends BURSTS bursts of CONCURRENCY
concurrent `POST /v1/shortlist` calls (one demo referral against the demo's 80 mentors)
and times each call; then posts the demo round ROUNDS times and times each from POST to
`done`. Bounded in count and time; talks to loopback only. Prints a markdown table.

    python benchmarks/bench_service.py [--bursts 10] [--concurrency 50] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx

import matcher
from matcher.demo import DEMO_AS_OF, demo_files

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("mentees", "mentors", "existing", "supervisors", "prisons")


def _cli(*args: str) -> str:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-m", "matcher.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=120,
    )
    return done.stdout


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _quantile(xs: list[float], q: float) -> float:
    return statistics.quantiles(xs, n=100, method="inclusive")[int(q * 100) - 1]


async def _bursts(base: str, headers: dict[str, str], body: dict, n: int, c: int) -> list[float]:
    times: list[float] = []
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120) as client:

        async def one() -> None:
            t = time.perf_counter()
            r = await client.post("/v1/shortlist", json=body)
            times.append(time.perf_counter() - t)
            assert r.status_code == 200, r.text

        await one()  # warm-up, not timed
        times.clear()
        for _ in range(n):
            await asyncio.gather(*(one() for _ in range(c)))
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--bursts", type=int, default=10)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    files = demo_files()
    caseload = matcher.load_caseload(*(files[k] for k in KINDS))
    round_body: dict[str, Any] = {
        k: [r.model_dump(mode="json") for r in getattr(caseload, k)] for k in KINDS
    }
    round_body["as_of"] = DEMO_AS_OF.isoformat()
    short = {
        "mentee": round_body["mentees"][5],
        "mentors": round_body["mentors"],
        "existing": round_body["existing"],
        "as_of": DEMO_AS_OF.isoformat(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/bench.db"
        key = _cli(
            "api-key", "create", "--database", db, "--name", "bench", "--role", "coordinator"
        ).splitlines()[-1]
        port = _port()
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "matcher.cli",
                "serve",
                "--port",
                str(port),
                "--database",
                db,
                "--log-level",
                "warning",
            ],
            env=env,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": f"Bearer {key}"}
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    httpx.get(f"{base}/health")
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline
                    time.sleep(0.1)
            lat = asyncio.run(_bursts(base, headers, short, args.bursts, args.concurrency))
            rounds = []
            for _ in range(args.rounds):
                t = time.perf_counter()
                rid = httpx.post(f"{base}/v1/rounds", json=round_body, headers=headers).json()["id"]
                while httpx.get(f"{base}/v1/rounds/{rid}", headers=headers).json()["status"] in (
                    "queued",
                    "running",
                ):
                    time.sleep(0.02)
                rounds.append(time.perf_counter() - t)
        finally:
            server.kill()
            server.wait(30)
    ms = [x * 1000 for x in lat]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(
        f"command: python benchmarks/bench_service.py --bursts {args.bursts} "
        f"--concurrency {args.concurrency} --rounds {args.rounds}\n"
    )
    print("| measure | value |\n|---|---|")
    print(f"| shortlist calls | {len(ms)} ({args.bursts} bursts of {args.concurrency}) |")
    print(f"| shortlist p50 | {statistics.median(ms):.0f} ms |")
    print(f"| shortlist p95 | {_quantile(ms, 0.95):.0f} ms |")
    print(f"| shortlist max | {max(ms):.0f} ms |")
    print(
        f"| demo round, POST to done (median of {len(rounds)}) | "
        f"{statistics.median(rounds):.2f} s (first, with worker start: {rounds[0]:.2f} s) |"
    )


if __name__ == "__main__":
    main()
