"""The HTTP API (FastAPI): rounds, their matches and report, decisions, shortlists.

Every route but ``/health`` (and the spec itself) needs ``Authorization: Bearer KEY``:
no key or an unknown or revoked one gets 401, an analyst's write 403. Bodies are read
here, not by FastAPI, so that they are validated by the library's loaders with the CLI's
messages (422), and so that one over the size limit is refused (413) before it is parsed.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

import matcher
from matcher.errors import ConfigError, InputError, MatcherError, RowError
from matcher.inputs.json_rows import parse_json
from matcher.service import engine
from matcher.service.auth import KeyInfo, Role, find_key
from matcher.service.db import DEFAULT_DATABASE, connect
from matcher.service.openapi import add_request_schemas
from matcher.service.runner import Runner
from matcher.service.schemas import (
    ErrorBody,
    Health,
    Matches,
    RoundAccepted,
    RoundInfo,
    RoundList,
    ShortlistOut,
)
from matcher.service.store import RoundStatus, RoundView, Store

__all__ = ["Settings", "create_app"]

log = logging.getLogger("matcher.service")


@dataclass(frozen=True)
class Settings:
    """How the service runs.

    Attributes
    ----------
    database : str
        SQLAlchemy URL; ``postgresql://`` goes through psycopg.
    keep_inputs : bool
        Store each round's records (special-category data) as well as their digest.
    max_body_bytes : int
        Larger request bodies get 413.
    workers : int
        Rounds run at once, each in its own process.
    """

    database: str = DEFAULT_DATABASE
    keep_inputs: bool = False
    max_body_bytes: int = 64 * 1024 * 1024
    workers: int = 1


_bearer = HTTPBearer(auto_error=False, description="an API key from `matcher api-key create`")


def _error(status: int, detail: str, **extra: Any) -> JSONResponse:
    body = ErrorBody(detail=detail, **extra).model_dump(mode="json")
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def _responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        401: "no key, or an unknown or revoked one",
        403: "the key's role may not do this",
        404: "no such round",
        409: "the round is not in a state that allows this",
        413: "the body is over the size limit",
        422: "bad input: every problem, named as the CLI names it",
    }
    # Content given outright (not ``model``), so that it stays JSON on the HTML route too.
    schema = {"$ref": "#/components/schemas/ErrorBody"}
    return {
        c: {"description": text[c], "content": {"application/json": {"schema": schema}}}
        for c in codes
    }


def _key(request: Request, creds: HTTPAuthorizationCredentials | None) -> KeyInfo:
    if creds is None or creds.scheme.lower() != "bearer":
        raise HTTPException(401, "an API key is required: Authorization: Bearer KEY")
    key = find_key(request.app.state.store.engine, creds.credentials)
    if key is None:
        raise HTTPException(401, "the API key is unknown or revoked")
    return key


def reader(
    request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> KeyInfo:
    """Any valid key."""
    return _key(request, creds)


def coordinator(
    request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> KeyInfo:
    """A coordinator's key."""
    key = _key(request, creds)
    if key.role != Role.COORDINATOR:
        raise HTTPException(403, "this needs a coordinator's key; analysts read only")
    return key


Reader = Annotated[KeyInfo, Depends(reader)]
Coordinator = Annotated[KeyInfo, Depends(coordinator)]


async def _json_body(request: Request) -> Any:
    """The request body as parsed JSON; 413 past the limit, 422 if not JSON."""
    limit: int = request.app.state.settings.max_body_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"the body is over the limit of {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"the body is over the limit of {limit} bytes")
        chunks.append(chunk)
    try:
        return parse_json(b"".join(chunks).decode("utf-8-sig"))
    except UnicodeDecodeError:
        problem = RowError("body", None, None, None, "is not valid UTF-8 text")
    except ValueError as exc:  # the loaders' words: not JSON (line), too deep, ...
        problem = RowError("body", None, None, None, str(exc))
    raise InputError([problem])


