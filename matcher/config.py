"""Weights and rules of a matching round, read from TOML (``configs/*.toml``).

Every key is checked when the config loads, the CP-SAT pass-through included: an
unknown or misspelt key is an error naming it, every number has a range the engine can
carry (``docs/limits.md``), and types are strict (``goals = true`` is not a weight,
``min_shared_slots = 2.5`` is not a count). The defaults here are the ones in
``configs/default.toml`` (a test keeps the two in step).
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    model_validator,
)

from matcher.criteria import CRITERIA
from matcher.errors import ConfigError
from matcher.inputs.files import UnreadableFile, read_text
from matcher.models import MAX_HOURS, MAX_PRIORITY, has_decimals
from matcher.vocab import AVAILABILITY_SLOTS

__all__ = [
    "CP_SAT_ALLOWED",
    "CP_SAT_OWN_KEYS",
    "MAX_CONFIG_BYTES",
    "MAX_WEIGHT",
    "Config",
    "LimitsConfig",
    "ObjectiveConfig",
    "PriorityConfig",
    "RulesConfig",
    "ScoringConfig",
    "SolverConfig",
    "SupportHoursConfig",
    "Weights",
    "config_from_dict",
    "load_config",
]

#: A config file is small; anything bigger is not one.
MAX_CONFIG_BYTES = 2**20
#: Largest weight of one criterion (only the ratios between weights matter).
MAX_WEIGHT = 1000.0
_SLOTS = len(AVAILABILITY_SLOTS)
# Half the Earth's circumference, km: no distance on Earth is longer.
_HALF_EARTH_KM = 20_016.0


def _places(places: int) -> Any:
    def check(value: float) -> float:
        if not has_decimals(value, places):
            raise ValueError(f"must have at most {places} decimal places")
        return value

    return AfterValidator(check)


_Hours = Annotated[float, Field(ge=0, le=MAX_HOURS), _places(2)]
_Priority = Annotated[float, Field(ge=0, le=MAX_PRIORITY), _places(2)]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, strict=True)


# One weight field per registered criterion, so the registry is the single source.
Weights: type[_Section] = create_model(  # type: ignore[call-overload]
    "Weights",
    __base__=_Section,
    __doc__="Weight of each criterion in the score (0-1000; at least one > 0).",
    **{
        c.name: (float, Field(c.default_weight, ge=0, le=MAX_WEIGHT, description=c.description))
        for c in CRITERIA
    },
)


def _check_weights(w: BaseModel) -> BaseModel:
    if not any(v > 0 for v in w.model_dump().values()):
        raise ValueError("at least one weight must be > 0")
    return w


class RulesConfig(_Section):
    """Hard rules beyond the ones that always apply (docs/scoring.md)."""

    min_shared_slots: int = Field(
        1, ge=0, le=_SLOTS, description="shared weekly slots a pair needs"
    )
    require_prison_clearance: bool = Field(
        False, description="a custody mentee's mentor must be cleared for their prison"
    )
    require_commitment_cover: bool = Field(
        False, description="the mentor's available_until must cover the planned relationship"
    )
    same_region: bool = Field(False, description="mentor and mentee must share a region")
    allow_unknown_columns: bool = Field(False, description="ignore unknown input columns")


class ScoringConfig(_Section):
    """Shape of the criterion scores."""

    location_half_km: float = Field(
        15.0, gt=0, le=_HALF_EARTH_KM, description="distance at which the location score halves"
    )
    release_area_km: float = Field(
        25.0,
        ge=0,
        le=_HALF_EARTH_KM,
        description="a mentor this close to the release address lives 'near' it",
    )
    secondary_language: float = Field(
        0.5, ge=0, le=1, description="language score when only a non-preferred language is shared"
    )
    frequency_shortfall: float = Field(
        0.5, ge=0, le=1, description="expectations credit per step the mentor's frequency is short"
    )
    slots_weekly: int = Field(
        3, ge=1, le=_SLOTS, description="shared slots a weekly relationship needs"
    )
    slots_fortnightly: int = Field(
        2, ge=1, le=_SLOTS, description="shared slots a fortnightly one needs"
    )
    slots_monthly: int = Field(1, ge=1, le=_SLOTS, description="shared slots a monthly one needs")


class SupportHoursConfig(_Section):
    """Weekly mentor hours a relationship takes when the mentee gives none."""

    weekly: _Hours = Field(2.0, description="hours for weekly contact")
    fortnightly: _Hours = Field(1.0, description="hours for fortnightly contact")
    monthly: _Hours = Field(0.5, description="hours for monthly contact")
    existing: _Hours = Field(1.0, description="hours of an existing relationship without hours")


class PriorityConfig(_Section):
    """Default priority of a mentee with no `priority` of their own."""

    community: _Priority = Field(1.0, description="on probation in the community")
    custody: _Priority = Field(1.5, description="in custody, release beyond the window")
    release_window: _Priority = Field(
        3.0, description="in custody and released within `release_window_days`"
    )
    release_window_days: int = Field(
        90, ge=0, le=3650, description="days before release in which a match is urgent"
    )
    ended_early: _Priority = Field(
        1.0, description="added to the priority of a mentee whose relationship ended early"
    )


class ObjectiveConfig(_Section):
    """What the assignment optimises (docs/method.md)."""

    mode: Literal["coverage_first", "score_only"] = Field(
        "coverage_first",
        description="coverage_first: most priority matched, then best score; score_only",
    )
    relationship_months: int = Field(
        12, ge=1, le=120, description="planned length: planned_end = release (or run date) + this"
    )
    spread_load: float = Field(
        0.0, ge=0, le=10, description="penalty per extra seat filled at one mentor (0 = off)"
    )
    score_resolution: int = Field(
        10_000, ge=1, le=1_000_000, description="integer units per 1.0 of score in the solver"
    )


class SolverConfig(_Section):
    """Solver limits; `cp_sat` keys go straight to OR-Tools' CpSolver parameters."""

    time_limit_seconds: float = Field(
        60.0, gt=0, le=7 * 86_400, description="wall-clock limit for CP-SAT (at most a week)"
    )
    workers: int = Field(
        1, ge=1, le=64, description="CP-SAT workers; 1 is deterministic, more is faster"
    )
    max_candidates_per_mentee: int = Field(
        0,
        ge=0,
        le=100_000,
        description="0 keeps every feasible pair (exact); k keeps each mentee's best k",
    )
    cp_sat: Annotated[dict[str, Any], AfterValidator(_check_cp_sat)] = Field(
        default_factory=dict,
        description="extra CP-SAT parameters, from the allowed set (docs/limits.md)",
    )
    memory_limit_gib: float = Field(
        0.0,
        ge=0,
        le=1_048_576,
        description="refuse a round whose estimated peak memory exceeds this many GiB "
        "(0: the memory available to the process)",
    )
    working_set_per_mentee: int = Field(
        4,
        ge=0,
        le=1000,
        description="pricing: each mentee's best k pairs start the solver's working set "
        "(the answer is the same; 0 puts every pair in the solver)",
    )
    gap_limit: float = Field(
        1e-4,
        ge=0,
        lt=1,
        description="where hours bind on parts too big for CP-SAT, the neighbourhood search "
        "stops once the gap, proven over every pair, is at most this share of the bound "
        "(0: search until the time limit)",
    )
    pricing_min_pairs: int = Field(
        2_000,
        ge=0,
        le=2**40,
        description="rounds with at least this many feasible pairs are solved on a "
        "working set and proven over every pair by pricing",
    )


