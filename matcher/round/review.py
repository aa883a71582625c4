"""What a review did to a round, and what changed against the previous proposals.

:func:`build_review` reads the finished rows of a round and its :class:`ReviewPlan` and
gives one typed :class:`Review`: how many accepted pairs were kept and which dropped (and
why), how many pairs were rejected, how many mentees were re-solved, which relationships
ended, and, per mentee, how the outcome compares with the previous proposals. Those are
the rows of an earlier ``matches.csv`` when one is given (``--previous``), else the
decisions themselves (each names a pair that was proposed). Ids and dates only: no note
or end reason ever reaches a review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from matcher.inputs.relationships import Ending, EndingKind
from matcher.models import Proposal
from matcher.round.plan import DroppedPair, ReviewPlan

__all__ = [
    "Change",
    "ChangeKind",
    "Review",
    "build_review",
    "change_words",
    "review_lines",
]


class ChangeKind(StrEnum):
    """How a mentee's outcome compares with the previous proposal."""

    KEPT = "kept"  # accepted pair kept
    DROPPED = "dropped"  # accepted pair dropped (no longer fits)
    SAME = "same"  # the same mentor again
    MOVED = "moved"  # another mentor now
    NEW_MATCH = "new_match"  # no mentor before, one now
    LOST = "lost"  # a mentor before, none now
    STILL_UNMATCHED = "still_unmatched"
    NOW_EXISTING = "now_existing"  # now a running relationship, with another mentor
    NEW_MENTEE = "new_mentee"  # not in the previous proposals
    LEFT = "left"  # in the previous proposals, not in this round

    @property
    def listed(self) -> bool:
        """Whether a mentee with this outcome is listed one by one (it changed)."""
        return self not in _UNLISTED


_UNLISTED = frozenset(
    {ChangeKind.KEPT, ChangeKind.SAME, ChangeKind.STILL_UNMATCHED, ChangeKind.NEW_MENTEE}
)

#: Where the previous proposals came from.
AGAINST_PREVIOUS = "previous"
AGAINST_DECISIONS = "decisions"


@dataclass(frozen=True)
class Change:
    """One mentee's outcome against the previous proposals."""

    mentee_id: str
    #: The mentor proposed before (from previous matches), or the mentors decided on.
    before: tuple[str, ...]
    after: str | None
    #: The row's status in this round ("" for a mentee no longer in the round).
    status: str
    kind: ChangeKind


@dataclass(frozen=True)
class Review:
    """What the coordinator's review and the relationships' endings did to a round."""

    decisions: int
    accepted: int
    dropped: tuple[DroppedPair, ...]
    already_running: tuple[tuple[str, str], ...]
    rejected: int
    #: Mentees solved in this round (everyone but running and kept accepted pairs).
    resolved: int
    endings: tuple[Ending, ...]
    #: ``previous`` (an earlier matches file), ``decisions`` or None (nothing to compare).
    compared_with: str | None
    #: Every outcome kind seen, with its count (kind order).
    change_counts: dict[ChangeKind, int] = field(default_factory=dict)
    #: The mentees whose outcome changed (``ChangeKind.listed``), by mentee id.
    changes: tuple[Change, ...] = ()

    @property
    def ended(self) -> tuple[Ending, ...]:
        """Relationships whose end date has come."""
        return tuple(e for e in self.endings if e.kind is EndingKind.ENDED)

    @property
    def past_planned_end(self) -> tuple[Ending, ...]:
        """Relationships past their planned end, to bring to a definitive end."""
        return tuple(e for e in self.endings if e.kind is EndingKind.PAST_PLANNED_END)


class _Row(Protocol):
    @property
    def mentee_id(self) -> str: ...

    @property
    def mentor_id(self) -> str | None: ...

    @property
    def status(self) -> str: ...


def _against_previous(
    rows: Sequence[_Row], plan: ReviewPlan, previous: Sequence[Proposal]
) -> list[Change]:
    before = {p.mentee_id: p for p in previous}
    kept = {a.mentee_id for a in plan.accepted}
    dropped = {d.mentee_id for d in plan.dropped}
    out = []
    for r in rows:
        p = before.pop(r.mentee_id, None)
        was = (p.mentor_id,) if p is not None and p.mentor_id else ()
        if p is None:
            kind = ChangeKind.NEW_MENTEE
        elif r.mentee_id in kept:
            kind = ChangeKind.KEPT
        elif r.mentee_id in dropped:
            kind = ChangeKind.DROPPED
        elif r.status == "existing":
            # Proposed (or accepted) before and committed since: the same pair.
            kind = ChangeKind.SAME if p.mentor_id == r.mentor_id else ChangeKind.NOW_EXISTING
        elif r.mentor_id is not None:
            kind = (
                ChangeKind.NEW_MATCH
                if not was
                else ChangeKind.SAME
                if was == (r.mentor_id,)
                else ChangeKind.MOVED
            )
        else:
            kind = ChangeKind.LOST if was else ChangeKind.STILL_UNMATCHED
        out.append(Change(r.mentee_id, was, r.mentor_id, str(r.status), kind))
    for mentee_id, p in sorted(before.items()):
        was = (p.mentor_id,) if p.mentor_id else ()
        out.append(Change(mentee_id, was, None, "", ChangeKind.LEFT))
    return out


