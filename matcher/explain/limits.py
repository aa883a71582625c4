"""What each candidate's mentor hit after the round, and who took each mentor.

Everything here is computed from the round's arrays, vectorised over all pairs once per
round, so that explaining every mentee afterwards stays linear.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from matcher.assignment import SolveResult
from matcher.candidates import Candidates, cascade_reasons
from matcher.models import Mentee, Mentor

__all__ = [
    "LIMITS",
    "Loads",
    "PairLimits",
    "Outcome",
    "RoundState",
    "best_takers",
    "limits_hit",
    "phrase_tables",
]


class Outcome(StrEnum):
    """What became of one candidate pair in the round."""

    #: The mentor is full (existing and new mentees).
    CAPACITY = "capacity"
    #: The mentor has too few weekly hours left for this mentee.
    HOURS = "hours"
    #: The mentor's supervisor oversees as many relationships as their cap.
    SUPERVISOR = "supervisor"
    #: The mentor had room: the round placed this mentee elsewhere (or nowhere).
    ROOM = "room"
    #: The pair was proposed.
    PROPOSED = "proposed"


#: The limits a pair's mentor can hit, in the order they are checked; the codes of
#: :func:`limits_hit` index this tuple.
LIMITS: tuple[Outcome, ...] = (Outcome.CAPACITY, Outcome.HOURS, Outcome.SUPERVISOR, Outcome.ROOM)


@dataclass(frozen=True, eq=False)
class Loads:
    """What running relationships already take, before the round's new matches."""

    seats: npt.NDArray[np.int64]  # per mentor: mentees
    hours: npt.NDArray[np.float64]  # per mentor: weekly hours
    group: npt.NDArray[np.int64]  # per mentor: supervisor index, -1 for none
    sup_used: npt.NDArray[np.int64]  # per supervisor: relationships overseen
    sup_cap: npt.NDArray[np.int64]  # per supervisor: cap
    #: Per mentor, how many of ``seats`` are pairs accepted in review (None: no review).
    accepted: npt.NDArray[np.int64] | None = None


@dataclass(frozen=True, eq=False)
class RoundState:
    """A solved round as the explanations read it: its pairs, the assignment, the loads.

    Built once per round by :meth:`of`; the round's result does not keep it.

    Attributes
    ----------
    cands : Candidates
        The round's candidate pairs (also its mentee and mentor arrays, config and date).
    mentees : tuple of Mentee
        The mentees matched (all but those with a running relationship), in the order of
        the candidate and solver arrays.
    mentors : tuple of Mentor
    loads : Loads
        What running relationships take.
    mentor_of : ndarray of int64
        Per mentee, the proposed mentor's index, or -1.
    chosen : ndarray of int64
        Sorted positions of the proposed pairs.
    proven : bool
        Whether the solver proved the assignment optimal.
    gap : float
        The solver's optimality gap.
    new_seats, new_hours : ndarray
        Per mentor, the mentees and weekly hours the round adds.
    group_new : ndarray of int64
        Per supervisor, the relationships the round adds.
    taker : ndarray of int64
        Per mentor, the new mentee of highest priority (lowest index on ties), or -1.
    starts : ndarray of int64
        Per mentee, where its candidate pairs start (``starts[i]:starts[i + 1]``).
    kinds : ndarray of int8
        Per candidate pair, the limit its mentor hits after the round (index of
        :data:`LIMITS`).
    kind_counts : ndarray of int64, shape (mentees, len(LIMITS))
        Per mentee, how many of its pairs hit each limit.
    first_room : ndarray of int64
        Per mentee, its first (best) pair whose mentor had room left, or -1.
    """

    cands: Candidates
    mentees: tuple[Mentee, ...]
    mentors: tuple[Mentor, ...]
    loads: Loads
    mentor_of: npt.NDArray[np.int64]
    chosen: npt.NDArray[np.int64]
    proven: bool
    gap: float
    new_seats: npt.NDArray[np.int64]
    new_hours: npt.NDArray[np.float64]
    group_new: npt.NDArray[np.int64]
    taker: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]
    kinds: npt.NDArray[np.int8]
    kind_counts: npt.NDArray[np.int64]
    first_room: npt.NDArray[np.int64]

    @cached_property
    def weights(self) -> dict[str, float]:
        """The config's criterion weights, by name."""
        return self.cands.config.weight_vector()

    @cached_property
    def limit_phrase_tables(self) -> tuple[list[str], ...]:
        """Per limit, each mentor's phrase for a pair it did not take
        (:func:`phrase_tables`)."""
        return phrase_tables(self)

    @cached_property
    def cascades(self) -> dict[int, tuple[str | None, str | None]]:
        """Per mentee without candidate pairs, the rule cascade's ``(emptied_by, reason)``
        (:func:`~matcher.candidates.cascade_reasons`: all of them at once, never one
        mentee against every mentor at a time)."""
        rows = np.flatnonzero(np.diff(self.starts) == 0)
        cands = self.cands
        found = cascade_reasons(
            self.mentees, cands.mentee_arrays, cands.mentor_arrays, cands.config, rows
        )
        return dict(zip(rows.tolist(), found, strict=True))

    @classmethod
    def of(
        cls,
        cands: Candidates,
        solved: SolveResult,
        mentees: tuple[Mentee, ...],
        mentors: tuple[Mentor, ...],
        loads: Loads,
    ) -> RoundState:
        """Tally the new seats and hours of a solved round, and the limit each pair hits."""
        n_mentors, n_groups = len(mentors), len(loads.sup_cap)
        group = loads.group
        j = cands.mentor[solved.chosen]
        hours = cands.mentee_arrays.support_hours[cands.mentee_at(solved.chosen)]
        seats = np.bincount(j, minlength=n_mentors).astype(np.int64)
        new_hours = np.bincount(j, weights=hours, minlength=n_mentors).astype(np.float64)
        g = group[group >= 0]
        group_new = np.bincount(g, weights=seats[group >= 0], minlength=n_groups).astype(np.int64)
        priority = cands.mentee_arrays.priority
        taker = best_takers(solved.mentor_of, priority, n_mentors)
        starts = cands.indptr
        hit = limits_hit(cands, loads, seats, new_hours, group_new)
        return cls(
            cands,
            mentees,
            mentors,
            loads,
            solved.mentor_of,
            solved.chosen,
            solved.status == "optimal",
            float(solved.gap),
            seats,
            new_hours,
            group_new,
            taker,
            starts,
            hit.kinds,
            hit.counts,
            hit.first_room,
        )


