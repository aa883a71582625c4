"""A bounded load test on loopback: 50 concurrent shortlist calls to a live server."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx2 as httpx

import matcher
from matcher.demo import DEMO_AS_OF, demo_files
from matcher.service.app import Settings, create_app
from matcher.service.auth import create_key
from tests.service.conftest import serve_in_thread

CALLS = 50


async def _burst(base: str, headers: dict[str, str], body: dict[str, Any]) -> list[Any]:
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:
        replies = await asyncio.gather(
            *(client.post("/v1/shortlist", json=body) for _ in range(CALLS))
        )
    return [(r.status_code, r.json()) for r in replies]


def test_fifty_concurrent_shortlists_all_answer_alike(tmp_path: Path) -> None:
    files = demo_files()
    caseload = matcher.load_caseload(files["mentees"], files["mentors"], files["existing"])
    mentee = caseload.mentees[5]
    body = {
        "mentee": mentee.model_dump(mode="json"),
        "mentors": [m.model_dump(mode="json") for m in caseload.mentors],
        "existing": [e.model_dump(mode="json") for e in caseload.existing],
        "as_of": DEMO_AS_OF.isoformat(),
    }
    app = create_app(Settings(database=f"sqlite:///{tmp_path / 'load.db'}"))
    key = create_key(app.state.store.engine, "load", "analyst")[1]
    with serve_in_thread(app) as base:
        replies = asyncio.run(_burst(base, {"Authorization": f"Bearer {key}"}, body))
    assert [status for status, _ in replies] == [200] * CALLS
    first = replies[0][1]
    assert all(reply == first for _, reply in replies)
    expected = matcher.shortlist(
        mentee, caseload.mentors, existing=caseload.existing, as_of=DEMO_AS_OF
    )
    assert [e["mentor_id"] for e in first["entries"]] == [e.mentor_id for e in expected.entries]
    assert first["entries"], "the referral has mentors with room"
