"""The OpenAPI spec: committed and current, and the service keeps to it (schemathesis)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from schemathesis import checks  # noqa: E402
from schemathesis.config import SchemathesisConfig  # noqa: E402

from matcher.service.app import Settings, create_app  # noqa: E402
from matcher.service.auth import create_key  # noqa: E402
from matcher.service.openapi import spec_text  # noqa: E402
from tests.service.conftest import ROOT, serve_in_thread  # noqa: E402

#: Examples per operation and generation mode: bounded, so the run stays in seconds.
EXAMPLES = 12


def test_the_committed_spec_is_current() -> None:
    committed = (ROOT / "docs" / "openapi.json").read_text(encoding="utf-8")
    assert committed == spec_text(), (
        "docs/openapi.json is stale: python -m matcher.service.openapi > docs/openapi.json"
    )


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """The service on loopback (uvicorn), with a coordinator's key."""
    db = tmp_path_factory.mktemp("spec") / "service.db"
    app = create_app(Settings(database=f"sqlite:///{db}", max_body_bytes=256 * 1024))
    key = create_key(app.state.store.engine, "schemathesis", "coordinator")[1]
    with serve_in_thread(app) as base:
        yield base, {"Authorization": f"Bearer {key}"}


# The committed spec, so that it is the file clients read that is tested.
schema = schemathesis.openapi.from_path(
    ROOT / "docs" / "openapi.json",
    config=SchemathesisConfig.from_dict(
        {
            "seed": 16,  # the same cases on every run
            "generation": {"mode": "all", "max-examples": EXAMPLES},
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    ),
)


@schema.parametrize()
def test_every_operation_keeps_to_the_spec(case: Any, live: tuple[str, dict[str, str]]) -> None:
    # Valid and invalid data alike: no 5xx; status codes, content types, headers and bodies
    # as documented. Not checked: that schema-valid data is accepted (rules JSON Schema
    # cannot state, such as a custody mentee's prison, give 422) and that all schema-invalid
    # data is refused (the loaders accept `;`-separated strings for lists, as JSON files may
    # hold them; unknown query parameters are ignored; the key is added to every case).
    case.call_and_validate(
        base_url=live[0],
        headers=live[1],
        excluded_checks=[checks.positive_data_acceptance, checks.negative_data_rejection],
    )


def test_the_spec_names_every_route() -> None:
    import json

    spec = json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert set(spec["paths"]) >= {
        "/health",
        "/v1/rounds",
        "/v1/rounds/{round_id}",
        "/v1/rounds/{round_id}/matches",
        "/v1/rounds/{round_id}/report",
        "/v1/rounds/{round_id}/cancel",
        "/v1/rounds/{round_id}/decisions",
        "/v1/shortlist",
    }
    assert Path(ROOT / "docs" / "service.md").exists()