# The CP-SAT parameters a config may pass through, with their type and range. Each is a
# search setting: none changes what is optimal, writes files or logs, or hangs a run
# (docs/limits.md). Everything else is refused when the config loads.
CP_SAT_ALLOWED: dict[str, tuple[type, float, float]] = {
    "random_seed": (int, 0, 2**31 - 1),
    "relative_gap_limit": (float, 0.0, 1.0),
    "absolute_gap_limit": (float, 0.0, 1e15),
    "max_deterministic_time": (float, 1e-3, 1e9),
    "linearization_level": (int, 0, 2),
    "symmetry_level": (int, 0, 4),
    "cp_model_probing_level": (int, 0, 3),
    "cp_model_presolve": (bool, 0, 1),
    "interleave_search": (bool, 0, 1),
    "optimize_with_core": (bool, 0, 1),
}
#: CP-SAT parameters the engine sets itself, and the config key to use instead.
CP_SAT_OWN_KEYS: dict[str, str] = {
    "num_workers": "solver.workers",
    "num_search_workers": "solver.workers",
    "max_time_in_seconds": "solver.time_limit_seconds",
}


def _check_cp_sat(params: dict[str, Any]) -> dict[str, Any]:
    # Checked when the config loads, not only when a round happens to need CP-SAT.
    from ortools.sat import sat_parameters_pb2

    scratch = sat_parameters_pb2.SatParameters()
    for key, value in params.items():
        if key in CP_SAT_OWN_KEYS:
            raise ValueError(
                f"CP-SAT parameter '{key}' is set by the engine; use {CP_SAT_OWN_KEYS[key]}"
            )
        if key not in CP_SAT_ALLOWED:
            what = (
                f"CP-SAT parameter '{key}' is not one a config may set"
                if hasattr(scratch, key)
                else f"unknown CP-SAT parameter '{key}'"
            )
            raise ValueError(f"{what}; allowed: {', '.join(sorted(CP_SAT_ALLOWED))}")
        kind, lo, hi = CP_SAT_ALLOWED[key]
        ok = isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            ok = True
        if not ok:
            name = {int: "a whole number", float: "a number", bool: "true or false"}[kind]
            raise ValueError(f"CP-SAT parameter '{key}' must be {name}")
        if kind is not bool and not (math.isfinite(value) and lo <= value <= hi):
            raise ValueError(f"CP-SAT parameter '{key}' must be between {lo:g} and {hi:g}")
        try:
            setattr(scratch, key, value)
        except (AttributeError, TypeError, ValueError) as exc:  # an OR-Tools without it
            raise ValueError(f"CP-SAT parameter '{key}' cannot be set here ({exc})") from None
    return params


