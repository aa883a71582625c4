"""What the service reads and writes in its database, one short transaction each.

Status moves one way: ``queued`` → ``running`` → ``done`` or ``failed``; ``queued`` or
``running`` → ``cancelled``. Every update names the status it expects, so a round
cancelled while it ran never becomes ``done`` when its worker reports back.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from matcher.service.db import DecisionRow, Round, RoundOutput, utc

__all__ = ["OUTPUT_KINDS", "RoundStatus", "RoundView", "Store"]

#: The outputs a finished round keeps.
OUTPUT_KINDS = ("result", "matches", "matches_csv", "report")

#: Reasons a round failed without its worker saying why.
STOPPED_RUNNING = "the service stopped while this round was running; post it again"
STOPPED_QUEUED = (
    "the service stopped before this round ran, and its inputs were not kept "
    "(start the service with --keep-inputs to keep them); post it again"
)


class RoundStatus(StrEnum):
    """Where a round is."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


_OPEN = (RoundStatus.QUEUED.value, RoundStatus.RUNNING.value)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RoundView:
    """A round as the API shows it (no input values, no outputs)."""

    id: str
    status: RoundStatus
    stage: str | None
    progress: list[dict[str, Any]]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    parent_id: str | None
    as_of: date
    input_digest: str
    counts: dict[str, Any]
    inputs_kept: bool
    summary: dict[str, Any] | None
    solver: dict[str, Any] | None
    warnings: list[str]
    error: str | None
    config: dict[str, Any]

    @classmethod
    def of(cls, r: Round) -> RoundView:
        created = utc(r.created_at)
        assert created is not None
        return cls(
            id=r.id,
            status=RoundStatus(r.status),
            stage=r.stage,
            progress=list(r.progress or []),
            created_at=created,
            started_at=utc(r.started_at),
            finished_at=utc(r.finished_at),
            parent_id=r.parent_id,
            as_of=r.as_of,
            input_digest=r.input_digest,
            counts=dict(r.counts),
            inputs_kept=r.inputs is not None,
            summary=r.summary,
            solver=r.solver,
            warnings=list(r.warnings or []),
            error=r.error,
            config=dict(r.config),
        )


