"""Review, lock and re-solve: a round's decisions and endings applied before it is solved.

:func:`plan_review` turns the coordinator's decisions and the existing file into what
the solver sees:

1. Relationships whose end has come no longer count (:mod:`matcher.inputs.relationships`); their
   mentees, if in the mentees file, are matched again, with ``priority.ended_early`` extra
   priority when the relationship ended early. An ended pair is not proposed again (it
   broke down, or was brought to its definitive end) unless the decisions accept it.
2. Each **accepted** pair is checked as it stands today: it must still pass every hard
   rule, and fit its mentor's seats and weekly hours and its supervisor's cap, counting
   the running relationships and the accepted pairs kept before it (higher priority first,
   then mentee id). A pair that passes is **kept**: it counts like a running relationship
   and its mentee is not matched again. A pair that does not is **dropped**, never in
   silence: a warning and the mentee's reason say why, and the mentee is re-solved with
   everyone else. Dropping keeps every guarantee of a round (hard rules, seats, hours and
   caps always hold); keeping would break them.
3. Each **rejected** pair becomes an exclusion, so it is never proposed again.
4. Everyone else is solved optimally around what is kept.

No end reason or note is ever read, logged or shown here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, Protocol, TypeVar

import numpy as np

from matcher.arrays import MenteeArrays, existing_load
from matcher.candidates import RULES, find_candidates, rule_cascade
from matcher.config import Config
from matcher.criteria import CRITERION_NAMES
from matcher.errors import InputError, ParameterError
from matcher.explain import Loads
from matcher.inputs.decisions import accepted_pairs, check_decisions, rejected_pairs
from matcher.inputs.relationships import Ending, split_relationships
from matcher.io import MAX_ERRORS
from matcher.models import Decision, Existing, Mentee, Mentor, Supervisor

__all__ = ["AcceptedPair", "DroppedPair", "ReviewPlan", "plan_review", "running_loads"]

_LABELS = {r.name: r.label for r in RULES}


class _Row(Protocol):
    @property
    def mentee_id(self) -> str: ...

    @property
    def reason(self) -> str: ...


_R = TypeVar("_R", bound=_Row)


@dataclass(frozen=True)
class AcceptedPair:
    """An accepted pair kept in this round, with what a matched row shows."""

    mentee_id: str
    mentor_id: str
    score: float
    criteria: dict[str, float | None]
    shared_goals: tuple[str, ...]
    signpost_goals: tuple[str, ...]
    planned_end: date
    rank: int
    candidates: int
    priority: float
    hours: float
    reason: str


@dataclass(frozen=True)
class DroppedPair:
    """An accepted pair that no longer fits, so it was not kept.

    ``rule`` is the hard rule it breaks (a name of :data:`matcher.candidates.RULES`), or
    ``capacity``, ``hours`` or ``supervisor`` for the limit it would exceed.
    """

    mentee_id: str
    mentor_id: str
    rule: str
    reason: str


@dataclass(frozen=True)
class ReviewPlan:
    """What the decisions and endings leave for the solver, and what they did."""

    #: Existing relationships still running on the run date, in input order.
    running: tuple[Existing, ...]
    #: Relationships that have ended (by mentee id).
    endings: tuple[Ending, ...]
    #: Accepted pairs kept, by mentee id.
    accepted: tuple[AcceptedPair, ...]
    #: Accepted pairs dropped, by mentee id.
    dropped: tuple[DroppedPair, ...]
    #: Accepted (mentee, mentor) pairs that already are running relationships (kept as
    #: existing), by mentee id.
    already_running: tuple[tuple[str, str], ...]
    #: Rejected mentors by mentee id.
    rejected: dict[str, tuple[str, ...]]
    #: The mentees the solver assigns: neither running nor accepted, in input order.
    to_match: tuple[Mentee, ...]
    #: Rows of the decisions given.
    n_decisions: int = 0
    #: Mentors of ended relationships not proposed again, by mentee id.
    ended_excluded: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)

    @property
    def load(self) -> tuple[Existing, ...]:
        """What takes mentors' seats and hours: running relationships and kept pairs."""
        kept = tuple(
            Existing(mentee_id=a.mentee_id, mentor_id=a.mentor_id, hours=a.hours)
            for a in self.accepted
        )
        return self.running + kept

    @property
    def warnings(self) -> tuple[str, ...]:
        """One line per dropped pair, and a line each for pairs already running and for
        relationships to close."""
        out = [f"decisions: {d.reason}" for d in self.dropped]
        if self.already_running:
            out.append(
                f"decisions: {len(self.already_running)} accepted pair(s) already running, "
                f"kept as existing (mentees {_ids([e for e, _ in self.already_running])})"
            )
        due = [e.mentee_id for e in self.endings if e.kind == "past_planned_end"]
        if due:
            out.append(
                f"{len(due)} relationship(s) past their planned end with no end_date, no "
                f"longer counted: bring them to a definitive end (mentees {_ids(due)})"
            )
        return tuple(out)

    @cached_property
    def _notes(self) -> dict[str, list[str]]:
        """Per mentee, what the review did to them, in words (built once per round)."""
        notes: dict[str, list[str]] = {}
        for d in self.dropped:
            notes.setdefault(d.mentee_id, []).append(d.reason)
        for e in self.endings:
            if e.rematched:
                again = e.mentor_id in self.ended_excluded.get(e.mentee_id, ())
                notes.setdefault(e.mentee_id, []).append(
                    f"relationship with {e.mentor_id} "
                    + (f"ended {e.end_date.isoformat()}" if e.end_date else "past its planned end")
                    + ("; not proposed again" if again else "")
                )
        for mentee_id, mentors in self.rejected.items():
            notes.setdefault(mentee_id, []).append(f"rejected in review: {', '.join(mentors)}")
        return notes

    def annotate(self, row: _R) -> _R:
        """A result row with what the review did to its mentee put first in its reason."""
        notes = self._notes.get(row.mentee_id)
        if not notes:
            return row
        return dataclasses.replace(row, reason="; ".join([*notes, row.reason]))  # type: ignore[type-var]


