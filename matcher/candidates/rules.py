"""The hard rules, each defined once.

A :class:`Rule` holds everything about one rule: its name, its labels (report, docs), what
it asks in plain words (the reason given when it leaves a mentee no mentor), the config
switch and parameters it reads, and its reference predicate over a batch of pairs. The
batch search (the compiled pass of :mod:`matcher.candidates.kernel`), the one-mentee rule
cascade (:mod:`matcher.candidates.cascade`), the report and ``docs/scoring.md`` all read
:data:`RULES`; a contract test checks the compiled pass against the predicates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from matcher.arrays import STRENGTH_REQUIRED, MenteeArrays, MentorArrays, has_bit, overlap, popcount
from matcher.criteria import Pairs, ethnicity_met, faith_met, gender_met, lived_met

if TYPE_CHECKING:
    from matcher.config import Config
    from matcher.models import Mentee

__all__ = ["RULES", "Rule", "active_rules", "exclusion_keys", "rule", "rules_reference"]

Mask = npt.NDArray[np.bool_]
Phrase = Callable[["Mentee", MenteeArrays, "Config"], str]


def _on(config: Config) -> bool:
    return True


@dataclass(frozen=True)
class Rule:
    """One hard rule.

    Attributes
    ----------
    name : str
        Machine name: key of per-rule counts and of unmatched reasons.
    label : str
        Plain-words name (the cascade's steps).
    chart_label : str
        Short label in the report's chart of unmatched reasons.
    holds_when : str
        When a pair passes, for the docs table (Markdown).
    test : callable
        ``test(pairs, excluded_keys) -> bool mask``: which pairs pass.
    phrase : callable
        ``phrase(mentee, mentee_arrays, config) -> str``: what the rule asks of this
        mentee's mentors, naming no special-category value beyond the mentee's own wish.
    active : callable
        ``active(config) -> bool``: whether the config switches the rule on.
    active_when : str
        When it is on, for the docs table.
    parameters : tuple of str
        Dotted config keys the rule reads.
    """

    name: str
    label: str
    chart_label: str
    holds_when: str
    test: Callable[[Pairs, npt.NDArray[np.int64]], Mask]
    phrase: Phrase
    active: Callable[[Config], bool] = _on
    active_when: str = "always"
    parameters: tuple[str, ...] = ()


def exclusion_keys(me: MenteeArrays, mo: MentorArrays) -> npt.NDArray[np.int64]:
    """Sorted pair keys ``i * n_mentors + j`` of every excluded pair.

    A repeated mentor id (possible only through the library) resolves to its last row.
    """
    if not any(me.exclude):
        return np.zeros(0, dtype=np.int64)
    index = {str(m): k for k, m in enumerate(mo.ids)}
    n = max(len(mo), 1)
    keys = [i * n + index[x] for i, ex in enumerate(me.exclude) for x in ex if x in index]
    return np.unique(np.asarray(keys, dtype=np.int64))


def _not_excluded(p: Pairs, keys: npt.NDArray[np.int64]) -> Mask:
    out = np.ones(len(p.i), dtype=bool)
    if len(keys) == 0:
        return out
    # Few mentees exclude anyone: look up only their pairs.
    rows = np.flatnonzero(np.isin(p.i, np.unique(keys // max(len(p.mo), 1))))
    k = p.i[rows].astype(np.int64) * max(len(p.mo), 1) + p.j[rows]
    pos = np.minimum(np.searchsorted(keys, k), len(keys) - 1)
    out[rows] = keys[pos] != k
    return out


def _required(p: Pairs, strength: npt.NDArray[np.int8], met: Callable[[Pairs], Mask]) -> Mask:
    out = np.ones(len(p.i), dtype=bool)
    rows = np.flatnonzero(strength[p.i] == STRENGTH_REQUIRED)
    if len(rows):  # only pairs whose mentee requires it are tested
        out[rows] = met(p.subset(rows))
    return out


_GENDER_WORD = {0: "female", 1: "male", 2: "non-binary", 3: "undisclosed-gender"}


def _mentor_gender_phrase(mentee: Mentee, me: MenteeArrays, config: Config) -> str:
    if mentee.mentor_gender == "same":
        if mentee.gender == "undisclosed":
            return "required same-gender mentor, but the mentee's gender is undisclosed"
        return "required same-gender mentor"
    return f"required {mentee.mentor_gender} mentor"


def _ethnicity_phrase(mentee: Mentee, me: MenteeArrays, config: Config) -> str:
    if mentee.ethnicity == "undisclosed":
        return "required same-ethnicity mentor, but the mentee's ethnicity is undisclosed"
    return "required same-ethnicity mentor"


def _faith_phrase(mentee: Mentee, me: MenteeArrays, config: Config) -> str:
    if mentee.faith is None:
        return "required same-faith mentor, but the mentee's faith is not recorded"
    return "required same-faith mentor"


def _availability_phrase(mentee: Mentee, me: MenteeArrays, config: Config) -> str:
    k = config.rules.min_shared_slots
    return f"at least {k} shared availability slot{'s' if k != 1 else ''} required"


def _commitment_phrase(mentee: Mentee, me: MenteeArrays, config: Config) -> str:
    end = date.fromordinal(int(me.planned_end[0])).isoformat()
    return f"commitment cover required: no mentor available until {end}"


def _distance_phrase(mentee: Mentee, me: MenteeArrays, config: Config) -> str:
    # The cascade words the distance reason itself (it names the nearest eligible mentor).
    return "no mentor within travel distance"


#: Every hard rule, in cascade order (distance last: "nearest eligible" needs the others).
RULES: tuple[Rule, ...] = (
    Rule("excluded", "mentor excluded by the mentee", "Mentor excluded by mentee",
         "the mentor's id is not in the mentee's `exclude_mentors`", _not_excluded,
         lambda m, me, c: "mentors excluded by the mentee"),
    Rule("mentee_gender", "mentor's own mentee-gender requirement",
         "Mentor's mentee-gender rule",
         "mentor's `mentee_gender` is `any`, or equals the mentee's gender (`undisclosed` "
         "meets only `any`)",
         lambda p, _: (p.mo.mentee_gender[p.j] < 0)
         | (p.mo.mentee_gender[p.j] == p.me.gender[p.i]),
         lambda m, me, c: "mentors' own mentee-gender requirement (none takes a "
         f"{_GENDER_WORD[int(me.gender[0])]} mentee)"),
    Rule("mentor_gender", "mentee's required mentor gender", "Required mentor gender",
         "mentee's `mentor_gender_strength` is not `required`, or the mentor's gender is the "
         "wished one: `female`/`male` as named, `same` = the mentee's own gender (a mentee of "
         "`undisclosed` gender cannot have `same` met), `any` always met",
         lambda p, _: _required(p, p.me.gender_strength, gender_met), _mentor_gender_phrase),
    Rule("risk", "mentor trained for the mentee's risk level", "Risk level",
         "risk(mentee) ≤ `max_risk`(mentor), order low < medium < high < very_high",
         lambda p, _: p.me.risk[p.i] <= p.mo.max_risk[p.j],
         lambda m, me, c: "no mentor trained for the mentee's risk level"),
    Rule("language", "a shared language", "No shared language",
         "the two share at least one language",
         lambda p, _: overlap(p.me.languages, p.i, p.mo.languages, p.j),
         lambda m, me, c: "no mentor speaking " + " or ".join(m.languages)),
    Rule("ethnicity", "mentee's required same-ethnicity mentor", "Required same ethnicity",
         "not `required`, or same ethnicity and not `undisclosed`",
         lambda p, _: _required(p, p.me.ethnicity_strength, ethnicity_met), _ethnicity_phrase),
    Rule("faith", "mentee's required same-faith mentor", "Required same faith",
         "not `required`, or both give a faith and it is the same",
         lambda p, _: _required(p, p.me.faith_strength, faith_met), _faith_phrase),
    Rule("lived_experience", "mentee's required mentor with lived experience",
         "Required lived experience", "not `required`, or the mentor has lived experience",
         lambda p, _: _required(p, p.me.lived_strength, lived_met),
         lambda m, me, c: "required mentor with lived experience"),
    Rule("prison_clearance", "mentor cleared for the mentee's prison", "Prison clearance",
         "mentee in the community, or the mentor is cleared for the mentee's prison",
         lambda p, _: ~p.me.custody[p.i] | has_bit(p.mo.prisons, p.j, p.me.prison[p.i]),
         lambda m, me, c: f"prison clearance required: no mentor cleared for prison {m.prison}",
         lambda c: c.rules.require_prison_clearance,
         "`rules.require_prison_clearance` (default off: scored instead)",
         ("rules.require_prison_clearance",)),
    Rule("commitment", "mentor's commitment covers the relationship", "Commitment too short",
         "mentor `available_until` is empty or ≥ `planned_end` (see continuity)",
         lambda p, _: p.mo.available_until[p.j] >= p.me.planned_end[p.i], _commitment_phrase,
         lambda c: c.rules.require_commitment_cover,
         "`rules.require_commitment_cover` (default off: scored instead)",
         ("rules.require_commitment_cover", "objective.relationship_months")),
    Rule("region", "same region", "Different region",
         "either has no region, or the regions are equal",
         lambda p, _: (p.me.region[p.i] < 0) | (p.mo.region[p.j] < 0)
         | (p.me.region[p.i] == p.mo.region[p.j]),
         lambda m, me, c: f"same region required: no mentor in region {m.region}",
         lambda c: c.rules.same_region, "`rules.same_region` (default off)",
         ("rules.same_region",)),
    Rule("availability", "enough shared availability slots", "Too little shared time",
         "popcount(mentee slots ∧ mentor slots) ≥ `rules.min_shared_slots`",
         lambda p, _: popcount(p.me.slots[p.i] & p.mo.slots[p.j])
         >= p.config.rules.min_shared_slots,
         _availability_phrase, lambda c: c.rules.min_shared_slots > 0,
         "`min_shared_slots` > 0 (default 1)", ("rules.min_shared_slots",)),
    Rule("distance", "within the mentor's travel distance", "Beyond travel distance",
         "haversine(mentor home, mentee lat/lon) ≤ mentor `max_travel_km`",
         lambda p, _: p.distance_km <= p.mo.reach_km[p.j], _distance_phrase),
)  # fmt: skip
_BY_NAME = {r.name: r for r in RULES}


def rule(name: str) -> Rule:
    """The rule called ``name``."""
    return _BY_NAME[name]


def active_rules(config: Config) -> tuple[Rule, ...]:
    """The rules the config switches on, in cascade order."""
    return tuple(r for r in RULES if r.active(config))


def rules_reference() -> str:
    """The docs' table of hard rules (Markdown), generated from :data:`RULES`."""
    lines = ["| rule (`name`) | holds when | active |", "|---|---|---|"]
    lines += [f"| `{r.name}` | {r.holds_when} | {r.active_when} |" for r in RULES]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m matcher.candidates.rules: the table for docs/scoring.md
    print(rules_reference(), end="")