def best_takers(
    mentor_of: npt.NDArray[np.int64], priority: npt.NDArray[np.float64], n_mentors: int
) -> npt.NDArray[np.int64]:
    """Per mentor, its new mentee of highest priority (lowest index on ties), or -1.

    One sort for the round, so explaining every mentee stays linear.
    """
    matched = np.flatnonzero(mentor_of >= 0)
    order = matched[np.lexsort((matched, -priority[matched], mentor_of[matched]))]
    mentors, first = np.unique(mentor_of[order], return_index=True)
    taker = np.full(n_mentors, -1, dtype=np.int64)
    taker[mentors] = order[first]
    return taker


class PairLimits(NamedTuple):
    """What :func:`limits_hit` finds."""

    #: Per pair, the code (index of :data:`LIMITS`) of the first limit its mentor hits.
    kinds: npt.NDArray[np.int8]
    #: Per mentee, how many of its pairs hit each limit (columns in :data:`LIMITS` order).
    counts: npt.NDArray[np.int64]
    #: Per mentee, its first (best) pair whose mentor had room left, or -1.
    first_room: npt.NDArray[np.int64]


def limits_hit(
    cands: Candidates,
    loads: Loads,
    new_seats: npt.NDArray[np.int64],
    new_hours: npt.NDArray[np.float64],
    group_new: npt.NDArray[np.int64],
) -> PairLimits:
    """Per candidate pair, the first limit its mentor hits after the round, and per mentee
    the tallies the explanations read (so that explaining a mentee never loops over its
    pairs).

    Codes index :data:`LIMITS`: 0 capacity, 1 weekly hours, 2 supervisor cap, 3 room left.
    Per-mentor tables with numpy, then one compiled sweep over the pairs
    (:mod:`matcher.explain.kernel`), once per round.
    """
    from matcher.explain.kernel import pair_limits

    mo = cands.mentor_arrays
    sup_full = np.zeros(1, dtype=bool)
    if len(loads.sup_cap):
        sup_full = loads.sup_used + group_new >= loads.sup_cap
    g = loads.group
    full = loads.seats + new_seats >= mo.capacity
    used = loads.hours + new_hours  # (a + b) + need, as the pairwise sum was evaluated
    limit = mo.max_hours + 1e-9
    sup = (g >= 0) & sup_full[np.maximum(g, 0)]
    need = np.ascontiguousarray(cands.mentee_arrays.support_hours, dtype=np.float64)
    kinds, counts, first_room = pair_limits(
        cands.indptr, cands.mentor, need, full, used, limit, sup
    )
    return PairLimits(kinds, counts, first_room)


_FULL_EXISTING = "is full with existing relationships"
_FULL_ACCEPTED = "is full with existing relationships and pairs accepted in review"
_NO_MENTEES = "takes no mentees (capacity 0)"
_NO_HOURS = "has too few weekly hours left"
# Room left: an optimal round still placed the mentee elsewhere.
_ROOM = "had room, but the optimal round placed this mentee elsewhere (load spreading or a tie)"


def phrase_tables(state: RoundState) -> tuple[list[str], ...]:
    """Per limit (in :data:`LIMITS` order), each mentor's phrase for a pair it did not take."""
    taker = state.taker.tolist()
    mentee_priority = state.cands.mentee_arrays.priority
    # A mentor's taker is -1 when it took no one (and a round may have no one to match).
    priority = (mentee_priority[np.maximum(state.taker, 0)] if mentee_priority.size
                else np.zeros(state.taker.size)).tolist()  # fmt: skip
    accepted = state.loads.accepted
    capacity: list[str] = []
    supervisor: list[str] = []
    for j, m in enumerate(state.mentors):
        k = taker[j]
        if k >= 0:
            capacity.append(f"went to {state.mentees[k].id} (priority {priority[j]:g})")
        elif m.capacity == 0:
            capacity.append(_NO_MENTEES)
        else:
            full = accepted is not None and bool(accepted[j])
            capacity.append(_FULL_ACCEPTED if full else _FULL_EXISTING)
        supervisor.append(f"is at their supervisor's cap ({m.supervisor})")
    n = len(state.mentors)
    by_kind = {Outcome.CAPACITY: capacity, Outcome.HOURS: [_NO_HOURS] * n,
               Outcome.SUPERVISOR: supervisor, Outcome.ROOM: [_ROOM] * n}  # fmt: skip
    return tuple(by_kind[k] for k in LIMITS)