def running_loads(
    mentors: Sequence[Mentor],
    existing: Sequence[Existing],
    supervisors: Sequence[Supervisor],
    config: Config,
) -> Loads:
    """What relationships take: each mentor's seats and weekly hours, each supervisor's cap.

    Raises
    ------
    ParameterError
        A relationship names a mentor not in ``mentors``.
    """
    known = {m.id for m in mentors}
    for rel in existing:
        if rel.mentor_id not in known:
            raise ParameterError(
                f"The 'existing' parameter of match must name mentors in 'mentors', "
                f"got mentor {rel.mentor_id!r} instead"
            )
    seats, hours = existing_load(existing, mentors, config)
    seats_used = seats.astype(np.int64)
    sup_index = {s.id: g for g, s in enumerate(supervisors)}
    group = np.array([sup_index.get(m.supervisor or "", -1) for m in mentors], dtype=np.int64)
    sup_used = np.bincount(
        group[group >= 0], weights=seats_used[group >= 0], minlength=len(supervisors)
    ).astype(np.int64)
    sup_cap = np.array([s.capacity for s in supervisors], dtype=np.int64)
    return Loads(seats_used, hours, group, sup_used, sup_cap)


def _ids(ids: Sequence[str]) -> str:
    return ", ".join(ids[:10]) + (" ..." if len(ids) > 10 else "")


def _with_review(
    mentees: Sequence[Mentee],
    excluded: dict[str, tuple[str, ...]],
    early: set[str],
    config: Config,
    as_of: date,
) -> list[Mentee]:
    """Mentee records with more mentors excluded and the ended-early bonus added."""
    bonus = config.priority.ended_early
    lifted = [m for m in mentees if m.id in early] if bonus > 0 else []
    # The default priority comes from the arrays (release urgency), so ask them.
    base = MenteeArrays.from_records(lifted, config, as_of).priority.tolist() if lifted else []
    priority = {m.id: p + bonus for m, p in zip(lifted, base, strict=True)}
    out = []
    for m in mentees:
        update: dict[str, Any] = {}
        if m.id in excluded:
            update["exclude_mentors"] = tuple(dict.fromkeys(m.exclude_mentors + excluded[m.id]))
        if m.id in priority:
            update["priority"] = priority[m.id]
        out.append(m.model_copy(update=update) if update else m)
    return out


