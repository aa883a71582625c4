"""One matching round, assembled into one value: :class:`MatchResult`.

``plan`` applies a review (decisions, ended relationships) before the round is solved,
``run`` matches (candidates, assignment, explanations), ``rows``, ``summary`` and
``review`` assemble the result from what the earlier stages computed, ``serialise`` turns
it into ``result.json`` and back, and ``writers`` write ``matches.csv`` and ``result.json``.
"""

from matcher.round.result import (
    DECIMALS,
    CapacityUse,
    Counts,
    GroupRate,
    KeptRelationship,
    MatchResult,
    MatchRow,
    MatchStatus,
    SolverInfo,
    Summary,
    TopCandidate,
)
from matcher.round.review import Change, ChangeKind, Review
from matcher.round.run import EXPLAIN_TOP, match, match_files
from matcher.round.serialise import SUPPRESSED, load_result, result_dict, result_from_dict
from matcher.round.summary import (
    GROUP_DIMENSIONS,
    MIN_GROUP_SIZE,
    NOT_GIVEN,
    POOLED_GROUP,
    group_rates,
    summarise,
)
from matcher.round.writers import MATCH_COLUMNS, write_matches_csv, write_result_json

__all__ = [
    "DECIMALS",
    "EXPLAIN_TOP",
    "GROUP_DIMENSIONS",
    "MATCH_COLUMNS",
    "MIN_GROUP_SIZE",
    "NOT_GIVEN",
    "POOLED_GROUP",
    "SUPPRESSED",
    "CapacityUse",
    "Change",
    "ChangeKind",
    "Counts",
    "GroupRate",
    "KeptRelationship",
    "MatchResult",
    "MatchRow",
    "MatchStatus",
    "Review",
    "SolverInfo",
    "Summary",
    "TopCandidate",
    "group_rates",
    "load_result",
    "match",
    "match_files",
    "result_dict",
    "result_from_dict",
    "summarise",
    "write_matches_csv",
    "write_result_json",
]