def _against_decisions(rows: Sequence[_Row], plan: ReviewPlan) -> list[Change]:
    kept = {a.mentee_id: a.mentor_id for a in plan.accepted}
    dropped = {d.mentee_id: d.mentor_id for d in plan.dropped}
    running = dict(plan.already_running)
    out = []
    for r in rows:
        m = r.mentee_id
        if m in kept:
            out.append(Change(m, (kept[m],), r.mentor_id, str(r.status), ChangeKind.KEPT))
        elif m in dropped:
            out.append(Change(m, (dropped[m],), r.mentor_id, str(r.status), ChangeKind.DROPPED))
        elif m in running:
            out.append(Change(m, (running[m],), r.mentor_id, str(r.status), ChangeKind.SAME))
        elif m in plan.rejected:
            kind = (
                ChangeKind.NOW_EXISTING
                if r.status == "existing"
                else ChangeKind.MOVED
                if r.mentor_id is not None
                else ChangeKind.LOST
            )
            out.append(Change(m, plan.rejected[m], r.mentor_id, str(r.status), kind))
    return out


def build_review(
    rows: Sequence[_Row],
    plan: ReviewPlan,
    previous: Sequence[Proposal] | None = None,
) -> Review:
    """Summarise a round's review.

    Parameters
    ----------
    rows : sequence of rows
        The round's rows (``mentee_id``, ``mentor_id``, ``status``), one per mentee.
    plan : ReviewPlan
        What :func:`matcher.round.plan.plan_review` did before the round was solved.
    previous : sequence of Proposal, optional
        The rows of the previous round's ``matches.csv``. Without them, outcomes are
        compared for the mentees with decisions only.

    Returns
    -------
    Review
    """
    if previous is not None:
        changes, against = _against_previous(rows, plan, previous), AGAINST_PREVIOUS
    elif plan.n_decisions:
        changes, against = _against_decisions(rows, plan), AGAINST_DECISIONS
    else:
        changes, against = [], None
    counts = {k: sum(c.kind is k for c in changes) for k in ChangeKind}
    listed = sorted((c for c in changes if c.kind.listed), key=lambda c: c.mentee_id)
    return Review(
        decisions=plan.n_decisions,
        accepted=len(plan.accepted),
        dropped=plan.dropped,
        already_running=plan.already_running,
        rejected=sum(len(v) for v in plan.rejected.values()),
        resolved=len(plan.to_match),
        endings=plan.endings,
        compared_with=against,
        change_counts={k: n for k, n in counts.items() if n},
        changes=tuple(listed),
    )


_CHANGE_WORDS = {
    ChangeKind.KEPT: "accepted kept",
    ChangeKind.DROPPED: "accepted dropped",
    ChangeKind.SAME: "same mentor",
    ChangeKind.MOVED: "another mentor",
    ChangeKind.NEW_MATCH: "newly matched",
    ChangeKind.LOST: "now unmatched",
    ChangeKind.STILL_UNMATCHED: "still unmatched",
    ChangeKind.NOW_EXISTING: "now running",
    ChangeKind.NEW_MENTEE: "new mentees",
    ChangeKind.LEFT: "no longer in the round",
}


_AGAINST_WORDS = {
    AGAINST_PREVIOUS: "the previous proposals",
    AGAINST_DECISIONS: "the decided proposals",
}


def change_words(kind: ChangeKind) -> str:
    """A change kind in plain words."""
    return _CHANGE_WORDS[kind]


def review_lines(review: Review) -> list[str]:
    """A few plain lines for the terminal: counts only, ids of nobody."""
    lines = [
        f"review: {review.accepted} accepted kept, {len(review.dropped)} accepted dropped, "
        f"{review.rejected} rejected, {review.resolved} re-solved"
    ]
    if review.compared_with is not None:
        parts = [f"{n} {change_words(k)}" for k, n in review.change_counts.items()]
        against = _AGAINST_WORDS[review.compared_with]
        lines.append(f"against {against}: " + (", ".join(parts) or "no mentees"))
    if review.endings:
        early = sum(e.early for e in review.ended)
        lines.append(
            f"relationships: {len(review.ended)} ended ({early} early), "
            f"{len(review.past_planned_end)} past their planned end (close definitively); "
            f"{sum(e.rematched for e in review.endings)} of their mentees back in the pool"
        )
    return lines