def plan_review(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    existing: Sequence[Existing],
    decisions: Sequence[Decision],
    supervisors: Sequence[Supervisor],
    config: Config,
    as_of: date,
    *,
    decisions_source: str = "decisions",
) -> ReviewPlan:
    """Apply endings and decisions to a round before it is solved.

    Parameters
    ----------
    mentees, mentors, existing, supervisors : sequences of records
        The round's inputs.
    decisions : sequence of Decision
        The coordinator's review of earlier proposals (may be empty).
    config : Config
    as_of : date
        The run date: which relationships have ended, and what the pairs are scored at.
    decisions_source : str
        The decisions' file name, for messages.

    Returns
    -------
    ReviewPlan

    Raises
    ------
    InputError
        The decisions name unknown mentees or mentors, contradict each other, or
        contradict a running relationship (each problem naming row and field).
    """
    rels = split_relationships(existing, as_of)
    errors = check_decisions(decisions, mentees, mentors, rels.running, source=decisions_source)
    if errors:
        raise InputError(errors[:MAX_ERRORS], len(errors) > MAX_ERRORS)
    in_file = {m.id for m in mentees}
    endings = tuple(dataclasses.replace(e, rematched=e.mentee_id in in_file) for e in rels.endings)
    running = {r.mentee_id: r.mentor_id for r in rels.running}
    accepted = accepted_pairs(decisions)
    already = tuple(sorted((m, j) for m, j in accepted.items() if running.get(m) == j))
    rejected = rejected_pairs(decisions)
    free = [e for e in endings if e.rematched and e.mentee_id not in running]
    early = {e.mentee_id for e in free if e.early}
    ended: dict[str, tuple[str, ...]] = {}
    for e in free:  # a mentee may have ended with more than one mentor: exclude each
        if accepted.get(e.mentee_id) != e.mentor_id:
            ended[e.mentee_id] = (*ended.get(e.mentee_id, ()), e.mentor_id)
    excluded = {
        m: rejected.get(m, ()) + ended.get(m, ()) for m in sorted(set(rejected) | set(ended))
    }
    pool = [m for m in _with_review(mentees, excluded, early, config, as_of) if m.id not in running]
    wanted = [m for m in pool if m.id in accepted]
    kept, dropped = _check_accepted(
        wanted, accepted, mentors, rels.running, supervisors, config, as_of
    )
    kept_ids = {a.mentee_id for a in kept}
    return ReviewPlan(
        running=rels.running,
        endings=endings,
        accepted=tuple(sorted(kept, key=lambda a: a.mentee_id)),
        dropped=tuple(sorted(dropped, key=lambda d: d.mentee_id)),
        already_running=already,
        rejected=rejected,
        to_match=tuple(m for m in pool if m.id not in kept_ids),
        n_decisions=len(decisions),
        ended_excluded=ended,
    )


