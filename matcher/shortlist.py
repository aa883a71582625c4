"""A ranked shortlist of mentors for one new referral, with reasons.

For a case-management system asking "who could mentor this person?": the ``k`` best
mentors who pass every hard rule and still have a spare place and enough weekly hours,
each with its criterion scores and a one-line reason; with none, why not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from matcher.arrays import MenteeArrays, MentorArrays
from matcher.candidates import Cascade, rule_cascade
from matcher.config import Config
from matcher.criteria import Pairs, informative, score_pairs
from matcher.errors import ParameterError
from matcher.inputs.relationships import running_on
from matcher.models import Existing, Mentee, Mentor, Supervisor

__all__ = ["Shortlist", "ShortlistEntry", "shortlist"]


@dataclass(frozen=True)
class ShortlistEntry:
    """One proposed mentor.

    Attributes
    ----------
    mentor_id : str
    score : float
        Weighted score in [0, 1].
    criteria : dict of str to float or None
        Each criterion's score, registry order; ``None`` for a criterion of weight 0.
    distance_km : float
    reason : str
        One line naming the strongest criteria and the distance.
    """

    mentor_id: str
    score: float
    criteria: dict[str, float | None]
    distance_km: float
    reason: str


@dataclass(frozen=True)
class Shortlist:
    """The ranked mentors for one mentee, or why there are none.

    Attributes
    ----------
    mentee_id : str
    entries : tuple of ShortlistEntry
        Best first (score descending, then mentor id).
    reason : str or None
        When ``entries`` is empty: the rule that left no mentor, in plain words,
        followed by how many mentors each rule removed.
    removed : dict of str to int
        Mentors removed by each rule in cascade order (``capacity`` last).
    n_available : int
        Mentors passing every rule with spare capacity (the shortlist takes the top k).
    """

    mentee_id: str
    entries: tuple[ShortlistEntry, ...]
    reason: str | None
    removed: dict[str, int] = field(default_factory=dict)
    n_available: int = 0


def _entry_reason(
    mentee: Mentee, criteria: dict[str, float | None], weights: dict[str, float], km: float
) -> str:
    ranked = sorted(
        (
            (-(weights[n] * s), k, n, s)
            for k, (n, s) in enumerate(criteria.items())
            if s is not None and informative(mentee, n)
        )
    )
    best = [f"{n.replace('_', ' ')} {s:.2f}" for _, _, n, s in ranked[:3]]
    return f"strongest: {', '.join(best)}; {km:.1f} km away"


def _supervisors_full(
    mentors: Sequence[Mentor], existing: Sequence[Existing], supervisors: Sequence[Supervisor]
) -> np.ndarray:
    """Per mentor: their supervisor already oversees as many relationships as the cap."""
    cap = {s.id: s.capacity for s in supervisors}
    sup_of = {m.id: m.supervisor for m in mentors}
    used: dict[str, int] = {}
    for rel in existing:
        s = sup_of.get(rel.mentor_id)
        if s is not None:
            used[s] = used.get(s, 0) + 1
    return np.array(
        [m.supervisor in cap and used.get(m.supervisor, 0) >= cap[m.supervisor] for m in mentors],
        dtype=bool,
    )


def shortlist(
    mentee: Mentee,
    mentors: Sequence[Mentor],
    config: Config | None = None,
    k: int = 5,
    existing: Sequence[Existing] = (),
    as_of: date | None = None,
    supervisors: Sequence[Supervisor] = (),
) -> Shortlist:
    """Rank the best ``k`` available mentors for one referral.

    Parameters
    ----------
    mentee : Mentee
    mentors : sequence of Mentor
    config : Config, optional
        ``None`` means ``Config()``.
    k : int
        How many mentors to return at most (>= 1).
    existing : sequence of Existing
        Running relationships: they use mentors' places and weekly hours (those ended by
        ``as_of`` do not; see :mod:`matcher.inputs.relationships`).
    as_of : date, optional
        Run date; default today.
    supervisors : sequence of Supervisor
        Caps on relationships per supervisor: a mentor whose supervisor already oversees
        as many as the cap (existing relationships counted) is not available.

    Returns
    -------
    Shortlist
        Entries best first; with none, ``reason`` says which rule left no mentor.
    """
    if k < 1:
        raise ParameterError(f"The 'k' parameter of shortlist must be >= 1, got {k} instead")
    config = Config() if config is None else config
    as_of = date.today() if as_of is None else as_of
    existing = running_on(existing, as_of)  # an ended relationship takes no place
    mo = MentorArrays.from_records(mentors, config)
    cascade: Cascade = rule_cascade(
        mentee, mo, config, as_of=as_of, existing=existing, mentor_records=mentors
    )
    removed = dict(cascade.removed)
    available = cascade.available
    full = _supervisors_full(mentors, existing, supervisors)
    if full.any():
        removed["supervisor"] = int(np.sum(available & full))
        available = available & ~full
    j = np.flatnonzero(available).astype(np.int32)
    if len(j) == 0:
        counts = ", ".join(f"{r} {n}" for r, n in removed.items() if n)
        reason = cascade.reason or (
            "every available mentor's supervisor is at their cap"
            if removed.get("supervisor")
            else "no mentor available"
        )
        if counts:
            reason += f" [mentors removed by rule: {counts}]"
        return Shortlist(mentee.id, (), reason, removed, 0)
    me = MenteeArrays.from_records([mentee], config, as_of)
    d = cascade.distance_km[j]
    score, crit = score_pairs(Pairs(me, mo, np.zeros(len(j), np.int32), j, d, config))
    order = np.lexsort((mo.rank[j], -score))[:k]
    weights = config.weight_vector()
    entries = []
    for r in order.tolist():
        values = {n: (None if np.isnan(v[r]) else float(v[r])) for n, v in crit.items()}
        entries.append(
            ShortlistEntry(
                mentor_id=str(mo.ids[j[r]]),
                score=float(score[r]),
                criteria=values,
                distance_km=float(d[r]),
                reason=_entry_reason(mentee, values, weights, float(d[r])),
            )
        )
    return Shortlist(mentee.id, tuple(entries), None, removed, len(j))
