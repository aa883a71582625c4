"""Request and response bodies of the HTTP API, as they appear in the OpenAPI spec.

Request bodies are read and validated by the library's loaders (so a posted list gives
the very messages a JSON file does); the request models here only describe them in the
spec. Their record fields are the library's models (``Mentee``, ``Mentor``, ...).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from matcher.models import Decision, Existing, Mentee, Mentor, Prison, Supervisor
from matcher.service.store import RoundStatus

__all__ = [
    "SPEC_MODELS",
    "DecisionsRequest",
    "ErrorBody",
    "Health",
    "MatchRowOut",
    "Matches",
    "Problem",
    "RoundAccepted",
    "RoundInfo",
    "RoundList",
    "RoundRequest",
    "ShortlistEntryOut",
    "ShortlistOut",
    "ShortlistRequest",
    "Stage",
]


class _Body(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Problem(_Body):
    """One problem with the input, as the CLI names it."""

    file: str = Field(description="the list (`mentees`, `mentors`, ...), `config` or `body`")
    row: int | None = Field(description="the item, counted from 1; null for the whole list")
    id: str | None = Field(description="the item's id, where it has one")
    field: str | None = Field(description="the field at fault, if any")
    message: str = Field(description="what was expected and what was found")
    text: str = Field(description="the whole line, as `matcher validate` prints it")


class ErrorBody(_Body):
    """Why a request was refused."""

    detail: str
    errors: list[Problem] = Field(default_factory=list, description="bad input: every problem")
    truncated: bool = Field(False, description="more problems existed than are listed")


class Health(_Body):
    """The service is up."""

    status: Literal["ok"]
    version: str


class RoundRequest(_Body):
    """A matching round: the same records as the CLI's files, as JSON lists."""

    mentees: list[Mentee]
    mentors: list[Mentor]
    existing: list[Existing] | None = None
    supervisors: list[Supervisor] | None = None
    prisons: list[Prison] | None = None
    config: dict[str, Any] | None = Field(
        None, description="the config's TOML keys as a JSON object; default: the defaults"
    )
    as_of: date | None = Field(None, description="the run date; default: today")


class RoundAccepted(_Body):
    """A round was queued; follow it at `/v1/rounds/{id}`."""

    id: str
    status: RoundStatus


class Stage(_Body):
    """One stage of a round's run (UTC times)."""

    stage: str = Field(description="`matching`, `writing` or `storing`")
    started_at: str
    finished_at: str | None


class RoundInfo(_Body):
    """Where a round is, and its summary and solver record once done."""

    id: str
    status: RoundStatus
    stage: str | None = Field(description="the stage it is in while running")
    progress: list[Stage]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    parent_id: str | None = Field(description="the round whose decisions this one re-solves")
    as_of: date
    input_digest: str = Field(description="SHA-256 of the inputs, config and run date")
    counts: dict[str, int] = Field(description="records of each kind")
    inputs_kept: bool = Field(description="the inputs are stored (`--keep-inputs`)")
    decisions: int = Field(description="decisions this round was re-solved with")
    summary: dict[str, Any] | None = Field(description="result.json's summary, once done")
    solver: dict[str, Any] | None = Field(description="result.json's solver record, once done")
    warnings: list[str]
    error: str | None = Field(description="why it failed")


class RoundList(_Body):
    """Rounds, newest first."""

    rounds: list[RoundInfo]


class MatchRowOut(_Body):
    """One row of matches.csv (criterion scores nested under `criteria`)."""

    mentee_id: str
    mentor_id: str | None
    status: str = Field(description="matched, unmatched, existing or accepted")
    score: float | None
    criteria: dict[str, float | None]
    shared_goals: list[str]
    signpost_goals: list[str]
    planned_end: str | None
    hours: float | None = Field(description="weekly hours the pair takes")
    rank: int | None
    candidates: int
    priority: float | None
    reason: str


class Matches(_Body):
    """Every mentee's row, by mentee id."""

    round_id: str
    rows: list[MatchRowOut]


class ShortlistRequest(_Body):
    """One referral against posted mentors."""

    mentee: Mentee
    mentors: list[Mentor]
    existing: list[Existing] | None = None
    supervisors: list[Supervisor] | None = None
    config: dict[str, Any] | None = None
    as_of: date | None = None
    k: int = Field(5, ge=1, le=100, description="how many mentors at most")


class ShortlistEntryOut(_Body):
    """One proposed mentor."""

    mentor_id: str
    score: float
    criteria: dict[str, float | None]
    distance_km: float
    reason: str


class ShortlistOut(_Body):
    """The best mentors with room, or why there are none."""

    mentee_id: str
    as_of: date
    entries: list[ShortlistEntryOut]
    reason: str | None
    removed: dict[str, int] = Field(description="mentors removed by each rule")
    available: int = Field(description="mentors passing every rule with room")


class DecisionsRequest(_Body):
    """Decisions on a finished round's proposals; the rest is re-solved as a new round.

    The round's records are needed again unless the service keeps inputs
    (`--keep-inputs`); when given, they must be the round's own (same digest). Decisions
    the round was itself re-solved with carry over unless overridden.
    """

    decisions: list[Decision]
    mentees: list[Mentee] | None = None
    mentors: list[Mentor] | None = None
    existing: list[Existing] | None = None
    supervisors: list[Supervisor] | None = None
    prisons: list[Prison] | None = None


#: Models the spec names outright: request bodies (read by the library's loaders, not by
#: FastAPI) and the error body (given as explicit content on every route).
SPEC_MODELS: tuple[type[BaseModel], ...] = (
    RoundRequest,
    ShortlistRequest,
    DecisionsRequest,
    ErrorBody,
)
