"""The service's own database: API keys, rounds, their outputs and decisions.

SQLAlchemy 2 models, the same on SQLite (the default, a file in the working directory)
and PostgreSQL. The schema is created and upgraded by the Alembic migrations in
``matcher/service/migrations`` (applied when the service starts, see :func:`upgrade`);
a test keeps the two in step.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from importlib import resources
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from matcher.errors import ParameterError

__all__ = [
    "DEFAULT_DATABASE",
    "ApiKey",
    "Base",
    "DecisionRow",
    "Round",
    "RoundOutput",
    "connect",
    "normalise_url",
    "upgrade",
    "utc",
]

#: The default database: an SQLite file in the working directory.
DEFAULT_DATABASE = "sqlite:///matcher-service.db"


def utc(moment: datetime | None) -> datetime | None:
    """The moment as an aware UTC datetime (SQLite hands back naive ones)."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of the service's tables."""

    type_annotation_map = {datetime: DateTime(timezone=True), dict[str, Any]: JSON}


class ApiKey(Base):
    """A key a client sends as ``Authorization: Bearer KEY``; only its hash is kept."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class Round(Base):
    """One matching round: its state, a digest of its inputs and its summary.

    ``inputs`` holds the posted records only when the service runs with
    ``--keep-inputs``; otherwise the database keeps no second copy of them.
    """

    __tablename__ = "rounds"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    stage: Mapped[str | None] = mapped_column(String(32))
    progress: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(index=True)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    created_by: Mapped[str | None] = mapped_column(String(16))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("rounds.id"))
    as_of: Mapped[date] = mapped_column(Date)
    config: Mapped[dict[str, Any]]
    input_digest: Mapped[str] = mapped_column(String(64))
    counts: Mapped[dict[str, Any]]
    inputs: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[dict[str, Any] | None]
    solver: Mapped[dict[str, Any] | None]
    warnings: Mapped[list[Any]] = mapped_column(JSON, default=list)


class RoundOutput(Base):
    """One output of a finished round: ``result`` (result.json), ``matches`` (rows as
    JSON), ``matches_csv`` (matches.csv) or ``report`` (report.html)."""

    __tablename__ = "round_outputs"

    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    body: Mapped[str] = mapped_column(Text)


class DecisionRow(Base):
    """A coordinator's decision on a proposal, kept with the round it was re-solved into.

    A decision's free-text note is never stored here (it is kept, with the other inputs,
    only under ``--keep-inputs``).
    """

    __tablename__ = "decisions"

    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    mentee_id: Mapped[str] = mapped_column(String(64))
    mentor_id: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(16))


def normalise_url(url: str) -> str:
    """A database URL for SQLAlchemy: ``postgresql://`` goes through psycopg 3.

    Raises
    ------
    ParameterError
        Not an ``sqlite`` or ``postgresql`` URL.
    """
    try:
        parsed = make_url(url)
    except Exception:  # sqlalchemy raises ArgumentError; say it in the CLI's words
        raise ParameterError(
            f"The 'database' parameter of serve must be a database URL such as "
            f"sqlite:///matcher-service.db or postgresql://user@host/db, got {url!r} instead"
        ) from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise ParameterError(
            f"The 'database' parameter of serve must be an sqlite or postgresql URL, "
            f"got a {backend} URL instead"
        )
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def connect(url: str = DEFAULT_DATABASE) -> Engine:
    """An engine for the database at ``url``, migrated to the newest schema."""
    # hide_parameters: a database error's text would otherwise quote the row it wrote,
    # kept inputs (special-category data) included, into the logs.
    engine = create_engine(normalise_url(url), pool_pre_ping=True, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    upgrade(engine)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    # Readers and the round runner write at once: wait for the lock instead of failing.
    cur.execute("PRAGMA busy_timeout = 30000")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def upgrade(engine: Engine) -> None:
    """Apply every Alembic migration the database lacks (creating it if empty)."""
    from alembic import command
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(resources.files("matcher.service") / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
