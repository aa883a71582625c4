"""Reasons a coordinator can act on: why this mentor, and why no mentor.

A mentee with no candidates is explained by the cascade of hard rules
(:func:`matcher.candidates.rule_cascade`, found for all such mentees of a round at once by
:func:`matcher.candidates.cascade_reasons`); a mentee whose candidates were all taken is
explained by the competition: which limit each candidate hit, and who took the best one.
The competition's reasons are defined here, once, with their labels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.criteria import CRITERION_NAMES, informative
from matcher.explain.limits import LIMITS, Outcome, RoundState
from matcher.models import Mentee

__all__ = [
    "CAPACITY",
    "COMPETITION",
    "COMPETITION_REASONS",
    "HOURS",
    "NOT_CHOSEN",
    "NO_CANDIDATES",
    "SUPERVISOR",
    "CompetitionReason",
    "explain_unmatched",
    "limit_phrase",
    "limit_phrases",
    "match_reason",
    "strongest_criteria",
]


@dataclass(frozen=True)
class CompetitionReason:
    """Why a mentee with candidates got no mentor: the competition for those candidates.

    Attributes
    ----------
    name : str
        The rule key of the unmatched row (``MatchRow.rule``), counted in the summary.
    chart_label : str
        Short label in the report's chart of unmatched reasons.
    """

    name: str
    chart_label: str


CAPACITY = CompetitionReason("capacity", "Candidates at capacity")
HOURS = CompetitionReason("hours", "Candidates out of hours")
SUPERVISOR = CompetitionReason("supervisor", "Supervisor caps reached")
#: Candidates taken, for more than one kind of limit.
COMPETITION = CompetitionReason("competition", "Candidates taken")
#: A candidate had room, but the round placed the mentee nowhere.
NOT_CHOSEN = CompetitionReason("not_chosen", "Not chosen")
#: Every competition reason, in the order the report lists their labels.
COMPETITION_REASONS: tuple[CompetitionReason, ...] = (
    CAPACITY,
    HOURS,
    SUPERVISOR,
    COMPETITION,
    NOT_CHOSEN,
)
#: The rule key when no mentor passes the hard rules and the cascade names no rule.
NO_CANDIDATES = "no_candidates"

# The competition reason of each limit, and how a candidate that hit it is described.
_REASON_OF = {Outcome.CAPACITY: CAPACITY, Outcome.HOURS: HOURS, Outcome.SUPERVISOR: SUPERVISOR}
_LIMIT_WORDS = {
    Outcome.CAPACITY: "at capacity",
    Outcome.HOURS: "out of weekly hours",
    Outcome.SUPERVISOR: "at their supervisor's cap",
}


def strongest_criteria(
    mentee: Mentee, criteria: dict[str, float | None], weights: dict[str, float], top: int = 2
) -> list[str]:
    """The criteria that contribute most to a pair's score (score >= 0.5).

    Only criteria that say something about this mentee count: a "no preference" 1 never
    makes a match look as if it rested on, say, ethnicity.
    """
    # (-weighted score, registry position, name): the same order as sorting the names by
    # their weighted score, ties in registry order, in one sort of tuples.
    ranked = sorted(
        (-(w * v), k, c)
        for k, c in enumerate(CRITERION_NAMES)
        if (w := weights.get(c, 0)) > 0 and (v := criteria.get(c) or 0) >= 0.5
        and informative(mentee, c)
    )  # fmt: skip
    return [c for _, _, c in ranked[:top]]


def limit_phrases(state: RoundState, pairs: npt.NDArray[np.integer]) -> list[str]:
    """Why each pair's mentor did not take the pair's mentee, from the limit it hit.

    A phrase depends only on the mentor and the limit, so one table per limit is built
    per mentor (once per round), and each pair asked for is a lookup.
    """
    rows = np.asarray(pairs, dtype=np.int64).reshape(-1)
    tables = state.limit_phrase_tables
    return [
        tables[code][j]
        for code, j in zip(
            state.kinds[rows].tolist(), state.cands.mentor[rows].tolist(), strict=True
        )
    ]


def limit_phrase(state: RoundState, p: int) -> str:
    """Why pair ``p``'s mentor did not take this mentee, from the limit it hit, in words
    (:func:`limit_phrases` of one pair, without making arrays for it)."""
    return state.limit_phrase_tables[int(state.kinds[p])][int(state.cands.mentor[p])]


def match_reason(state: RoundState, i: int, p: int, criteria: dict[str, float | None]) -> str:
    """Why mentee ``i`` was proposed pair ``p``: its rank, strongest criteria, the top one."""
    lo, hi = int(state.starts[i]), int(state.starts[i + 1])
    rank = p - lo + 1
    strong = strongest_criteria(state.mentees[i], criteria, state.weights)
    text = f"rank {rank} of {hi - lo} candidates"
    if strong:
        text += f"; strongest on {', '.join(strong)}"
    if rank > 1:
        top = state.mentors[int(state.cands.mentor[lo])].id
        text += f"; top candidate {top} {limit_phrase(state, lo)}"
    return text


def _all(n: int) -> str:
    return {1: "the only", 2: "both"}.get(n, f"all {n}")


def explain_unmatched(state: RoundState, i: int) -> tuple[str, str]:
    """The rule and plain-words reason why mentee ``i`` got no mentor.

    Returns
    -------
    (rule, reason) : tuple of str
        ``rule`` is a short key for counting (a hard rule's name such as ``distance``, or
        a :class:`CompetitionReason` name such as ``capacity``); ``reason`` is the
        sentence for the coordinator.
    """
    cands = state.cands
    lo, hi = int(state.starts[i]), int(state.starts[i + 1])
    if lo == hi:
        # The round's cascades, found for every such mentee at once (RoundState.cascades).
        emptied_by, reason = state.cascades[i]
        return emptied_by or NO_CANDIDATES, reason or "no mentor passes the hard rules"
    # Per-mentee tallies computed once for the round: never a loop over the pairs here.
    room = int(state.first_room[i])
    if room >= 0:
        j = state.mentors[int(cands.mentor[room])].id
        why = (
            f"priority {cands.mentee_arrays.priority[i]:g}"
            if state.proven
            else f"the solver stopped before proving optimality (gap {state.gap:.2%})"
        )
        return NOT_CHOSEN.name, f"not matched although candidate {j} has room ({why})"
    n = hi - lo
    tally = state.kind_counts[i].tolist()
    counts = {k: tally[c] for c, k in enumerate(LIMITS) if k in _LIMIT_WORDS and tally[c]}
    noun = "candidate" if n == 1 else "candidates"
    if len(counts) == 1:
        kind = next(iter(counts))
        head, rule = f"{_all(n)} {noun} {_LIMIT_WORDS[kind]}", _REASON_OF[kind].name
    else:
        parts = ", ".join(f"{c} {_LIMIT_WORDS[k]}" for k, c in counts.items())
        head, rule = f"{_all(n)} {noun} taken ({parts})", COMPETITION.name
    return rule, f"{head}; {_best_tail(state, i, lo, LIMITS[int(state.kinds[lo])])}"


def _best_tail(state: RoundState, i: int, best_p: int, best_kind: Outcome) -> str:
    """What the best candidate's mentor hit, in words."""
    best = int(state.cands.mentor[best_p])
    m = state.mentors[best]
    if best_kind is Outcome.CAPACITY:
        return f"best candidate {m.id} {limit_phrase(state, best_p)}"
    if best_kind is Outcome.HOURS:
        left = max(m.max_hours - state.loads.hours[best] - state.new_hours[best], 0.0)
        need = float(state.cands.mentee_arrays.support_hours[i])
        return (
            f"best candidate {m.id} has {left:g} of {m.max_hours:g} weekly hours left; "
            f"needs {need:g}"
        )
    return f"best candidate {m.id}'s supervisor {m.supervisor} oversees all they can"
