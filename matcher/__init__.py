"""matcher: provably optimal mentor-mentee matching for prison and probation mentoring.

The pipeline runs one way: validated records (``models``, ``io``) → arrays and
sparse candidate pairs with scores (``arrays``, ``criteria``, ``candidates``) →
optimal assignment (``assignment``) → explained result (``match``, ``explain``, ``report``).
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

__all__ = [
    "Candidates",
    "MatchResult",
    "MatchRow",
    "Shortlist",
    "SolveMethod",
    "SolveResult",
    "SolveStatus",
    "explain_mentee",
    "find_candidates",
    "generate_caseload",
    "match",
    "shortlist",
    "solve",
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
    "load_existing",
    "load_mentees",
    "load_mentors",
    "load_prisons",
    "load_supervisors",
]
