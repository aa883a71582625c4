"""Reasons a coordinator can act on: why this mentor, and why no mentor.

A mentee with no candidates is explained by the cascade of hard rules
(:func:`matcher.candidates.rule_cascade`); a mentee whose candidates were all taken is
explained by the competition: which limit each candidate hit, and who took the best one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from matcher.assignment import SolveResult
from matcher.candidates import Candidates, rule_cascade
from matcher.config import Config
from matcher.criteria import CRITERION_NAMES, informative
from matcher.errors import ParameterError
from matcher.models import Mentee, Mentor

if TYPE_CHECKING:
    from matcher.match import MatchResult
    from matcher.shortlist import Shortlist

__all__ = [
    "Loads",
    "RoundState",
    "best_takers",
    "candidate_outcomes",
    "limits_hit",
    "explain_mentee",
    "explain_unmatched",
    "format_shortlist",
    "strongest_criteria",
    "limit_phrase",
]

_LIMIT_WORDS = {
    "capacity": "at capacity",
    "hours": "out of weekly hours",
    "supervisor": "at their supervisor's cap",
    "room": "with room left",
}


def strongest_criteria(
    mentee: Mentee, criteria: dict[str, float | None], weights: dict[str, float], top: int = 2
) -> list[str]:
    """The criteria that contribute most to a pair's score (score >= 0.5).

    Only criteria that say something about this mentee count: a "no preference" 1 never
    makes a match look as if it rested on, say, ethnicity.
    """
    ranked = sorted(
        (
            c
            for c in CRITERION_NAMES
            if weights.get(c, 0) > 0 and (criteria.get(c) or 0) >= 0.5 and informative(mentee, c)
        ),
        key=lambda c: (-(weights[c] * (criteria[c] or 0.0)), CRITERION_NAMES.index(c)),
    )
    return ranked[:top]


@dataclass(frozen=True)
class Loads:
    """What running relationships already take, before the round's new matches."""

    seats: np.ndarray  # per mentor: mentees
    hours: np.ndarray  # per mentor: weekly hours
    group: np.ndarray  # per mentor: supervisor index, -1 for none
    sup_used: np.ndarray  # per supervisor: relationships overseen
    sup_cap: np.ndarray  # per supervisor: cap


@dataclass(frozen=True)
class RoundState:
    """Loads after a round: what each mentor and supervisor has taken on."""

    new_seats: np.ndarray
    new_hours: np.ndarray
    group_new: np.ndarray
    #: Per mentor, the new mentee of highest priority (lowest index on ties), or -1.
    taker: np.ndarray
    #: Per mentee, where its candidate pairs start (``starts[i]:starts[i + 1]``).
    starts: np.ndarray
    #: Per candidate pair, the limit its mentor hits after the round (see ``limits_hit``).
    kinds: np.ndarray

    @classmethod
    def of(
        cls,
        cands: Candidates,
        result: SolveResult,
        mentors: Sequence[Mentor],
        loads: Loads,
    ) -> RoundState:
        """Tally the new seats and hours of a solved round, and the limit each pair hits."""
        n_mentors, n_groups = len(mentors), len(loads.sup_cap)
        group = loads.group
        j = cands.mentor[result.chosen]
        hours = cands.mentee_arrays.support_hours[cands.mentee[result.chosen]]
        seats = np.bincount(j, minlength=n_mentors)
        new_hours = np.bincount(j, weights=hours, minlength=n_mentors)
        g = group[group >= 0]
        group_new = np.bincount(g, weights=seats[group >= 0], minlength=n_groups)
        taker = best_takers(result.mentor_of, cands.mentee_arrays.priority, n_mentors)
        starts = np.searchsorted(cands.mentee, np.arange(cands.mentee_arrays.priority.size + 1))
        state = cls(seats, new_hours, group_new.astype(np.int64), taker, starts, np.empty(0))
        kinds = limits_hit(cands, state, mentors, loads)
        return cls(seats, new_hours, state.group_new, taker, starts, kinds)


def best_takers(mentor_of: np.ndarray, priority: np.ndarray, n_mentors: int) -> np.ndarray:
    """Per mentor, its new mentee of highest priority (lowest index on ties), or -1.

    One sort for the round, so explaining every mentee stays linear.
    """
    matched = np.flatnonzero(mentor_of >= 0)
    order = matched[np.lexsort((matched, -priority[matched], mentor_of[matched]))]
    mentors, first = np.unique(mentor_of[order], return_index=True)
    taker = np.full(n_mentors, -1, dtype=np.int64)
    taker[mentors] = order[first]
    return taker


