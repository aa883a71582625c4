"""The service's OpenAPI spec, committed as ``docs/openapi.json`` (a test keeps it current).

Regenerate it with ``python -m matcher.service.openapi > docs/openapi.json``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic.json_schema import models_json_schema

from matcher.service.schemas import SPEC_MODELS

if TYPE_CHECKING:
    from fastapi import FastAPI

__all__ = ["add_request_schemas", "spec_text"]


def add_request_schemas(app: FastAPI) -> None:
    """Put the request bodies' schemas (read by the loaders, not FastAPI) and the error
    body's in the spec."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = build()
            _, defs = models_json_schema(
                [(m, "validation") for m in SPEC_MODELS],
                ref_template="#/components/schemas/{model}",
            )
            schemas = spec.setdefault("components", {}).setdefault("schemas", {})
            schemas.update(defs["$defs"])
            spec["components"]["schemas"] = dict(sorted(schemas.items()))
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def spec_text(app: FastAPI | None = None) -> str:
    """The spec as committed: indented JSON with a final newline."""
    if app is None:
        from matcher.service.app import Settings, create_app

        app = create_app(Settings(database="sqlite://"))
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(spec_text(), end="")
