"""The database: migrations build the models' schema on SQLite and PostgreSQL alike."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from matcher.service.db import Base, connect, normalise_url


def test_migrations_match_the_models_and_apply_once(database: str) -> None:
    engine = connect(database)
    connect(database).dispose()  # a second start applies nothing and breaks nothing
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        assert MigrationContext.configure(conn).get_current_revision() == "0001"
    assert set(inspect(engine).get_table_names()) >= {
        "api_keys",
        "rounds",
        "round_outputs",
        "decisions",
    }
    engine.dispose()


def test_postgresql_urls_go_through_psycopg() -> None:
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"
