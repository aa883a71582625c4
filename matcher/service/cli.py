"""``matcher serve`` and ``matcher api-key create|list|revoke``.

This module needs only click: the service extra (FastAPI, uvicorn, SQLAlchemy, Alembic)
is imported when one of these commands runs, so every other command, and ``--help``,
works without it.
"""

from __future__ import annotations

import logging
from typing import Any

import click

from matcher.errors import MatcherError

__all__ = ["add_service_commands", "api_key", "serve"]

_EXTRA = ("fastapi", "uvicorn", "sqlalchemy", "alembic")


def _need_extra() -> None:
    import importlib

    for name in _EXTRA:
        try:
            importlib.import_module(name)
        except ImportError:
            raise MatcherError(
                f"this command needs the service extra ({name} is not installed): "
                "pip install 'matcher[service]'"
            ) from None


database_option = click.option(
    "--database",
    default="sqlite:///matcher-service.db",
    show_default=True,
    envvar="MATCHER_DATABASE",
    help="SQLite or PostgreSQL URL (or set MATCHER_DATABASE).",
)


def _shown_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _log_to_stderr(level: str) -> None:
    log = logging.getLogger("matcher.service")
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-9s %(message)s"))
        log.addHandler(handler)
    log.setLevel(level.upper())
    log.propagate = False


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port."
)
@database_option
@click.option(
    "--keep-inputs",
    is_flag=True,
    help="Store each round's records too (special-category data); default: a digest only.",
)
@click.option(
    "--max-body-mb",
    default=64,
    show_default=True,
    type=click.IntRange(min=1),
    help="Larger request bodies get 413.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Rounds run at once, each in its own process.",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
)
def serve(
    host: str,
    port: int,
    database: str,
    keep_inputs: bool,
    max_body_mb: int,
    workers: int,
    log_level: str,
) -> None:
    """Serve the HTTP API for case systems (SQLite or PostgreSQL)."""
    _need_extra()
    import uvicorn

    from matcher.service.app import Settings, create_app

    _log_to_stderr(log_level)
    settings = Settings(database, keep_inputs, max_body_mb * 1024 * 1024, workers)
    app = create_app(settings)
    click.echo(f"database {_shown_url(database)}; keep inputs: {keep_inputs}", err=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level)


@click.group("api-key")
def api_key() -> None:
    """Create, list and revoke the service's API keys."""
    _need_extra()


def _engine(database: str) -> Any:
    from matcher.service.db import connect

    return connect(database)


@api_key.command("create")
@database_option
@click.option("--name", required=True, help="Who or what the key is for.")
@click.option(
    "--role",
    required=True,
    type=click.Choice(["coordinator", "analyst"]),
    help="coordinator: read and write; analyst: read.",
)
def create(database: str, name: str, role: str) -> None:
    """Create a key; it is printed once, as the last line."""
    from matcher.service.auth import create_key

    info, key = create_key(_engine(database), name, role)
    click.echo(f"created key {info.id} ({info.role}) for {info.name}; it is shown only now:")
    click.echo(key)


@api_key.command("list")
@database_option
def list_command(database: str) -> None:
    """Every key: id, role, status, created, name (never the key)."""
    from matcher.service.auth import list_keys

    keys = list_keys(_engine(database))
    if not keys:
        click.echo("no keys")
    for k in keys:
        status = "active" if k.active else f"revoked {k.revoked_at:%Y-%m-%d %H:%M}"
        created = f"{k.created_at:%Y-%m-%d %H:%M}"
        click.echo(f"{k.id}  {k.role:<11}  {status:<24}  {created}  {k.name}")


@api_key.command("revoke")
@database_option
@click.argument("key_id")
def revoke(database: str, key_id: str) -> None:
    """Revoke a key by its id (from `api-key list`); it stops working at once."""
    from matcher.service.auth import revoke_key

    info = revoke_key(_engine(database), key_id)
    click.echo(f"revoked key {info.id} ({info.role}) for {info.name}")


def add_service_commands(group: click.Group) -> None:
    """Register ``serve`` and ``api-key`` on the main command group."""
    group.add_command(serve)
    group.add_command(api_key)