class LimitsConfig(_Section):
    """How big an input may be; a file over a limit is refused with a clear message."""

    max_file_mib: int = Field(
        512, ge=1, le=65_536, description="largest input file, in MiB (2^20 bytes)"
    )
    max_rows: int = Field(
        1_000_000, ge=1, le=10_000_000, description="most data rows in one input file"
    )


class Config(_Section):
    """A whole matching configuration."""

    weights: Weights = Field(default_factory=Weights)  # type: ignore[valid-type]
    rules: RulesConfig = Field(default_factory=RulesConfig)
    scoring: ScoringConfig = Field(default_factory=ScoringConfig)
    support_hours: SupportHoursConfig = Field(default_factory=SupportHoursConfig)
    priority: PriorityConfig = Field(default_factory=PriorityConfig)
    objective: ObjectiveConfig = Field(default_factory=ObjectiveConfig)
    solver: SolverConfig = Field(default_factory=SolverConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)

    @model_validator(mode="after")
    def _weights_positive(self) -> Config:
        _check_weights(self.weights)
        return self

    def weight_vector(self) -> dict[str, float]:
        """Weights by criterion name, in registry order."""
        return {c.name: float(getattr(self.weights, c.name)) for c in CRITERIA}


_TYPE_MESSAGES = {
    "float_type": "must be a number",
    "int_type": "must be a whole number",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "dict_type": "must be a table of keys",
    "model_type": "must be a table of keys",
    "finite_number": "must be a finite number",
}


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _config_errors(exc: ValidationError, source: str) -> list[str]:
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            lines.append(f"{source}: unknown key '{key}' (check the spelling)")
        elif kind == "missing":
            lines.append(f"{source}: '{key}' is required")
        else:
            msg = _TYPE_MESSAGES.get(kind) or str(err["msg"]).removeprefix("Value error, ")
            msg = msg.replace("Input should be", "must be")
            msg = msg.replace("greater than or equal to", ">=").replace(
                "less than or equal to", "<="
            )
            msg = msg.replace("greater than", ">").replace("less than", "<")
            if not key or key == "solver.cp_sat":  # the message names the parameter
                lines.append(f"{source}: {msg}")
            else:
                lines.append(f"{source}: '{key}' {msg}; got {_shown(err['input'])}")
    return lines


def load_config(path: str | Path | None = None) -> Config:
    """Read a TOML config; ``None`` gives the defaults (``configs/default.toml``).

    Only a regular file of at most 1 MiB is read.

    Raises
    ------
    ConfigError
        The file is missing or not TOML, a key is unknown, or a value is out of range.
    """
    if path is None:
        return Config()
    path = Path(path)
    try:
        text = read_text(path, MAX_CONFIG_BYTES, "a config is at most 1 MiB")
        data = tomllib.loads(text)
    except UnreadableFile as exc:
        raise ConfigError(f"{path.name}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path.name}: not valid TOML (nested too deeply)") from None
    return config_from_dict(data, source=path.name)


def config_from_dict(data: dict[str, Any], source: str = "config") -> Config:
    """Validate a config given as nested dicts (as TOML parses it).

    Raises
    ------
    ConfigError
        One line per problem, each naming the key.
    """
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: must be a table of keys, got {type(data).__name__}")
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_config_errors(exc, source)) from None
    except RecursionError:
        raise ConfigError(f"{source}: nested too deeply") from None
