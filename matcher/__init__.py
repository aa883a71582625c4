"""matcher: provably optimal mentor-mentee matching for prison and probation mentoring.

The pipeline runs one way: validated records (``models``, ``io``) → arrays and
sparse candidate pairs with scores (``arrays``, ``criteria``, ``candidates``) →
optimal assignment (``assignment``) → explained result (``match``, ``explain``, ``report``);
``tuning`` compares configs and sweeps weightings.
"""

__version__ = "0.1.0"

from matcher.assignment import SolveMethod, SolveResult, SolveStatus, solve
from matcher.candidates import Candidates, find_candidates
from matcher.config import Config, load_config
from matcher.errors import ConfigError, InputError, MatcherError, ParameterError
from matcher.explain import explain_mentee
from matcher.io import (
    Caseload,
    load_caseload,
    load_existing,
    load_mentees,
    load_mentors,
    load_prisons,
    load_supervisors,
)
from matcher.match import MatchResult, MatchRow, match
from matcher.models import Existing, Mentee, Mentor, Prison, Supervisor
from matcher.shortlist import Shortlist, shortlist
from matcher.synth import generate as generate_caseload
from matcher.tuning import Comparison, Sweep, compare, load_grid, sweep

__all__ = [
    "Candidates",
    "Comparison",
    "MatchResult",
    "MatchRow",
    "Shortlist",
    "SolveMethod",
    "SolveResult",
    "SolveStatus",
    "Sweep",
    "compare",
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
    "Existing",
    "InputError",
    "MatcherError",
    "Mentee",
    "Mentor",
    "ParameterError",
    "Prison",
    "Supervisor",
    "load_caseload",
    "load_config",
    "load_grid",
    "load_existing",
    "load_mentees",
    "load_mentors",
    "load_prisons",
    "load_supervisors",
]
