"""The figures a tuning run compares: one :class:`Figures` per round.

Everything here is read from a round's :class:`~matcher.round.MatchResult`: its summary
(counts, match rate, mean score and the match rates by group, with the round's own
disclosure control: groups under 5 pooled), its solver info and its rows. The share
matched through the gate needs the records (custody, prison, release address) and uses the
``through_the_gate`` criterion's own scorer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from matcher.arrays import MenteeArrays, MentorArrays, haversine_km
from matcher.config import Config
from matcher.criteria import Pairs, criterion
from matcher.models import Mentee, Mentor
from matcher.round import MatchResult

__all__ = ["Figures", "GroupFigure", "figures"]
_DECIMALS = 4


@dataclass(frozen=True)
class GroupFigure:
    """One group's match rate as the round's summary shows it (``None`` when suppressed)."""

    n: int | None
    match_rate: float | None


@dataclass(frozen=True)
class Figures:
    """What one round achieved, in the figures a tuning run compares.

    Attributes
    ----------
    to_match, matched : int
        Mentees matched in the round, and how many got a mentor.
    match_rate, mean_score : float or None
        As the round's summary gives them.
    total_priority : float
        Total priority of the mentees matched (what ``coverage_first`` maximises).
    shared_goals_share : float or None
        Of the matched mentees who gave goals, the share whose mentor covers at least one.
    gate_share : float or None
        Of the matched mentees in custody, the share whose mentor is cleared for their
        prison and lives near their release address (a ``through_the_gate`` score of 1);
        ``None`` without records or custody matches.
    group_spread : float or None
        The largest spread (highest minus lowest match rate) over the dimensions.
    spread : dict of str to (float or None)
        Per dimension of the summary (gender, ethnicity, custody, risk, region), highest
        minus lowest match rate over the groups shown (the pooled group of small groups
        included; suppressed groups never).
    by_group : dict of str to dict of str to GroupFigure
        The summary's match rates by group, disclosure control as the round applied it.
    solver_status : str
    gap : float
    """

    to_match: int
    matched: int
    match_rate: float | None
    mean_score: float | None
    total_priority: float
    shared_goals_share: float | None
    gate_share: float | None
    group_spread: float | None
    spread: dict[str, float | None]
    by_group: dict[str, dict[str, GroupFigure]]
    solver_status: str
    gap: float


def _get(record: Any, name: str) -> Any:
    """A field of a summary or solver record, a dict or a typed record alike."""
    return record[name] if isinstance(record, Mapping) else getattr(record, name)


def _share(hits: int, n: int) -> float | None:
    return round(hits / n, _DECIMALS) if n else None


def _by_group(summary: Any) -> dict[str, dict[str, GroupFigure]]:
    out: dict[str, dict[str, GroupFigure]] = {}
    for dim, groups in _get(summary, "by_group").items():
        out[dim] = {}
        for key, g in groups.items():
            n = _get(g, "n")
            rate = _get(g, "match_rate") if isinstance(n, int) else None
            out[dim][key] = GroupFigure(n if isinstance(n, int) else None, rate)
    return out


def _spread(groups: Mapping[str, GroupFigure]) -> float | None:
    rates = [g.match_rate for g in groups.values() if g.match_rate is not None]
    return round(max(rates) - min(rates), _DECIMALS) if len(rates) > 1 else None


def _gate_share(
    result: MatchResult, mentees: Sequence[Mentee], mentors: Sequence[Mentor]
) -> float | None:
    by_id = {m.id: m for m in mentees}
    mentor_by_id = {m.id: m for m in mentors}
    pairs = [
        (by_id[r.mentee_id], mentor_by_id[r.mentor_id])
        for r in result.rows
        if r.status == "matched"
        and r.mentor_id is not None
        and r.mentee_id in by_id
        and by_id[r.mentee_id].custody == "custody"
    ]
    if not pairs or not mentor_by_id:
        return None
    config: Config = result.config
    me = MenteeArrays.from_records([p[0] for p in pairs], config, result.as_of)
    mo = MentorArrays.from_records([p[1] for p in pairs], config)
    k = np.arange(len(pairs))
    d = haversine_km(me.lat, me.lon, me.cos_lat, mo.lat, mo.lon, mo.cos_lat)
    s = criterion("through_the_gate").score(Pairs(me, mo, k, k, d, config))
    return _share(int(np.sum(s == 1.0)), len(pairs))


def figures(
    result: MatchResult,
    mentees: Sequence[Mentee] = (),
    mentors: Sequence[Mentor] = (),
) -> Figures:
    """The tuning figures of one round.

    Parameters
    ----------
    result : MatchResult
    mentees, mentors : sequence of Mentee, Mentor, optional
        The round's records; without them ``gate_share`` is ``None``.
    """
    summary, solver = result.summary, result.solver
    counts = _get(summary, "counts")
    matched = [r for r in result.rows if r.status == "matched"]
    with_goals = [r for r in matched if r.shared_goals or r.signpost_goals]
    by_group = _by_group(summary)
    spread = {dim: _spread(groups) for dim, groups in by_group.items()}
    known = [s for s in spread.values() if s is not None]
    return Figures(
        to_match=int(_get(counts, "to_match")),
        matched=int(_get(counts, "matched")),
        match_rate=_get(summary, "match_rate"),
        mean_score=_get(summary, "mean_score"),
        total_priority=float(_get(solver, "total_priority")),
        shared_goals_share=_share(sum(1 for r in with_goals if r.shared_goals), len(with_goals)),
        gate_share=_gate_share(result, mentees, mentors) if mentees and mentors else None,
        group_spread=max(known) if known else None,
        spread=spread,
        by_group=by_group,
        solver_status=str(_get(solver, "status")),
        gap=float(_get(solver, "gap")),
    )
