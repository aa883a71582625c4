"""The one value a round produces, and the typed records it is made of.

:class:`MatchResult` is what the writers, the report and the text explanations read; it
holds no internal state of the round (no candidate arrays, no solver object), so a round
saved as ``result.json`` reads back equal (:func:`matcher.round.load_result`).

Scores and criterion scores are kept at :data:`DECIMALS` decimals, the precision every
output publishes, so that saving and reading back loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from matcher.assignment import SolveMethod, SolveStatus
from matcher.config import Config
from matcher.errors import ParameterError
from matcher.explain import Outcome
from matcher.round.review import Review

__all__ = [
    "DECIMALS",
    "MATCHED_IN_ROUND",
    "CapacityUse",
    "Counts",
    "GroupRate",
    "KeptRelationship",
    "MatchResult",
    "MatchRow",
    "MatchStatus",
    "SolverInfo",
    "Summary",
    "TopCandidate",
]

#: Decimals kept of scores, criterion scores and distances.
DECIMALS = 6


class MatchStatus(StrEnum):
    """What the round did for one mentee (a ``str``: ``"matched" == MatchStatus.MATCHED``)."""

    #: A new proposal.
    MATCHED = "matched"
    #: No proposal; the row's reason says why.
    UNMATCHED = "unmatched"
    #: A running relationship, kept as it is and not matched again.
    EXISTING = "existing"
    #: A pair accepted in review, kept as it is and not matched again.
    ACCEPTED = "accepted"

    @property
    def in_round(self) -> bool:
        """Whether the mentee was matched in this round (not carried over from before)."""
        return self in _IN_ROUND

    @property
    def has_mentor(self) -> bool:
        """Whether the row names a mentor (``result.json`` lists it under ``assignments``)."""
        return self is not MatchStatus.UNMATCHED


# A new status says here whether it is matched anew. An accepted pair is this round's match
# as much as a new proposal (it counts in the match rate, overall and by group).
_IN_ROUND = frozenset({MatchStatus.MATCHED, MatchStatus.UNMATCHED, MatchStatus.ACCEPTED})
#: The statuses of a mentee who got a mentor in this round.
MATCHED_IN_ROUND = frozenset({MatchStatus.MATCHED, MatchStatus.ACCEPTED})


@dataclass(frozen=True, slots=True)
class TopCandidate:
    """One of a mentee's best candidates, with what became of it in the round.

    Attributes
    ----------
    mentor_id : str
    score : float
        Weighted score in [0, 1].
    criteria : tuple of (float or None)
        Each criterion's score in :data:`matcher.criteria.CRITERION_NAMES` order;
        ``None`` for a criterion of weight 0.
    distance_km : float
    outcome : Outcome
        ``proposed``, or the limit the mentor hit (``capacity``, ``hours``,
        ``supervisor``), or ``room`` when the mentor had room.
    reason : str
        ``"proposed"``, or why the mentor did not take this mentee, in words.
    """

    mentor_id: str
    score: float
    criteria: tuple[float | None, ...]
    distance_km: float
    outcome: Outcome
    reason: str


@dataclass(frozen=True, slots=True)
class MatchRow:
    """The outcome for one mentee.

    ``status`` is ``matched`` (a new proposal), ``unmatched`` (with ``reason``),
    ``existing`` (a running relationship, kept as it is and not matched again) or
    ``accepted`` (a pair accepted in review, kept as it is and not matched again).
    ``top_candidates`` holds the mentee's best candidates (best first, as many as the
    round was asked to keep), for :func:`matcher.explain_mentee`. ``hours`` is the weekly
    hours the pair takes (``None`` when unmatched).
    """

    mentee_id: str
    mentor_id: str | None
    status: MatchStatus
    score: float | None
    criteria: dict[str, float | None]
    shared_goals: tuple[str, ...]
    signpost_goals: tuple[str, ...]
    planned_end: date | None
    rank: int | None
    candidates: int
    priority: float | None
    reason: str
    rule: str  # machine-readable reason kind, e.g. "distance", "capacity", "matched"
    top_candidates: tuple[TopCandidate, ...] = ()
    hours: float | None = None


@dataclass(frozen=True)
class KeptRelationship:
    """A running relationship the round kept (it counts against capacity and caps)."""

    mentee_id: str
    mentor_id: str


@dataclass(frozen=True)
class Counts:
    """How many of each, in a round."""

    mentees: int
    to_match: int
    matched: int
    unmatched: int
    #: Every running relationship is kept; only some have their mentee in the file.
    existing: int
    existing_in_mentees_file: int
    mentors: int
    candidate_pairs: int
    #: Pairs accepted in review and kept (they count in ``matched`` too).
    accepted: int = 0


@dataclass(frozen=True)
class CapacityUse:
    """Mentors by the places they fill after the round (existing and new) against capacity."""

    empty: int
    under_half: int
    over_half: int
    full: int
    over_capacity: int


@dataclass(frozen=True)
class GroupRate:
    """Match rate and mean score of one group of mentees (disclosure-controlled).

    A group too small to show (see :data:`matcher.round.MIN_GROUP_SIZE`) has every field
    ``None``: it is :attr:`suppressed`.
    """

    n: int | None
    matched: int | None = None
    match_rate: float | None = None
    mean_score: float | None = None

    @property
    def suppressed(self) -> bool:
        """Whether the group is too small to show its figures."""
        return self.n is None


@dataclass(frozen=True)
class Summary:
    """A round's figures: counts, rates, score spread, capacity use, reasons, groups.

    Attributes
    ----------
    counts : Counts
    match_rate : float or None
        Matched of the mentees to match; ``None`` with none to match.
    mean_score : float or None
        Of the new matches.
    score_quartiles : tuple of 3 floats, or None
    mentor_capacity_use : CapacityUse
    mentor_capacity_use_mean : float or None
        Mean share of capacity filled, over mentors of capacity above 0.
    unmatched_by_reason : dict of str to int
        Unmatched mentees by rule key, sorted by key.
    by_group : dict of str to dict of str to GroupRate
        Per dimension (:data:`matcher.round.GROUP_DIMENSIONS`), per group (sorted, then
        :data:`matcher.round.POOLED_GROUP`).
    """

    counts: Counts
    match_rate: float | None
    mean_score: float | None
    score_quartiles: tuple[float, float, float] | None
    mentor_capacity_use: CapacityUse
    mentor_capacity_use_mean: float | None
    unmatched_by_reason: dict[str, int]
    by_group: dict[str, dict[str, GroupRate]]


@dataclass(frozen=True)
class SolverInfo:
    """What the solver reports: status, objective, proven bound and gap, and how it ran.

    ``seconds`` is the only field that varies between runs of the same round.
    """

    status: SolveStatus
    method: SolveMethod
    objective: int
    bound: int
    gap: float
    total_priority: float
    total_score: float
    components: int
    score_resolution: int
    #: Opt-in pruning: "optimal" then means optimal over each mentee's best k pairs.
    pruned: bool
    seconds: float
    #: Sweeps that priced every pair left out of the solver's working set (0: every pair
    #: was in the solver) and the pairs the solver held at the end.
    pricing_rounds: int = 0
    columns: int = 0


@dataclass(frozen=True)
class MatchResult:
    """Everything a round produces; ``rows`` has one row per input mentee, by mentee id.

    ``existing`` lists every running relationship kept, whether or not its mentee is in
    the mentees file (those that are also have a row of status ``existing``).
    """

    rows: tuple[MatchRow, ...]
    summary: Summary
    solver: SolverInfo
    as_of: date
    config: Config
    warnings: tuple[str, ...] = ()
    existing: tuple[KeptRelationship, ...] = ()
    #: What decisions and ended relationships did (None for a round with neither).
    review: Review | None = None

    def row(self, mentee_id: str) -> MatchRow:
        """The row of one mentee."""
        for r in self.rows:
            if r.mentee_id == mentee_id:
                return r
        raise ParameterError(
            f"The 'mentee_id' parameter of MatchResult.row must be a mentee of this round, "
            f"got {mentee_id!r} instead"
        )

    @property
    def matched(self) -> tuple[MatchRow, ...]:
        """Rows with a new proposal."""
        return tuple(r for r in self.rows if r.status == MatchStatus.MATCHED)

    @property
    def unmatched(self) -> tuple[MatchRow, ...]:
        """Rows with no proposal, each with its reason."""
        return tuple(r for r in self.rows if r.status == MatchStatus.UNMATCHED)

    @property
    def accepted(self) -> tuple[MatchRow, ...]:
        """Rows of pairs accepted in review and kept."""
        return tuple(r for r in self.rows if r.status == MatchStatus.ACCEPTED)