_KINDS = ("capacity", "hours", "supervisor", "room")


def limits_hit(
    cands: Candidates,
    state: RoundState,
    mentors: Sequence[Mentor],
    loads: Loads,
) -> np.ndarray:
    """Per candidate pair, the first limit its mentor hits after the round.

    Codes index :data:`_KINDS`: 0 capacity, 1 weekly hours, 2 supervisor cap, 3 room left.
    Vectorised over all pairs, once per round.
    """
    cap = np.array([m.capacity for m in mentors], dtype=np.int64)
    max_hours = np.array([m.max_hours for m in mentors], dtype=np.float64)
    j = cands.mentor
    need = cands.mentee_arrays.support_hours[cands.mentee]
    g = loads.group[j]
    full = loads.seats[j] + state.new_seats[j] >= cap[j]
    hours = loads.hours[j] + state.new_hours[j] + need > max_hours[j] + 1e-9
    sup_full = np.zeros(1, dtype=bool)
    if len(loads.sup_cap):
        sup_full = loads.sup_used + state.group_new >= loads.sup_cap
    sup = (g >= 0) & sup_full[np.maximum(g, 0)]
    return np.select([full, hours, sup], [0, 1, 2], default=3).astype(np.int8)


def candidate_outcomes(i: int, starts: np.ndarray, kinds: np.ndarray) -> list[tuple[int, str]]:
    """For each candidate pair of mentee ``i`` (best first), the limit it hit."""
    lo, hi = int(starts[i]), int(starts[i + 1])
    return [(lo + n, _KINDS[k]) for n, k in enumerate(kinds[lo:hi].tolist())]


def _all(n: int) -> str:
    return {1: "the only", 2: "both"}.get(n, f"all {n}")


def limit_phrase(
    p: int,
    state: RoundState,
    cands: Candidates,
    to_match: Sequence[Mentee],
    mentors: Sequence[Mentor],
) -> str:
    """Why pair ``p``'s mentor did not take this mentee, from the limit it hit, in words."""
    j = int(cands.mentor[p])
    kind = _KINDS[int(state.kinds[p])]
    if kind == "capacity":
        k = int(state.taker[j])
        if k >= 0:
            return f"went to {to_match[k].id} (priority {cands.mentee_arrays.priority[k]:g})"
        if mentors[j].capacity == 0:
            return "takes no mentees (capacity 0)"
        return "is full with existing relationships"
    if kind == "hours":
        return "has too few weekly hours left"
    if kind == "supervisor":
        return f"is at their supervisor's cap ({mentors[j].supervisor})"
    # Room left: an optimal round still placed the mentee elsewhere.
    return "had room, but the optimal round placed this mentee elsewhere (load spreading or a tie)"


def explain_unmatched(
    i: int,
    to_match: Sequence[Mentee],
    mentors: Sequence[Mentor],
    cands: Candidates,
    result: SolveResult,
    config: Config,
    as_of: date,
    state: RoundState,
    loads: Loads,
) -> tuple[str, str]:
    """The rule and plain-words reason why mentee ``i`` got no mentor.

    Returns
    -------
    (rule, reason) : tuple of str
        ``rule`` is a short key for counting (e.g. ``distance``, ``capacity``);
        ``reason`` is the sentence for the coordinator.
    """
    outcomes = candidate_outcomes(i, state.starts, state.kinds)
    if not outcomes:
        # Prebuilt mentor arrays: one cascade per unmatched mentee stays O(mentors).
        cascade = rule_cascade(to_match[i], cands.mentor_arrays, config, as_of=as_of)
        return (
            cascade.emptied_by or "no_candidates",
            cascade.reason or "no mentor passes the hard rules",
        )
    kinds = [k for _, k in outcomes]
    best_p, best_kind = outcomes[0]
    best = int(cands.mentor[best_p])
    if "room" in kinds:
        p = outcomes[kinds.index("room")][0]
        j = mentors[int(cands.mentor[p])].id
        why = (
            f"priority {cands.mentee_arrays.priority[i]:g}"
            if result.status == "optimal"
            else f"the solver stopped before proving optimality (gap {result.gap:.2%})"
        )
        return "not_chosen", f"not matched although candidate {j} has room ({why})"
    n = len(kinds)
    counts = {k: kinds.count(k) for k in ("capacity", "hours", "supervisor") if k in kinds}
    noun = "candidate" if n == 1 else "candidates"
    if len(counts) == 1:
        kind = next(iter(counts))
        head = f"{_all(n)} {noun} {_LIMIT_WORDS[kind]}"
        rule: str = kind
    else:
        parts = ", ".join(f"{c} {_LIMIT_WORDS[k]}" for k, c in counts.items())
        head, rule = f"{_all(n)} {noun} taken ({parts})", "competition"
    m = mentors[best]
    if best_kind == "capacity":
        tail = f"best candidate {m.id} {limit_phrase(best_p, state, cands, to_match, mentors)}"
    elif best_kind == "hours":
        left = max(m.max_hours - loads.hours[best] - state.new_hours[best], 0.0)
        need = float(cands.mentee_arrays.support_hours[i])
        tail = (
            f"best candidate {m.id} has {left:g} of {m.max_hours:g} weekly hours left; "
            f"needs {need:g}"
        )
    else:
        tail = f"best candidate {m.id}'s supervisor {m.supervisor} oversees all they can"
    return rule, f"{head}; {tail}"


