"""matcher: provably optimal mentor-mentee matching for prison and probation mentoring.

The pipeline runs one way: validated records (``models``, ``io``) → arrays and
sparse candidate pairs with scores (``arrays``, ``criteria``, ``candidates``) →
optimal assignment (``assignment``) → reasons (``explain``) → one result value (``round``) →
report, text explanations and files (``report``, ``round.writers``).
``tuning`` compares configs and sweeps weightings.
"""

from matcher._version import __version__ as __version__
from matcher.assignment import SolveMethod, SolveResult, SolveStatus, solve
from matcher.candidates import Candidates, find_candidates
from matcher.config import Config, load_config
from matcher.errors import (
    ConfigError,
    InputError,
    MatcherError,
    MemoryLimitError,
    OutputError,
    ParameterError,
)
from matcher.io import (
    Caseload,
    load_caseload,
    load_decisions,
    load_existing,
    load_mentees,
    load_mentors,
    load_prisons,
    load_proposals,
    load_supervisors,
)
from matcher.models import Decision, Existing, Mentee, Mentor, Prison, Proposal, Supervisor
from matcher.report import explain_mentee
from matcher.round import (
    MatchResult,
    MatchRow,
    MatchStatus,
    Review,
    SolverInfo,
    Summary,
    TopCandidate,
    load_result,
    match,
)
from matcher.round.commit import Commit, commit_round
from matcher.shortlist import Shortlist, shortlist
from matcher.synth import generate as generate_caseload
from matcher.tuning import Comparison, Sweep, compare, load_grid, sweep

__all__ = [
    "Candidates",
    "Commit",
    "Comparison",
    "MatchResult",
    "MatchRow",
    "MatchStatus",
    "Shortlist",
    "Review",
    "SolveMethod",
    "SolveResult",
    "SolveStatus",
    "Sweep",
    "compare",
    "SolverInfo",
    "Summary",
    "TopCandidate",
    "commit_round",
    "explain_mentee",
    "find_candidates",
    "generate_caseload",
    "match",
    "shortlist",
    "solve",
    "sweep",
    "Caseload",
    "Config",
    "ConfigError",
    "Decision",
    "OutputError",
    "Existing",
    "InputError",
    "MatcherError",
    "MemoryLimitError",
    "Mentee",
    "Mentor",
    "ParameterError",
    "Prison",
    "Proposal",
    "Supervisor",
    "load_caseload",
    "load_config",
    "load_decisions",
    "load_grid",
    "load_existing",
    "load_mentees",
    "load_mentors",
    "load_prisons",
    "load_proposals",
    "load_result",
    "load_supervisors",
]
