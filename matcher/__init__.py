"""matcher: provably optimal mentor-mentee matching for prison and probation mentoring.

The pipeline runs one way: validated records (``models``, ``io``) → arrays and
sparse candidate pairs with scores (``arrays``, ``criteria``, ``candidates``) →
optimal assignment (``solve``) → explained result (``match``, ``explain``, ``report``).
"""

from matcher.config import Config, load_config
from matcher.errors import ConfigError, InputError, MatcherError, ParameterError
from matcher.io import (
    Caseload,
    load_caseload,
    load_existing,
    load_mentees,
    load_mentors,
    load_prisons,
    load_supervisors,
)
from matcher.models import Existing, Mentee, Mentor, Prison, Supervisor

__all__ = [
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

__version__ = "0.1.0"
