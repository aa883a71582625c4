"""Running relationships over time: which still run on a run date, which have ended.

A relationship of the existing file **runs** on a run date unless it has ended:

- its ``end_date`` is on or before the run date (``ended``; the mentor left, the mentee
  moved away, ...). It ended **early** when it ended before its ``planned_end``, or had
  none;
- it has no ``end_date`` and its ``planned_end`` is on or before the run date
  (``past_planned_end``). It is listed for a definitive ending: the evidence is to bring
  a relationship to a clear end, so the coordinator closes it and records the end date.

An ``end_date`` after the run date keeps the relationship running until then, even past
its planned end (an agreed extension). An ended relationship no longer counts against its
mentor's seats and hours or its supervisor's cap, and its mentee, if in the mentees
file, is matched again. ``end_reason`` is never read here, logged or shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from matcher.models import Existing

__all__ = [
    "Ending",
    "EndingKind",
    "Relationships",
    "has_ended",
    "running_on",
    "split_relationships",
]


class EndingKind(StrEnum):
    """Why a relationship no longer runs."""

    ENDED = "ended"  # its end_date has come
    PAST_PLANNED_END = "past_planned_end"  # its planned end has come; no end_date recorded


@dataclass(frozen=True)
class Ending:
    """A relationship that no longer runs on the run date (ids and dates only)."""

    mentee_id: str
    mentor_id: str
    kind: EndingKind
    end_date: date | None
    planned_end: date | None
    #: Ended before its planned end (or had none): the mentee may get extra priority.
    early: bool
    #: Its mentee is in this round's mentees file, so is matched again.
    rematched: bool = False


@dataclass(frozen=True)
class Relationships:
    """The existing file split on a run date."""

    running: tuple[Existing, ...]
    #: By mentee id.
    endings: tuple[Ending, ...]

    @property
    def ended(self) -> tuple[Ending, ...]:
        """Relationships whose end date has come."""
        return tuple(e for e in self.endings if e.kind is EndingKind.ENDED)

    @property
    def past_planned_end(self) -> tuple[Ending, ...]:
        """Relationships past their planned end with no end date: close them definitively."""
        return tuple(e for e in self.endings if e.kind is EndingKind.PAST_PLANNED_END)


def _ending(rel: Existing, as_of: date) -> Ending | None:
    if rel.end_date is not None:
        if rel.end_date > as_of:
            return None
        early = rel.planned_end is None or rel.end_date < rel.planned_end
        return Ending(
            rel.mentee_id, rel.mentor_id, EndingKind.ENDED, rel.end_date, rel.planned_end, early
        )
    if rel.planned_end is not None and rel.planned_end <= as_of:
        return Ending(
            rel.mentee_id,
            rel.mentor_id,
            EndingKind.PAST_PLANNED_END,
            None,
            rel.planned_end,
            False,
        )
    return None


def split_relationships(existing: Sequence[Existing], as_of: date) -> Relationships:
    """Split relationships into those running on ``as_of`` and those that have ended.

    Parameters
    ----------
    existing : sequence of Existing
        The existing file's rows.
    as_of : date
        The run date.

    Returns
    -------
    Relationships
        ``running`` in input order; ``endings`` by mentee id, then mentor id.
    """
    running: list[Existing] = []
    endings: list[Ending] = []
    for rel in existing:
        end = _ending(rel, as_of)
        if end is None:
            running.append(rel)
        else:
            endings.append(end)
    endings.sort(key=lambda e: (e.mentee_id, e.mentor_id))
    return Relationships(tuple(running), tuple(endings))


def has_ended(rel: Existing, as_of: date) -> bool:
    """Whether a relationship no longer runs on ``as_of`` (see the module docstring)."""
    return _ending(rel, as_of) is not None


def running_on(existing: Sequence[Existing], as_of: date) -> tuple[Existing, ...]:
    """The relationships still running on ``as_of`` (see :func:`split_relationships`)."""
    return tuple(rel for rel in existing if not has_ended(rel, as_of))
