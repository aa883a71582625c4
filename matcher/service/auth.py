"""API keys and roles.

A key is 32 random bytes (``mk_`` and 43 URL-safe characters), shown once when it is
created; the database keeps only its SHA-256. A fast hash is enough here: the key is
random with 256 bits of entropy, so there is nothing to guess from a stolen hash (slow
password hashes exist for low-entropy secrets chosen by people).

Roles: an ``analyst`` reads (rounds, matches, reports) and asks for shortlists, which
store nothing; a ``coordinator`` also creates rounds, cancels them and posts decisions.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from matcher.errors import ParameterError
from matcher.service.db import ApiKey, utc

__all__ = [
    "KEY_PREFIX",
    "KeyInfo",
    "Role",
    "create_key",
    "find_key",
    "hash_key",
    "list_keys",
    "revoke_key",
]

#: Every key starts so, which lets secret scanners recognise one.
KEY_PREFIX = "mk_"


class Role(StrEnum):
    """What a key may do."""

    ANALYST = "analyst"
    COORDINATOR = "coordinator"


@dataclass(frozen=True)
class KeyInfo:
    """A key as stored (never the key itself)."""

    id: str
    name: str
    role: Role
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None


def hash_key(key: str) -> str:
    """The stored form of a key: its SHA-256, hex."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _info(row: ApiKey) -> KeyInfo:
    created = utc(row.created_at)
    assert created is not None
    return KeyInfo(row.id, row.name, Role(row.role), created, utc(row.revoked_at))


def create_key(engine: Engine, name: str, role: Role | str) -> tuple[KeyInfo, str]:
    """Create a key; returns what is stored and the key, which is not stored anywhere.

    Raises
    ------
    ParameterError
        An empty or over-long name, or an unknown role.
    """
    if not name.strip() or len(name) > 200:
        raise ParameterError(
            f"The 'name' parameter of api-key create must be 1 to 200 characters, "
            f"got {len(name.strip())} instead"
        )
    try:
        role = Role(role)
    except ValueError:
        raise ParameterError(
            f"The 'role' parameter of api-key create must be coordinator or analyst, "
            f"got {role!r} instead"
        ) from None
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        id=secrets.token_hex(4),
        name=name.strip(),
        role=role.value,
        key_hash=hash_key(key),
        created_at=datetime.now(UTC),
        revoked_at=None,
    )
    with Session(engine) as session, session.begin():
        session.add(row)
        session.flush()
        info = _info(row)
    return info, key


def find_key(engine: Engine, key: str) -> KeyInfo | None:
    """The active key ``key`` is, or None (unknown or revoked)."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    with Session(engine) as session:
        row = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
        if row is None or row.revoked_at is not None:
            return None
        return _info(row)


def list_keys(engine: Engine) -> list[KeyInfo]:
    """Every key, oldest first, revoked ones included."""
    with Session(engine) as session:
        rows = session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id))
        return [_info(r) for r in rows]


def revoke_key(engine: Engine, key_id: str) -> KeyInfo:
    """Revoke the key with this id (from ``api-key list``); it stops working at once.

    Raises
    ------
    ParameterError
        No key has this id.
    """
    with Session(engine) as session, session.begin():
        row = session.get(ApiKey, key_id)
        if row is None:
            raise ParameterError(
                f"The 'key_id' parameter of api-key revoke must be the id of a key "
                f"(see api-key list), got {key_id!r} instead"
            )
        if row.revoked_at is None:
            row.revoked_at = datetime.now(UTC)
        session.flush()
        return _info(row)
