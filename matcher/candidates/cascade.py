"""One mentee against every mentor: the hard rules one after another, and which rule left
no mentor, in words a coordinator can act on (:func:`rule_cascade`).

Dense over mentors (one mentee), vectorised; the same rule predicates as the batch search
(:data:`~matcher.candidates.rules.RULES`), so the two always agree (a property test checks).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from matcher.arrays import MenteeArrays, MentorArrays, existing_load, haversine_km
from matcher.candidates.rules import active_rules, exclusion_keys
from matcher.candidates.rules import rule as rule_named
from matcher.config import Config
from matcher.criteria import Pairs
from matcher.errors import ParameterError
from matcher.models import Existing, Mentee, Mentor

__all__ = ["Cascade", "RuleStep", "reason_words", "rule_cascade"]

Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class RuleStep:
    """How one rule of the cascade narrowed the mentors."""

    rule: str
    label: str
    removed: int
    remaining: int


@dataclass(frozen=True, eq=False)
class Cascade:
    """Every hard rule applied in turn for one mentee against all mentors.

    Attributes
    ----------
    mentee_id : str
    steps : tuple of RuleStep
        Active rules in cascade order, then ``capacity`` (spare places and hours).
    emptied_by : str or None
        The rule after which no mentor was left; ``None`` when some are available.
    reason : str or None
        Plain words a coordinator can act on, when ``emptied_by`` is set.
    feasible : ndarray of bool
        Per mentor: passes every hard rule (the pairs :func:`find_candidates` finds).
    available : ndarray of bool
        Per mentor: feasible and with a spare place and enough weekly hours.
    distance_km : ndarray of float64
        Per mentor: haversine distance to the mentee's (release) address.
    """

    mentee_id: str
    steps: tuple[RuleStep, ...]
    emptied_by: str | None
    reason: str | None
    feasible: Mask
    available: Mask
    distance_km: npt.NDArray[np.float64]

    @property
    def removed(self) -> dict[str, int]:
        """Mentors removed by each rule, cascade order."""
        return {s.rule: s.removed for s in self.steps}


def rule_cascade(
    mentee: Mentee,
    mentors: Sequence[Mentor] | MentorArrays,
    config: Config | None = None,
    *,
    as_of: date,
    existing: Sequence[Existing] = (),
    mentor_records: Sequence[Mentor] | None = None,
) -> Cascade:
    """Apply every hard rule, in order, for one mentee against every mentor.

    Dense over mentors (one mentee), vectorised. Rules run in :data:`RULES` order
    with distance last, then a ``capacity`` step (a spare place and enough weekly hours,
    existing relationships counted).

    Parameters
    ----------
    mentee : Mentee
    mentors : sequence of Mentor, or their prebuilt MentorArrays
    config : Config, optional
    as_of : date
    existing : sequence of Existing
        Relationships already running; they use mentors' places and hours.
    mentor_records : sequence of Mentor, optional
        The records behind prebuilt ``mentors`` arrays, needed only with ``existing``.

    Returns
    -------
    Cascade
    """
    config = Config() if config is None else config
    me = MenteeArrays.from_records([mentee], config, as_of)
    if isinstance(mentors, MentorArrays):
        mo, records = mentors, mentor_records
    else:
        mo, records = MentorArrays.from_records(mentors, config), mentors
    n = len(mo)
    i = np.zeros(n, dtype=np.int32)
    j = np.arange(n, dtype=np.int32)
    d = haversine_km(me.lat[i], me.lon[i], me.cos_lat[i], mo.lat, mo.lon, mo.cos_lat)
    p = Pairs(me, mo, i, j, d, config)
    keys = exclusion_keys(me, mo)
    rules = active_rules(config)
    passes = {r.name: r.test(p, keys) for r in rules}
    alive = np.ones(n, dtype=bool)
    steps: list[RuleStep] = []
    emptied_by: str | None = None
    before_empty = alive
    for r in rules:
        after = alive & passes[r.name]
        steps.append(RuleStep(r.name, r.label, int(alive.sum() - after.sum()), int(after.sum())))
        if emptied_by is None and alive.any() and not after.any():
            emptied_by, before_empty = r.name, alive
        alive = after
    feasible = alive
    if existing:
        if records is None:
            raise ParameterError(
                "The 'mentor_records' parameter of rule_cascade must be given with "
                "prebuilt mentor arrays and existing relationships, got None instead"
            )
        seats, hours = existing_load(existing, records, config)
    else:
        seats, hours = np.zeros(n, dtype=np.int32), np.zeros(n)
    need = me.support_hours[0]
    spare = (seats + 1 <= mo.capacity) & (hours + need <= mo.max_hours + 1e-9)
    available = feasible & spare
    steps.append(RuleStep("capacity", "a spare place and weekly hours",
                          int(feasible.sum() - available.sum()), int(available.sum())))  # fmt: skip
    if emptied_by is None and feasible.any() and not available.any():
        emptied_by, before_empty = "capacity", feasible
    reason = None
    if n == 0:
        reason = "no mentors to match against"
    elif emptied_by is not None:
        reason = _reason(emptied_by, mentee, me, mo, config, before_empty, passes, d, need)
    return Cascade(mentee.id, tuple(steps), emptied_by, reason, feasible, available, d)


def _reason(
    rule: str,
    mentee: Mentee,
    me: MenteeArrays,
    mo: MentorArrays,
    config: Config,
    before: Mask,
    passes: dict[str, Mask],
    d: npt.NDArray[np.float64],
    need: float,
) -> str:
    nearest = None
    if rule == "distance":
        near = int(np.flatnonzero(before)[np.argmin(d[before])])
        nearest = (float(d[near]), float(mo.reach_km[near]))
    in_reach = int((before & passes["distance"]).sum())
    return reason_words(rule, mentee, me, config, int(before.sum()), in_reach, need, nearest)


def reason_words(
    rule: str,
    mentee: Mentee,
    me: MenteeArrays,
    config: Config,
    before: int,
    in_reach: int,
    need: float,
    nearest: tuple[float, float] | None = None,
) -> str:
    """The reason when ``rule`` left the mentee no mentor, in plain words.

    Parameters
    ----------
    rule : str
        The rule that emptied the cascade (or ``capacity``).
    mentee : Mentee
    me : MenteeArrays
        The mentee's own arrays (row 0).
    config : Config
    before : int
        Mentors left before the rule.
    in_reach : int
        Of those, the ones within travel distance.
    need : float
        The mentee's weekly hours (``capacity``).
    nearest : (float, float), optional
        Distance and reach (km) of the nearest mentor passing every other rule
        (``distance``).
    """
    if rule == "capacity":
        k = before
        return (
            f"all {k} feasible mentor{'s are' if k != 1 else ' is'} full "
            f"(no spare place or {need:g} weekly hours)"
        )
    if rule == "distance":
        if nearest is None:
            raise ParameterError(
                "The 'nearest' parameter of reason_words must be given for the distance "
                "rule, got None instead"
            )
        place = "the release area" if mentee.custody == "custody" else "the mentee's home"
        return (
            f"no mentor within travel distance of {place} (nearest eligible "
            f"{nearest[0]:.0f} km; reach {nearest[1]:.0f} km)"
        )
    phrase = rule_named(rule).phrase(mentee, me, config)
    if in_reach == 1:
        return f"{phrase}: the one mentor in reach does not meet it"
    if in_reach:
        return f"{phrase}: none of the {in_reach} mentors in reach"
    m = before
    left = "the one mentor left does not" if m == 1 else f"none of the {m} mentors left"
    return f"{phrase}: {left} meet it (and none is in reach either)"
