"""Commit a reviewed round: the running relationships for the next round.

``matcher commit`` (and :func:`commit_round`) takes this round's existing file, the
``matches.csv`` the round wrote and the coordinator's decisions, and gives the next
round's existing file:

- the relationships still running on the commit date, unchanged (an ``end_date`` still to
  come, and its ``end_reason``, carried as they are);
- plus every accepted pair, as a new relationship: its weekly ``hours`` and
  ``planned_end`` from ``matches.csv``, ``start_date`` the commit date;
- minus the relationships that have ended (see :mod:`matcher.inputs.relationships`); they are
  reported, those past their planned end as to close definitively.

An accepted pair must appear in ``matches.csv`` with the same mentor, as ``accepted`` (a
round run with these decisions) or ``matched`` (a proposal accepted as it stands); a row
``accepted`` there must be accepted in the decisions. Anything else is an error naming
file, row and field: the matches and the decisions do not belong together. Rejections
are not carried forward: they hold while the decisions file is passed to ``match``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import NamedTuple

from matcher.errors import InputError, ParameterError, RowError
from matcher.inputs.decisions import check_decisions
from matcher.inputs.relationships import Ending, EndingKind, split_relationships
from matcher.io import (
    MAX_ERRORS,
    PathLike,
    load_decisions,
    load_existing,
    load_proposals,
    write_records,
)
from matcher.models import Decision, Existing, Proposal

__all__ = ["Commit", "commit_files", "commit_round"]


@dataclass(frozen=True)
class Commit:
    """The next round's running relationships, and how they came about."""

    #: The next round's existing file, by mentee id.
    relationships: tuple[Existing, ...]
    #: Old relationships still running.
    kept: int
    #: Accepted pairs added, by mentee id.
    added: tuple[Existing, ...]
    #: Accepted pairs that already were running relationships (not added twice).
    already_running: int
    #: Old relationships that have ended (not written), by mentee id.
    endings: tuple[Ending, ...]

    @property
    def past_planned_end(self) -> tuple[Ending, ...]:
        """Ended at their planned end with no end date recorded: close them definitively."""
        return tuple(e for e in self.endings if e.kind is EndingKind.PAST_PLANNED_END)


class _Names(NamedTuple):
    decisions: str
    matches: str


def _new_relationship(
    row: int, d: Decision, found: tuple[int, Proposal] | None, as_of: date, names: _Names
) -> Existing | RowError:
    """The relationship an accepted pair starts, or why the matches file does not allow it."""
    if found is None:
        why = f"names mentee {d.mentee_id}, who is not in {names.matches}"
        return RowError(names.decisions, row, d.mentee_id, "mentee_id", why)
    at, p = found
    if p.status not in ("accepted", "matched") or p.mentor_id != d.mentor_id:
        why = (
            f"accepts {d.mentor_id}, but {names.matches} has {d.mentee_id} {_state(p)}; run "
            "match with these decisions first"
        )
        return RowError(names.decisions, row, d.mentee_id, "mentor_id", why)
    if p.planned_end is not None and p.planned_end <= as_of:
        why = f"{p.planned_end.isoformat()} has come by the commit date {as_of.isoformat()}"
        return RowError(names.matches, at, d.mentee_id, "planned_end", why)
    return Existing(
        mentee_id=d.mentee_id,
        mentor_id=d.mentor_id,
        hours=p.hours,
        start_date=as_of,
        planned_end=p.planned_end,
    )


def _not_accepted(
    proposals: Sequence[Proposal], decisions: Sequence[Decision], names: _Names
) -> list[RowError]:
    """Rows ``accepted`` in the matches file that the decisions do not accept."""
    accepted = {(d.mentee_id, d.mentor_id) for d in decisions if d.decision == "accept"}
    return [
        RowError(
            names.matches,
            row,
            p.mentee_id,
            "status",
            f"is accepted, but {names.decisions} does not accept {p.mentee_id}-{p.mentor_id}; "
            "use the decisions the round was run with",
        )
        for row, p in enumerate(proposals, start=1)
        if p.status == "accepted" and (p.mentee_id, p.mentor_id) not in accepted
    ]


def _state(p: Proposal) -> str:
    if p.status == "unmatched":
        return "unmatched"
    if p.status == "existing":
        return f"in a running relationship with {p.mentor_id}"
    return f"{p.status} with {p.mentor_id}"


def commit_round(
    existing: Sequence[Existing],
    proposals: Sequence[Proposal],
    decisions: Sequence[Decision],
    as_of: date,
    *,
    existing_source: str = "existing",
    matches_source: str = "matches",
    decisions_source: str = "decisions",
) -> Commit:
    """The running relationships of the next round.

    Parameters
    ----------
    existing : sequence of Existing
        This round's existing relationships.
    proposals : sequence of Proposal
        The rows of the round's ``matches.csv``.
    decisions : sequence of Decision
        The coordinator's decisions on the round.
    as_of : date
        The commit date: what has ended by then is dropped, and the accepted pairs
        start on it.
    existing_source, matches_source, decisions_source : str
        File names, for messages.

    Returns
    -------
    Commit

    Raises
    ------
    InputError
        The decisions contradict themselves, a running relationship or the matches
        file; each problem names file, row and field.
    """
    rels = split_relationships(existing, as_of)
    errors = check_decisions(
        decisions,
        None,
        None,
        rels.running,
        source=decisions_source,
        existing_source=existing_source,
    )
    if errors:
        raise InputError(errors[:MAX_ERRORS], len(errors) > MAX_ERRORS)
    names = _Names(decisions_source, matches_source)
    by_mentee = {p.mentee_id: (row, p) for row, p in enumerate(proposals, start=1)}
    running = {r.mentee_id: r.mentor_id for r in rels.running}
    added: list[Existing] = []
    already = 0
    for row, d in enumerate(decisions, start=1):
        if d.decision != "accept":
            continue
        if running.get(d.mentee_id) == d.mentor_id:
            already += 1
            continue
        new = _new_relationship(row, d, by_mentee.get(d.mentee_id), as_of, names)
        if isinstance(new, RowError):
            errors.append(new)
        else:
            added.append(new)
    errors += _not_accepted(proposals, decisions, names)
    if errors:
        raise InputError(errors[:MAX_ERRORS], len(errors) > MAX_ERRORS)
    added.sort(key=lambda r: r.mentee_id)
    rows = sorted(rels.running + tuple(added), key=lambda r: (r.mentee_id, r.mentor_id))
    return Commit(tuple(rows), len(rels.running), tuple(added), already, rels.endings)


def commit_files(
    existing: PathLike | None,
    matches: PathLike,
    decisions: PathLike,
    out: PathLike,
    as_of: date | None = None,
) -> Commit:
    """Load the files, :func:`commit_round` them and write the next existing file.

    ``existing`` may be None (a first round). ``out`` is written atomically and may not
    be one of the inputs (a commit never overwrites the record it was made from).

    Raises
    ------
    InputError, ParameterError
        Bad input (naming file, row and field), or ``out`` naming an input.
    """
    inputs = [Path(p).resolve() for p in (existing, matches, decisions) if p is not None]
    if Path(out).resolve() in inputs:
        raise ParameterError(
            "The 'out' parameter of commit_files must not name an input file, "
            f"got {Path(out).name!r} instead"
        )
    result = commit_round(
        load_existing(existing) if existing is not None else (),
        load_proposals(matches),
        load_decisions(decisions),
        as_of or date.today(),
        existing_source=Path(existing).name if existing is not None else "existing",
        matches_source=Path(matches).name,
        decisions_source=Path(decisions).name,
    )
    write_records(out, result.relationships, Existing)
    return result