def _check_accepted(
    wanted: list[Mentee],
    accepted: dict[str, str],
    mentors: Sequence[Mentor],
    running: Sequence[Existing],
    supervisors: Sequence[Supervisor],
    config: Config,
    as_of: date,
) -> tuple[list[AcceptedPair], list[DroppedPair]]:
    """Keep the accepted pairs that pass the hard rules and fit, in priority order."""
    if not wanted:
        return [], []
    index = {m.id: k for k, m in enumerate(mentors)}
    cands = find_candidates(wanted, mentors, config, as_of=as_of)
    n_mo = max(len(mentors), 1)
    j_of = np.array([index[accepted[m.id]] for m in wanted], dtype=np.int64)
    keys = cands.mentee.astype(np.int64) * n_mo + cands.mentor
    order = np.argsort(keys, kind="stable")
    want = np.arange(len(wanted), dtype=np.int64) * n_mo + j_of
    loc = np.minimum(np.searchsorted(keys[order], want), max(len(keys) - 1, 0))
    found = (keys[order][loc] == want) if len(keys) else np.zeros(len(wanted), dtype=bool)
    pos = np.where(found, order[loc] if len(keys) else 0, -1)
    dropped: list[DroppedPair] = []
    for i in np.flatnonzero(~found).tolist():
        dropped.append(
            _rule_dropped(wanted[i], mentors[int(j_of[i])], cands, int(j_of[i]), config, as_of)
        )
    me = cands.mentee_arrays
    loads = running_loads(mentors, running, supervisors, config)
    seats, hours, sup_used = loads.seats.copy(), loads.hours.copy(), loads.sup_used.copy()
    fits: list[int] = []
    # Highest priority first, then mentee id: the file's row order changes nothing.
    for i in sorted(np.flatnonzero(found).tolist(), key=lambda i: (-me.priority[i], wanted[i].id)):
        j = int(j_of[i])
        m = mentors[j]
        need = float(me.support_hours[i])
        g = int(loads.group[j])
        why = None
        if seats[j] + 1 > m.capacity:
            why = ("capacity", f"{m.id} has no place left ({seats[j]} of {m.capacity} taken)")
        elif hours[j] + need > m.max_hours + 1e-9:
            left = max(m.max_hours - hours[j], 0.0)
            why = (
                "hours",
                f"{m.id} has {left:g} of {m.max_hours:g} weekly hours left; needs {need:g}",
            )
        elif g >= 0 and sup_used[g] + 1 > loads.sup_cap[g]:
            why = (
                "supervisor",
                f"{m.id}'s supervisor {m.supervisor} oversees all they can "
                f"({sup_used[g]} of {loads.sup_cap[g]})",
            )
        if why is not None:
            reason = f"accepted pair {wanted[i].id}-{m.id} dropped: {why[1]}"
            dropped.append(DroppedPair(wanted[i].id, m.id, why[0], reason))
            continue
        seats[j] += 1
        hours[j] += need
        if g >= 0:
            sup_used[g] += 1
        fits.append(i)
    return _kept(wanted, fits, pos, mentors, cands), dropped


def _rule_dropped(
    mentee: Mentee, mentor: Mentor, cands: Any, j: int, config: Config, as_of: date
) -> DroppedPair:
    # One mentor only: the cascade names the first hard rule the pair breaks.
    one = cands.mentor_arrays.take(np.array([j]))
    rule = rule_cascade(mentee, one, config, as_of=as_of).emptied_by or "rules"
    label = _LABELS.get(rule, "the hard rules")
    reason = (
        f"accepted pair {mentee.id}-{mentor.id} dropped: it no longer passes the hard rule "
        f"'{label}'"
    )
    return DroppedPair(mentee.id, mentor.id, rule, reason)


def _kept(
    wanted: list[Mentee], fits: list[int], pos: np.ndarray, mentors: Sequence[Mentor], cands: Any
) -> list[AcceptedPair]:
    if not fits:
        return []
    me = cands.mentee_arrays
    rows = pos[np.array(fits, dtype=np.int64)]
    crit = cands.criteria_at(rows)
    starts = cands.indptr
    out = []
    for n, (i, p) in enumerate(zip(fits, rows.tolist(), strict=True)):
        mentee, mentor = wanted[i], mentors[int(cands.mentor[p])]
        values = {c: _num(crit[c][n]) for c in CRITERION_NAMES}
        rank, total = int(p - starts[i] + 1), int(starts[i + 1] - starts[i])
        out.append(
            AcceptedPair(
                mentee_id=mentee.id,
                mentor_id=mentor.id,
                score=float(cands.score[p]),
                criteria=values,
                shared_goals=tuple(g for g in mentee.goals if g in mentor.specialisms),
                signpost_goals=tuple(g for g in mentee.goals if g not in mentor.specialisms),
                planned_end=date.fromordinal(int(me.planned_end[i])),
                rank=rank,
                candidates=total,
                priority=float(me.priority[i]),
                hours=float(me.support_hours[i]),
                reason=f"accepted in review; kept (rank {rank} of {total} candidates)",
            )
        )
    return out


def _num(x: Any) -> float | None:
    v = float(x)
    return None if v != v else v