def _guarded(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``fn``, with an unexpected error turned into a 500 that says only its type: its
    text (and uvicorn's traceback) could hold the posted values."""

    def call(arg: Any) -> Any:
        try:
            return fn(arg)
        except MatcherError:
            raise
        except Exception as exc:  # noqa: BLE001 - logged by type and code location only
            where = "".join(traceback.format_tb(exc.__traceback__))
            log.error("internal error %s in %s\n%s", type(exc).__name__, fn.__name__, where)
            raise HTTPException(
                500, f"internal error ({type(exc).__name__}); see the service log"
            ) from None

    return call


def _info(store: Store, view: RoundView) -> RoundInfo:
    return RoundInfo(
        id=view.id,
        status=view.status,
        stage=view.stage,
        progress=view.progress,  # type: ignore[arg-type]
        created_at=view.created_at,
        started_at=view.started_at,
        finished_at=view.finished_at,
        parent_id=view.parent_id,
        as_of=view.as_of,
        input_digest=view.input_digest,
        counts=view.counts,
        inputs_kept=view.inputs_kept,
        decisions=len(store.decisions(view.id)) if view.parent_id else 0,
        summary=view.summary,
        solver=view.solver,
        warnings=view.warnings,
        error=view.error,
    )


def _round(request: Request, round_id: str) -> RoundView:
    view = request.app.state.store.get(round_id)
    if view is None:
        raise HTTPException(404, f"no round {round_id}")
    return view


def _done_output(request: Request, round_id: str, kind: str) -> str:
    view = _round(request, round_id)
    if view.status != RoundStatus.DONE:
        raise HTTPException(409, f"round {round_id} is {view.status}; its outputs come when done")
    text = request.app.state.store.output(round_id, kind)
    assert text is not None, "a done round has every output"
    return text


def _queue(
    request: Request,
    inputs: engine.RoundInputs,
    key: KeyInfo,
    parent_id: str | None = None,
    decisions: tuple[tuple[str, str, str], ...] = (),
) -> JSONResponse:
    settings: Settings = request.app.state.settings
    store: Store = request.app.state.store
    view = store.create_round(
        as_of=inputs.as_of,
        config=inputs.config.model_dump(mode="json"),
        digest=inputs.digest(),
        counts=inputs.counts(),
        inputs=inputs.canonical() if settings.keep_inputs else None,
        created_by=key.id,
        parent_id=parent_id,
        decisions=decisions,
    )
    request.app.state.runner.submit(view.id, inputs, kept=settings.keep_inputs)
    counts = ", ".join(f"{n} {k}" for k, n in inputs.counts().items() if n)
    log.info("round %s queued by key %s (%s)", view.id, key.id, counts)
    body = RoundAccepted(id=view.id, status=view.status).model_dump(mode="json")
    return JSONResponse(body, status_code=202, headers={"Location": f"/v1/rounds/{view.id}"})


def _routes(app: FastAPI) -> None:
    @app.get("/health", response_model=Health, tags=["service"])
    def health() -> Health:
        """The service is up (no key needed)."""
        return Health(status="ok", version=matcher.__version__)

    @app.post(
        "/v1/rounds",
        status_code=202,
        response_model=RoundAccepted,
        responses=_responses(401, 403, 413, 422),
        openapi_extra=_body_ref("RoundRequest"),
        tags=["rounds"],
    )
    async def create_round(request: Request, key: Coordinator) -> JSONResponse:
        """Queue a matching round; it runs in the background (coordinators)."""
        body = await _json_body(request)
        inputs = await run_in_threadpool(_guarded(engine.parse_round), body)
        return _queue(request, inputs, key)

    @app.get(
        "/v1/rounds", response_model=RoundList, responses=_responses(401, 422), tags=["rounds"]
    )
    def list_rounds(
        request: Request, key: Reader, limit: Annotated[int, Query(ge=1, le=500)] = 50
    ) -> RoundList:
        """The newest rounds first."""
        store: Store = request.app.state.store
        return RoundList(rounds=[_info(store, v) for v in store.recent(limit)])

    @app.get(
        "/v1/rounds/{round_id}",
        response_model=RoundInfo,
        responses=_responses(401, 404, 422),
        tags=["rounds"],
    )
    def get_round(request: Request, round_id: str, key: Reader) -> RoundInfo:
        """Status, stage progress, summary and solver record."""
        return _info(request.app.state.store, _round(request, round_id))

    @app.get(
        "/v1/rounds/{round_id}/matches",
        response_model=Matches,
        responses={
            **_responses(401, 404, 409, 422),
            200: {"content": {"text/csv": {"schema": {"type": "string"}}}},
        },
        tags=["rounds"],
    )
    def get_matches(
        request: Request,
        round_id: str,
        key: Reader,
        format: Literal["json", "csv"] = "json",
    ) -> Response:
        """Every mentee's row, as in matches.csv (`format=csv`: the file itself)."""
        if format == "csv":
            text = _done_output(request, round_id, "matches_csv")
            return Response(text, media_type="text/csv; charset=utf-8")
        rows = json.loads(_done_output(request, round_id, "matches"))
        body = {"round_id": round_id, "rows": rows}
        return JSONResponse(Matches.model_validate(body).model_dump(mode="json"))

    @app.get(
        "/v1/rounds/{round_id}/report",
        response_class=HTMLResponse,
        responses={
            **_responses(401, 404, 409, 422),
            200: {"content": {"text/html": {"schema": {"type": "string"}}}},
        },
        tags=["rounds"],
    )
    def get_report(request: Request, round_id: str, key: Reader) -> HTMLResponse:
        """The round's report, one self-contained HTML page."""
        return HTMLResponse(_done_output(request, round_id, "report"))

    @app.post(
        "/v1/rounds/{round_id}/cancel",
        response_model=RoundInfo,
        responses=_responses(401, 403, 404, 409, 422),
        tags=["rounds"],
    )
    def cancel_round(request: Request, round_id: str, key: Coordinator) -> RoundInfo:
        """Cancel a queued or running round (coordinators); a running one stops at once."""
        store: Store = request.app.state.store
        view = _round(request, round_id)
        if store.cancel(round_id):
            request.app.state.runner.cancel(round_id)
            log.info("round %s cancelled by key %s", round_id, key.id)
        else:
            view = _round(request, round_id)
            if view.status != RoundStatus.CANCELLED:
                raise HTTPException(409, f"round {round_id} is {view.status}; nothing to cancel")
        return _info(store, _round(request, round_id))

    @app.post(
        "/v1/rounds/{round_id}/decisions",
        status_code=202,
        response_model=RoundAccepted,
        responses=_responses(401, 403, 404, 409, 413, 422),
        openapi_extra=_body_ref("DecisionsRequest"),
        tags=["rounds"],
    )
    async def post_decisions(request: Request, round_id: str, key: Coordinator) -> JSONResponse:
        """Accept or reject a done round's proposals; the rest is re-solved as a new round
        linked to this one (coordinators)."""
        store: Store = request.app.state.store
        view = _round(request, round_id)
        if view.status != RoundStatus.DONE:
            raise HTTPException(409, f"round {round_id} is {view.status}; decide on a done round")
        parent = engine.Parent(
            id=view.id,
            config=view.config,
            as_of=view.as_of,
            digest=view.input_digest,
            inputs=store.inputs(round_id),
            decisions=tuple(store.decisions(round_id)),
            matches_csv=_done_output(request, round_id, "matches_csv"),
        )
        body = await _json_body(request)

        def parse(body: Any) -> engine.RoundInputs:
            return engine.parse_decisions(body, parent)

        try:
            inputs = await run_in_threadpool(_guarded(parse), body)
        except engine.DigestMismatch as exc:
            raise HTTPException(409, str(exc)) from None
        n = len(inputs.caseload.decisions)
        log.info("round %s: %d decisions posted by key %s", round_id, n, key.id)
        return _queue(request, inputs, key, parent_id=round_id, decisions=inputs.decision_triples())

    @app.post(
        "/v1/shortlist",
        response_model=ShortlistOut,
        responses=_responses(401, 413, 422),
        openapi_extra=_body_ref("ShortlistRequest"),
        tags=["shortlist"],
    )
    async def shortlist(request: Request, key: Reader) -> JSONResponse:
        """Rank the best mentors with room for one referral, at once (any key)."""
        body = await _json_body(request)

        def run_shortlist(body: Any) -> dict[str, Any]:
            return engine.run_shortlist(engine.parse_shortlist(body))

        return JSONResponse(await run_in_threadpool(_guarded(run_shortlist), body))


def _body_ref(model: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model}"}}},
        }
    }


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> JSONResponse:
        n = len(exc.errors)
        return _error(
            422,
            f"bad input: {n} problem{'s' if n != 1 else ''}",
            errors=engine.problems(exc),
            truncated=exc.truncated,
        )

    @app.exception_handler(ConfigError)
    async def bad_config(request: Request, exc: ConfigError) -> JSONResponse:
        return _error(422, "bad config", errors=engine.config_problems(str(exc)))

    @app.exception_handler(MatcherError)
    async def refused(request: Request, exc: MatcherError) -> JSONResponse:
        return _error(422, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError) -> JSONResponse:
        # Path and query parameters only (bodies are read by the loaders): name the parameter,
        # never echo what was sent.
        errors = [
            {
                "file": "request",
                "row": None,
                "id": None,
                "field": str(e["loc"][-1]) if e.get("loc") else None,
                "message": str(e.get("msg", "is invalid")),
                "text": f"request: {e['loc'][-1] if e.get('loc') else ''} {e.get('msg', '')}",
            }
            for e in exc.errors()
        ]
        return _error(422, "bad request parameters", errors=errors)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service's application: connects to (and migrates) the database at once.

    Rounds that a restart finds queued with their inputs kept are queued again; rounds
    it finds running, or queued without inputs, are marked failed with the reason.
    """
    settings = settings or Settings()
    store = Store(connect(settings.database))
    runner = Runner(store, settings.workers)
    runner.resume(store.recover())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        runner.stop()

    app = FastAPI(
        title="matcher",
        version=matcher.__version__,
        summary="Mentor-mentee matching rounds and shortlists for case systems",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings, app.state.store, app.state.runner = settings, store, runner
    _routes(app)
    _handlers(app)
    add_request_schemas(app)
    return app