class Store:
    """The service's database operations (thread-safe: one session per call)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create_round(
        self,
        *,
        as_of: date,
        config: dict[str, Any],
        digest: str,
        counts: dict[str, Any],
        inputs: str | None,
        created_by: str | None,
        parent_id: str | None = None,
        decisions: Sequence[tuple[str, str, str]] = (),
    ) -> RoundView:
        """Record a new queued round (and the decisions it re-solves with)."""
        row = Round(
            id=secrets.token_hex(12),
            status=RoundStatus.QUEUED.value,
            stage=None,
            progress=[],
            created_at=_now(),
            created_by=created_by,
            parent_id=parent_id,
            as_of=as_of,
            config=config,
            input_digest=digest,
            counts=counts,
            inputs=inputs,
            warnings=[],
        )
        with Session(self.engine) as session, session.begin():
            session.add(row)
            session.flush()
            for i, (mentee_id, mentor_id, decision) in enumerate(decisions):
                session.add(
                    DecisionRow(
                        round_id=row.id,
                        position=i,
                        mentee_id=mentee_id,
                        mentor_id=mentor_id,
                        decision=decision,
                    )
                )
            return RoundView.of(row)

    def get(self, round_id: str) -> RoundView | None:
        """The round, or None."""
        with Session(self.engine) as session:
            row = session.get(Round, round_id)
            return None if row is None else RoundView.of(row)

    def recent(self, limit: int) -> list[RoundView]:
        """The newest rounds first."""
        with Session(self.engine) as session:
            rows = session.scalars(
                select(Round).order_by(Round.created_at.desc(), Round.id).limit(limit)
            )
            return [RoundView.of(r) for r in rows]

    def inputs(self, round_id: str) -> str | None:
        """The round's kept inputs (``--keep-inputs``), or None."""
        with Session(self.engine) as session:
            return session.scalar(select(Round.inputs).where(Round.id == round_id))

    def decisions(self, round_id: str) -> list[tuple[str, str, str]]:
        """The decisions a round was re-solved with, in posted order."""
        with Session(self.engine) as session:
            rows = session.scalars(
                select(DecisionRow)
                .where(DecisionRow.round_id == round_id)
                .order_by(DecisionRow.position)
            )
            return [(d.mentee_id, d.mentor_id, d.decision) for d in rows]

    def _move(self, round_id: str, expect: Sequence[str], **values: Any) -> bool:
        with Session(self.engine) as session, session.begin():
            done = session.execute(
                update(Round).where(Round.id == round_id, Round.status.in_(expect)).values(**values)
            )
            return bool(done.rowcount)  # type: ignore[attr-defined]

    def claim(self, round_id: str) -> bool:
        """queued → running; False when the round is no longer queued (cancelled)."""
        return self._move(
            round_id,
            [RoundStatus.QUEUED.value],
            status=RoundStatus.RUNNING.value,
            started_at=_now(),
        )

    def stage(self, round_id: str, name: str) -> None:
        """Record that a running round entered stage ``name``."""
        with Session(self.engine) as session, session.begin():
            row = session.get(Round, round_id)
            if row is None or row.status != RoundStatus.RUNNING.value:
                return
            row.progress = [
                *_closed(row.progress),
                {"stage": name, "started_at": _iso(_now()), "finished_at": None},
            ]
            row.stage = name

    def finish(
        self,
        round_id: str,
        summary: dict[str, Any],
        solver: dict[str, Any],
        warnings: list[str],
        texts: dict[str, str],
    ) -> bool:
        """running → done, with the outputs; False if it was cancelled meanwhile."""
        with Session(self.engine) as session, session.begin():
            row = session.get(Round, round_id, with_for_update=True)
            if row is None or row.status != RoundStatus.RUNNING.value:
                return False
            for kind in OUTPUT_KINDS:
                session.add(RoundOutput(round_id=round_id, kind=kind, body=texts[kind]))
            row.status = RoundStatus.DONE.value
            row.progress = _closed(row.progress)
            row.stage = None
            row.finished_at = _now()
            row.summary, row.solver, row.warnings = summary, solver, warnings
            return True

    def fail(self, round_id: str, reason: str) -> bool:
        """queued or running → failed, with the reason."""
        with Session(self.engine) as session, session.begin():
            row = session.get(Round, round_id, with_for_update=True)
            if row is None or row.status not in _OPEN:
                return False
            row.status = RoundStatus.FAILED.value
            row.error = reason
            row.finished_at = _now()
            row.progress = _closed(row.progress)
            return True

    def cancel(self, round_id: str) -> bool:
        """queued or running → cancelled; False if it had already ended."""
        return self._move(round_id, _OPEN, status=RoundStatus.CANCELLED.value, finished_at=_now())

    def output(self, round_id: str, kind: str) -> str | None:
        """One output text of a finished round, or None."""
        with Session(self.engine) as session:
            row = session.get(RoundOutput, (round_id, kind))
            return None if row is None else row.body

    def recover(self) -> list[tuple[str, str]]:
        """After a restart: fail what was running, and queued rounds whose inputs were not
        kept; return ``(id, inputs)`` of queued rounds to run again, oldest first."""
        again: list[tuple[str, str]] = []
        with Session(self.engine) as session:
            open_rounds = session.execute(
                select(Round.id, Round.status, Round.inputs.is_not(None))
                .where(Round.status.in_(_OPEN))
                .order_by(Round.created_at, Round.id)
            ).all()
        for round_id, status, kept in open_rounds:
            if status == RoundStatus.RUNNING.value:
                self.fail(round_id, STOPPED_RUNNING)
            elif not kept:
                self.fail(round_id, STOPPED_QUEUED)
            else:
                text = self.inputs(round_id)
                if text is not None:
                    again.append((round_id, text))
        return again

    def open_ids(self) -> list[str]:
        """Rounds queued or running."""
        with Session(self.engine) as session:
            return list(session.scalars(select(Round.id).where(Round.status.in_(_OPEN))))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def _closed(progress: list[Any] | None) -> list[Any]:
    """The progress list with its last stage given a finish time."""
    items = [dict(p) for p in progress or []]
    if items and items[-1].get("finished_at") is None:
        items[-1]["finished_at"] = _iso(_now())
    return items
