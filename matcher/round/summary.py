"""The round's summary figures, with disclosure control on the figures by group.

The constants here are the one definition of the group dimensions and the smallest group
shown; the report reads the same ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

import numpy as np
import numpy.typing as npt

from matcher.models import Mentee, Mentor
from matcher.round.result import (
    MATCHED_IN_ROUND,
    CapacityUse,
    Counts,
    GroupRate,
    MatchRow,
    MatchStatus,
    Summary,
)

__all__ = [
    "GROUP_DIMENSIONS",
    "MIN_GROUP_SIZE",
    "NOT_GIVEN",
    "POOLED_GROUP",
    "group_rates",
    "summarise",
]

#: The mentee fields the match rate is broken down by, in report order.
GROUP_DIMENSIONS: tuple[str, ...] = ("gender", "ethnicity", "custody", "risk", "region")
#: Groups smaller than this are never shown apart (disclosure control).
MIN_GROUP_SIZE = 5
#: The key under which small groups are pooled in ``Summary.by_group``.
POOLED_GROUP = "other (small groups pooled)"
#: The group of mentees with no value for a dimension (e.g. no region).
NOT_GIVEN = "not given"


@dataclass(frozen=True)
class _Tallies:
    """What the rates of any group of rows need, per row (one pass over the rows)."""

    matched: npt.NDArray[np.bool_]  # a match of the round
    scored: npt.NDArray[np.bool_]  # a match with a score: counts towards the mean
    score: npt.NDArray[np.float64]  # that score, else 0

    @classmethod
    def of(cls, rows: Sequence[MatchRow]) -> _Tallies:
        matched = np.array([r.status in MATCHED_IN_ROUND for r in rows], dtype=bool)
        score = np.array([np.nan if r.score is None else r.score for r in rows], dtype=float)
        scored = matched & ~np.isnan(score)
        return cls(matched, scored, np.where(scored, score, 0.0))


def group_rates(
    values: Sequence[str], rows: Sequence[MatchRow], tallies: _Tallies | None = None
) -> dict[str, GroupRate]:
    """Match rate and mean score by group, hiding groups of fewer than MIN_GROUP_SIZE.

    Parameters
    ----------
    values : sequence of str
        Each row's group.
    rows : sequence of MatchRow
    tallies : optional
        ``_Tallies.of(rows)``, when the caller has it (one per round, not per dimension).

    Returns
    -------
    dict of str to GroupRate
        Groups shown, sorted, then :data:`POOLED_GROUP` when any were pooled.
    """
    if len(values) != len(rows):
        raise ValueError("one group value per row is needed")
    t = _Tallies.of(rows) if tallies is None else tallies
    code_of = {v: c for c, v in enumerate(dict.fromkeys(values))}
    codes = np.fromiter(map(code_of.__getitem__, values), np.int64, len(values))
    k = len(code_of)
    size = np.bincount(codes, minlength=k).tolist()
    matched = np.bincount(codes[t.matched], minlength=k).tolist()
    # Each group's scores summed by sum() itself, in row order (a stable sort by group):
    # the very float the per-row code gave, on every Python version (3.12's sum() of
    # floats is compensated; numpy's sums are not).
    has = t.scored
    by_group = np.argsort(codes[has], kind="stable")
    ordered = t.score[has][by_group].tolist()
    per_group = np.bincount(codes[has], minlength=k)
    ends, scored = np.cumsum(per_group).tolist(), per_group.tolist()
    total = [sum(ordered[e - n : e]) for e, n in zip(ends, scored, strict=True)]
    shown = {v: c for v, c in code_of.items() if size[c] >= MIN_GROUP_SIZE}
    small = [v for v in sorted(code_of) if v not in shown]
    pooled = sum(size[code_of[v]] for v in small)
    # Disclosure control: small groups appear only pooled. A pool still too small takes in
    # the smallest shown groups too, so no hidden count can be had by subtraction from the
    # totals; a dimension too small in all is not broken down at all.
    while 0 < pooled < MIN_GROUP_SIZE and shown:
        key = min(shown, key=lambda v: (size[shown[v]], v))
        small.append(key)
        pooled += size[shown.pop(key)]
    out = {}
    for v in sorted(shown):
        c = shown[v]
        n, m, s = size[c], matched[c], scored[c]
        out[v] = GroupRate(n, m, round(m / n, 4), round(total[c] / s, 4) if s else None)
    if small:
        # The pool's mean adds its rows in the pool's order (by group, as pooled): per row.
        rows_of = [q for v in small for q in np.flatnonzero(codes == code_of[v]).tolist()]
        pool = [rows[q] for q in rows_of]
        out[POOLED_GROUP] = _rate(pool) if len(pool) >= MIN_GROUP_SIZE else GroupRate(None)
    return out


def _rate(rows: Sequence[MatchRow]) -> GroupRate:
    matched = [r for r in rows if r.status in MATCHED_IN_ROUND]
    scores = [r.score for r in matched if r.score is not None]
    return GroupRate(
        n=len(rows),
        matched=len(matched),
        match_rate=round(len(matched) / len(rows), 4) if rows else None,
        mean_score=round(sum(scores) / len(scores), 4) if scores else None,
    )


def _capacity_use(
    used: npt.NDArray[np.int64], cap: npt.NDArray[np.int64]
) -> tuple[CapacityUse, float | None]:
    """Mentors by how full they are, and the mean share filled (capacity above 0 only)."""
    # Integer comparisons, so mentors of capacity 0 fall in a bin too.
    bins = CapacityUse(
        empty=int(np.sum(used == 0)),
        under_half=int(np.sum((used > 0) & (2 * used <= cap))),
        over_half=int(np.sum((2 * used > cap) & (used < cap))),
        full=int(np.sum((used == cap) & (cap > 0))),
        over_capacity=int(np.sum(used > cap)),
    )
    if not np.any(cap > 0):
        return bins, None
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(cap > 0, used / np.maximum(cap, 1), np.nan)
    return bins, round(float(np.nanmean(util)), 4)


def summarise(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    rows: Sequence[MatchRow],
    used: npt.NDArray[np.int64],
    n_pairs: int,
    n_existing: int,
) -> Summary:
    """The summary of a round's rows.

    Parameters
    ----------
    mentees, mentors : sequence of Mentee, Mentor
        The round's records (every mentee, with or without a running relationship).
    rows : sequence of MatchRow
        One per mentee.
    used : ndarray of int64
        Per mentor, the places filled after the round (existing and new).
    n_pairs : int
        Candidate pairs of the round.
    n_existing : int
        Running relationships kept (with their mentee in the file or not).
    """
    by_id = {m.id: m for m in mentees}
    active = [r for r in rows if r.status.in_round]
    # A pair accepted in review is a match of this round as much as a new proposal.
    matched = [r for r in active if r.status in MATCHED_IN_ROUND]
    scores = np.array([r.score for r in matched], dtype=float)
    cap = np.array([m.capacity for m in mentors], dtype=np.int64)
    bins, mean_use = _capacity_use(used, cap)
    reasons: dict[str, int] = {}
    for r in active:
        if r.status == MatchStatus.UNMATCHED:
            reasons[r.rule] = reasons.get(r.rule, 0) + 1
    by_group = {}
    records = [by_id[r.mentee_id] for r in active]
    tallies = _Tallies.of(active)
    for dim in GROUP_DIMENSIONS:
        vals = [str(v or NOT_GIVEN) for v in map(attrgetter(dim), records)]
        by_group[dim] = group_rates(vals, active, tallies)
    quartiles = None
    if scores.size:
        q1, q2, q3 = (round(float(q), 4) for q in np.quantile(scores, [0.25, 0.5, 0.75]))
        quartiles = (q1, q2, q3)
    counts = Counts(
        mentees=len(mentees),
        to_match=len(active),
        matched=len(matched),
        unmatched=len(active) - len(matched),
        existing=n_existing,
        existing_in_mentees_file=len(rows) - len(active),
        mentors=len(mentors),
        candidate_pairs=n_pairs,
        accepted=sum(r.status == MatchStatus.ACCEPTED for r in active),
    )
    return Summary(
        counts=counts,
        match_rate=round(len(matched) / len(active), 4) if active else None,
        mean_score=round(float(scores.mean()), 4) if scores.size else None,
        score_quartiles=quartiles,
        mentor_capacity_use=bins,
        mentor_capacity_use_mean=mean_use,
        unmatched_by_reason=dict(sorted(reasons.items())),
        by_group=by_group,
    )
