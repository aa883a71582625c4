"""A coordinator's decisions on proposed pairs: checked against each other and the round.

A decisions file (``mentee_id, mentor_id, decision, note``) records the review of an
earlier round's proposals: ``accept`` keeps a pair, ``reject`` never proposes it again.
:func:`check_decisions` finds every problem a file can have, each naming file, row and
field, so that a bad file stops the run (exit 2) before anything is solved. Notes are
never read here, let alone echoed.
"""

from __future__ import annotations

from collections.abc import Sequence

from matcher.errors import RowError
from matcher.models import Decision, Existing, Mentee, Mentor

__all__ = ["accepted_pairs", "check_decisions", "rejected_pairs"]


def check_decisions(
    decisions: Sequence[Decision],
    mentees: Sequence[Mentee] | None,
    mentors: Sequence[Mentor] | None,
    running: Sequence[Existing] | None = None,
    *,
    source: str = "decisions",
    mentees_source: str = "mentees",
    mentors_source: str = "mentors",
    existing_source: str = "existing",
) -> list[RowError]:
    """Every problem of a set of decisions, in row order.

    Parameters
    ----------
    decisions : sequence of Decision
        The rows, in file order (row numbers count from 1).
    mentees, mentors : sequence of Mentee, Mentor, or None
        The round's records: every decision must name one of each (``None``: not
        checked).
    running : sequence of Existing, optional
        Relationships running on the run date. An accepted pair that is one of them is
        fine (already running); accepting another mentor for its mentee, or rejecting a
        running relationship, is an error. ``None`` skips these checks (they need the
        run date).
    source, mentees_source, mentors_source, existing_source : str
        File names used in the messages.

    Returns
    -------
    list of RowError
        Empty when the decisions are consistent. Problems: unknown mentee or mentor; the
        same pair twice; a pair both accepted and rejected; one mentee accepted with two
        mentors; a decision against a running relationship.
    """
    mentee_ids = None if mentees is None else {m.id for m in mentees}
    mentor_ids = None if mentors is None else {m.id for m in mentors}
    current = {r.mentee_id: r.mentor_id for r in running} if running is not None else {}
    pair_row: dict[tuple[str, str], tuple[int, str]] = {}
    accepted_row: dict[str, tuple[int, str]] = {}
    errors: list[RowError] = []
    for row, d in enumerate(decisions, start=1):

        def err(field: str, message: str, row: int = row, d: Decision = d) -> None:
            errors.append(RowError(source, row, d.mentee_id, field, message))

        if mentee_ids is not None and d.mentee_id not in mentee_ids:
            err("mentee_id", f"names mentee {d.mentee_id}, who is not in {mentees_source}")
        if mentor_ids is not None and d.mentor_id not in mentor_ids:
            err("mentor_id", f"names mentor {d.mentor_id}, who is not in {mentors_source}")
        pair = (d.mentee_id, d.mentor_id)
        seen = pair_row.get(pair)
        if seen is not None:
            first, kind = seen
            if kind == d.decision:
                err("mentor_id", f"repeats the decision on this pair in row {first}")
            else:
                err(
                    "decision",
                    f"contradicts row {first}: a pair cannot be both accepted and rejected",
                )
            continue
        pair_row[pair] = (row, d.decision)
        runs_with = current.get(d.mentee_id)
        if d.decision == "accept":
            other = accepted_row.get(d.mentee_id)
            if other is not None:
                err(
                    "mentor_id",
                    f"is a second accepted mentor for this mentee (row {other[0]} accepts "
                    f"{other[1]}); a mentee has one mentor",
                )
                continue
            accepted_row[d.mentee_id] = (row, d.mentor_id)
            if runs_with is not None and runs_with != d.mentor_id:
                err(
                    "mentee_id",
                    f"already has a running relationship with {runs_with} in "
                    f"{existing_source}; a new mentor can be accepted once it has ended",
                )
        elif runs_with == d.mentor_id:
            err(
                "decision",
                f"rejects a relationship running in {existing_source}; to end it, give "
                "its end_date there",
            )
    return errors


def accepted_pairs(decisions: Sequence[Decision]) -> dict[str, str]:
    """Mentor accepted for each mentee (for checked decisions: at most one each)."""
    return {d.mentee_id: d.mentor_id for d in decisions if d.decision == "accept"}


def rejected_pairs(decisions: Sequence[Decision]) -> dict[str, tuple[str, ...]]:
    """Mentors rejected for each mentee, sorted by id (so row order changes nothing)."""
    out: dict[str, set[str]] = {}
    for d in decisions:
        if d.decision == "reject":
            out.setdefault(d.mentee_id, set()).add(d.mentor_id)
    return {k: tuple(sorted(v)) for k, v in sorted(out.items())}