def explain_mentee(result: MatchResult, mentee_id: str, k: int = 5) -> str:
    """Why this mentor, and how the next best candidates compare criterion by criterion.

    Parameters
    ----------
    result : MatchResult
        A finished round (from :func:`matcher.match`).
    mentee_id : str
        The mentee to explain.
    k : int
        How many candidates to compare.

    Returns
    -------
    str
        A plain-text explanation with a table of the top ``k`` candidates.
    """
    if not isinstance(k, int) or k < 1:
        raise ParameterError(
            f"The 'k' parameter of explain_mentee must be an int >= 1, got {k!r} instead"
        )
    row = result.row(mentee_id)
    lines = []
    if row.status == "existing":
        return f"{mentee_id}: {row.reason}; not matched again.\n"
    if row.status == "matched":
        lines.append(
            f"{mentee_id}: matched with {row.mentor_id} (score {row.score:.3f}, "
            f"rank {row.rank} of {row.candidates} candidates)"
        )
        lines.append(f"why: {row.reason}")
        lines.append(f"goals to agree at the first meeting: {', '.join(row.shared_goals) or '-'}")
        lines.append(f"signpost to other services for: {', '.join(row.signpost_goals) or '-'}")
        lines.append(f"planned end: {row.planned_end}")
    else:
        lines.append(f"{mentee_id}: unmatched ({row.candidates} candidates)")
        lines.append(f"why: {row.reason}")
    cands, solved = result.candidates, result.solve_result
    if cands is None or solved is None or row.candidates == 0:
        return "\n".join(lines) + "\n"
    state, to_match = result.round_state, result.to_match
    assert state is not None
    i = next(n for n, m in enumerate(to_match) if m.id == mentee_id)
    lo, hi = int(state.starts[i]), int(state.starts[i + 1])
    short = {
        "through_the_gate": "gate",
        "lived_experience": "lived",
        "expectations": "expect",
        "availability": "avail",
        "ethnicity": "ethnic",
        "continuity": "contin",
        "location": "locat",
        "language": "lang",
    }
    names = [short.get(c, c) for c in CRITERION_NAMES]
    lines.append("")
    lines.append(
        f"{'candidate':<12} {'score':>6} " + " ".join(f"{n:>6}" for n in names) + "  km     outcome"
    )
    shown = np.arange(int(lo), min(int(hi), int(lo) + k))
    crit = cands.criteria_at(shown)
    dist = cands.distance_at(shown)
    for n, p in enumerate(shown.tolist()):
        j = int(cands.mentor[p])
        mid = result.mentors[j].id
        vals = []
        for c in CRITERION_NAMES:
            v = float(crit[c][n])
            vals.append(f"{'-' if v != v else f'{v:.2f}':>6}")
        if solved.mentor_of[i] == j:
            outcome = "proposed"
        else:
            outcome = limit_phrase(p, state, cands, to_match, result.mentors)
        lines.append(
            f"{mid:<12} {cands.score[p]:>6.3f} " + " ".join(vals) + f"  {dist[n]:>5.1f}  {outcome}"
        )
    if hi - lo > k:
        lines.append(f"... and {int(hi - lo) - k} more candidates")
    return "\n".join(lines) + "\n"


def format_shortlist(result: Shortlist) -> str:
    """Plain-text form of a shortlist: ranked mentors with reasons, or why none."""
    if not result.entries:
        return f"{result.mentee_id}: no mentor available. {result.reason}\n"
    lines = [
        f"{result.mentee_id}: {len(result.entries)} of {result.n_available} available "
        "mentors, best first"
    ]
    for rank, e in enumerate(result.entries, start=1):
        lines.append(
            f"{rank:>2}. {e.mentor_id:<12} score {e.score:.3f}  {e.distance_km:5.1f} km  {e.reason}"
        )
    return "\n".join(lines) + "\n"
