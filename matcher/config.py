"""Weights and rules of a matching round, read from TOML (``configs/*.toml``).

Every key is checked: an unknown or misspelt key is an error naming it. The defaults
here are the ones in ``configs/default.toml`` (a test keeps the two in step).
"""

from __future__ import annotations

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

__all__ = [
    "Config",
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


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


# One weight field per registered criterion, so the registry is the single source.
Weights: type[_Section] = create_model(  # type: ignore[call-overload]
    "Weights",
    __base__=_Section,
    __doc__="Weight of each criterion in the score (>= 0; at least one > 0).",
    **{c.name: (float, Field(c.default_weight, ge=0, description=c.description)) for c in CRITERIA},
)


def _check_weights(w: BaseModel) -> BaseModel:
    if not any(v > 0 for v in w.model_dump().values()):
        raise ValueError("at least one weight must be > 0")
    return w


class RulesConfig(_Section):
    """Hard rules beyond the ones that always apply (SPEC §4)."""

    min_shared_slots: int = Field(1, ge=0, description="shared weekly slots a pair needs")
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
        15.0, gt=0, description="distance at which the location score halves"
    )
    release_area_km: float = Field(
        25.0, ge=0, description="a mentor this close to the release address lives 'near' it"
    )
    secondary_language: float = Field(
        0.5, ge=0, le=1, description="language score when only a non-preferred language is shared"
    )
    frequency_shortfall: float = Field(
        0.5, ge=0, le=1, description="expectations credit per step the mentor's frequency is short"
    )
    slots_weekly: int = Field(3, ge=1, description="shared slots a weekly relationship needs")
    slots_fortnightly: int = Field(2, ge=1, description="shared slots a fortnightly one needs")
    slots_monthly: int = Field(1, ge=1, description="shared slots a monthly one needs")


class SupportHoursConfig(_Section):
    """Weekly mentor hours a relationship takes when the mentee gives none."""

    weekly: float = Field(2.0, ge=0, description="hours for weekly contact")
    fortnightly: float = Field(1.0, ge=0, description="hours for fortnightly contact")
    monthly: float = Field(0.5, ge=0, description="hours for monthly contact")
    existing: float = Field(
        1.0, ge=0, description="hours of an existing relationship without hours"
    )


class PriorityConfig(_Section):
    """Default priority of a mentee with no `priority` of their own."""

    community: float = Field(1.0, ge=0, description="on probation in the community")
    custody: float = Field(1.5, ge=0, description="in custody, release beyond the window")
    release_window: float = Field(
        3.0, ge=0, description="in custody and released within `release_window_days`"
    )
    release_window_days: int = Field(
        90, ge=0, description="days before release in which a match is urgent"
    )
    ended_early: float = Field(
        1.0, ge=0, description="added to the priority of a mentee whose relationship ended early"
    )


class ObjectiveConfig(_Section):
    """What the assignment optimises (SPEC §4)."""

    mode: Literal["coverage_first", "score_only"] = Field(
        "coverage_first",
        description="coverage_first: most priority matched, then best score; score_only",
    )
    relationship_months: int = Field(
        12, ge=1, le=120, description="planned length: planned_end = release (or run date) + this"
    )
    spread_load: float = Field(
        0.0, ge=0, description="penalty per extra seat filled at one mentor (0 = off)"
    )
    score_resolution: int = Field(
        10_000, ge=1, le=1_000_000, description="integer units per 1.0 of score in the solver"
    )


class SolverConfig(_Section):
    """Solver limits; `cp_sat` keys go straight to OR-Tools' CpSolver parameters."""

    time_limit_seconds: float = Field(60.0, gt=0, description="wall-clock limit for CP-SAT")
    workers: int = Field(
        1, ge=1, le=64, description="CP-SAT workers; 1 is deterministic, more is faster"
    )
    max_candidates_per_mentee: int = Field(
        0, ge=0, description="0 keeps every feasible pair (exact); k keeps each mentee's best k"
    )
    cp_sat: Annotated[dict[str, Any], AfterValidator(_check_cp_sat)] = Field(
        default_factory=dict, description="extra CP-SAT parameters, passed as given"
    )


def _check_cp_sat(params: dict[str, Any]) -> dict[str, Any]:
    # Checked when the config loads, not only when a round happens to need CP-SAT.
    from ortools.sat import sat_parameters_pb2

    scratch = sat_parameters_pb2.SatParameters()
    for key, value in params.items():
        if not hasattr(scratch, key):
            raise ValueError(f"unknown CP-SAT parameter '{key}'")
        try:
            setattr(scratch, key, value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"CP-SAT parameter '{key}' cannot be {value!r} ({exc})") from None
    return params


class Config(_Section):
    """A whole matching configuration."""

    weights: Weights = Field(default_factory=Weights)  # type: ignore[valid-type]
    rules: RulesConfig = Field(default_factory=RulesConfig)
    scoring: ScoringConfig = Field(default_factory=ScoringConfig)
    support_hours: SupportHoursConfig = Field(default_factory=SupportHoursConfig)
    priority: PriorityConfig = Field(default_factory=PriorityConfig)
    objective: ObjectiveConfig = Field(default_factory=ObjectiveConfig)
    solver: SolverConfig = Field(default_factory=SolverConfig)

    @model_validator(mode="after")
    def _weights_positive(self) -> Config:
        _check_weights(self.weights)
        return self

    def weight_vector(self) -> dict[str, float]:
        """Weights by criterion name, in registry order."""
        return {c.name: float(getattr(self.weights, c.name)) for c in CRITERIA}


def _config_errors(exc: ValidationError, source: str) -> str:
    lines = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            lines.append(f"{source}: unknown key '{key}' (check the spelling)")
        elif err["type"] == "missing":
            lines.append(f"{source}: '{key}' is required")
        else:
            msg = (
                str(err["msg"]).removeprefix("Value error, ").replace("Input should be", "must be")
            )
            msg = msg.replace("greater than or equal to", ">=").replace(
                "less than or equal to", "<="
            )
            if not key:
                lines.append(f"{source}: {msg}")
            else:
                lines.append(f"{source}: '{key}' {msg}; got {err['input']!r}")
    return "\n".join(lines)


def load_config(path: str | Path | None = None) -> Config:
    """Read a TOML config; ``None`` gives the defaults (``configs/default.toml``).

    Raises
    ------
    ConfigError
        The file is missing or not TOML, a key is unknown, or a value is out of range.
    """
    if path is None:
        return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"{path.name}: file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path.name}: not valid TOML ({exc})") from None
    return config_from_dict(data, source=path.name)


def config_from_dict(data: dict[str, Any], source: str = "config") -> Config:
    """Validate a config given as nested dicts (as TOML parses it)."""
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_config_errors(exc, source)) from None
