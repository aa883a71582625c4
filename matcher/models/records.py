"""The record models: one per input kind (mentees, mentors, existing, decisions, ...)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from matcher.models.fields import (
    MAX_CAPACITY,
    MAX_SUPERVISOR_CAPACITY,
    MAX_TRAVEL_KM,
    NUMBER,
    Bool,
    Hours,
    Id,
    Lat,
    Lon,
    OptDate,
    OptEndDate,
    Priority,
    Text,
    Token,
    list_of,
)
from matcher.vocab import (
    ContactFrequency,
    ContactMode,
    Custody,
    DecisionKind,
    Ethnicity,
    Gender,
    Goal,
    MenteeGenderRequirement,
    MentorGenderWish,
    Risk,
    RowStatus,
    Slot,
    Strength,
)

__all__ = [
    "MODELS",
    "Decision",
    "Existing",
    "Mentee",
    "Mentor",
    "Prison",
    "Proposal",
    "Record",
    "Supervisor",
]


class Record(BaseModel):
    """Base of every input record: frozen, no unknown fields, no NaN or infinity."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)
    #: Fields that are lists (``;``-separated in CSV).
    LIST_FIELDS: ClassVar[frozenset[str]] = frozenset()
    #: The field that identifies a row in error messages.
    ID_FIELD: ClassVar[str | None] = "id"
    #: Whether two rows of a file may not share the ``ID_FIELD`` value.
    UNIQUE_ID: ClassVar[bool] = True


class Mentee(Record):
    """One referral: a person in prison or on probation who wants a mentor."""

    id: Id = Field(description="pseudonymous id, unique in the file")
    gender: Gender = Field(description="the mentee's gender")
    age: Annotated[int, NUMBER, Field(ge=10, le=120)] | None = Field(
        None, description="age in years (optional)"
    )
    ethnicity: Ethnicity = Field(description="ONS 2021 high-level ethnic group")
    faith: Token | None = Field(None, description="faith as a free lowercase token (optional)")
    languages: list_of(Token) = Field(  # type: ignore[valid-type]
        ("english",),
        min_length=1,
        max_length=20,
        description="languages spoken, the first preferred",
    )
    goals: list_of(Goal) = Field(  # type: ignore[valid-type]
        min_length=1, description="resettlement goals the mentee wants help with"
    )
    mentor_gender: MentorGenderWish = Field(
        "any", description="wished mentor gender; `same` means the mentee's own"
    )
    mentor_gender_strength: Strength = Field("none", description="how strong that wish is")
    ethnicity_match: Strength = Field("none", description="wish for a mentor of the same ethnicity")
    faith_match: Strength = Field("none", description="wish for a mentor of the same faith")
    lived_experience: Strength = Field(
        "none", description="wish for a mentor with lived experience of the justice system"
    )
    contact_frequency: ContactFrequency = Field(description="how often they expect to meet")
    contact_modes: list_of(ContactMode) = Field(  # type: ignore[valid-type]
        min_length=1, description="acceptable ways of meeting"
    )
    availability: list_of(Slot) = Field(  # type: ignore[valid-type]
        min_length=1, description="weekly slots they are free"
    )
    custody: Custody = Field(description="`custody` (in prison) or `community` (on probation)")
    prison: Id | None = Field(None, description="prison site code, when in custody")
    release_date: OptDate = Field(None, description="expected release date, when in custody")
    lat: Lat = Field(description="latitude of where they live, or will live after release")
    lon: Lon = Field(description="longitude of the same place")
    risk: Risk = Field(description="risk of serious harm (RoSH) level")
    support_hours: Hours | None = Field(
        None, description="weekly mentor hours needed (default: config, by frequency)"
    )
    exclude_mentors: list_of(Id) = Field(  # type: ignore[valid-type]
        (), max_length=1000, description="mentor ids never to propose"
    )
    priority: Priority | None = Field(
        None, description="matching priority (default: config, by release urgency)"
    )
    region: Token | None = Field(None, description="region token, e.g. the probation region")

    LIST_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"languages", "goals", "contact_modes", "availability", "exclude_mentors"}
    )

    @model_validator(mode="after")
    def _custody_fields(self) -> Mentee:
        if self.custody == "custody":
            missing = [f for f in ("prison", "release_date") if getattr(self, f) is None]
            if missing:
                hint = " (9999-12-31 counts as no date)" if "release_date" in missing else ""
                raise ValueError(
                    f"{' and '.join(missing)} required when custody is 'custody'{hint}"
                )
        else:
            given = [f for f in ("prison", "release_date") if getattr(self, f) is not None]
            if given:
                raise ValueError(f"{' and '.join(given)} must be empty when custody is 'community'")
        return self


class Mentor(Record):
    """One volunteer mentor, with what they can offer and their hard limits."""

    id: Id = Field(description="pseudonymous id, unique in the file")
    gender: Gender = Field(description="the mentor's gender")
    age: Annotated[int, NUMBER, Field(ge=16, le=120)] | None = Field(
        None, description="age in years (optional)"
    )
    ethnicity: Ethnicity = Field(description="ONS 2021 high-level ethnic group")
    faith: Token | None = Field(None, description="faith as a free lowercase token (optional)")
    languages: list_of(Token) = Field(  # type: ignore[valid-type]
        ("english",), min_length=1, max_length=20, description="languages spoken"
    )
    lived_experience: Bool = Field(False, description="has lived experience of the justice system")
    specialisms: list_of(Goal) = Field(  # type: ignore[valid-type]
        min_length=1, description="goals the mentor can help with"
    )
    contact_frequency: ContactFrequency = Field(description="the most frequent contact they offer")
    contact_modes: list_of(ContactMode) = Field(  # type: ignore[valid-type]
        min_length=1, description="ways of meeting they offer"
    )
    availability: list_of(Slot) = Field(  # type: ignore[valid-type]
        min_length=1, description="weekly slots they are free"
    )
    lat: Lat = Field(description="latitude of home")
    lon: Lon = Field(description="longitude of home")
    max_travel_km: Annotated[float, NUMBER, Field(ge=0, le=MAX_TRAVEL_KM)] = Field(
        description="furthest they will travel to a mentee (km)"
    )
    prisons: list_of(Id) = Field(  # type: ignore[valid-type]
        (), max_length=1000, description="prison codes they are cleared to visit"
    )
    max_risk: Risk = Field(description="highest RoSH level they are trained for")
    mentee_gender: MenteeGenderRequirement = Field(
        "any", description="the mentor's own requirement on mentee gender"
    )
    capacity: Annotated[int, NUMBER, Field(ge=0, le=MAX_CAPACITY)] = Field(
        description="most concurrent mentees"
    )
    max_hours: Hours = Field(description="most weekly mentoring hours")
    available_until: OptDate = Field(None, description="end of their commitment (optional)")
    supervisor: Id | None = Field(None, description="supervisor id (optional)")
    region: Token | None = Field(None, description="region token (optional)")

    LIST_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"languages", "specialisms", "contact_modes", "availability", "prisons"}
    )


class Existing(Record):
    """A mentoring relationship already running; never broken by a run."""

    mentee_id: Id = Field(description="the mentee's id")
    mentor_id: Id = Field(description="the mentor's id; must be in the mentors file")
    hours: Hours | None = Field(
        None, description="weekly hours it takes (default: config `support_hours.existing`)"
    )
    start_date: OptDate = Field(None, description="when it started (optional)")
    planned_end: OptEndDate = Field(
        None,
        description="its planned end; once reached it ends and is listed for a definitive ending",
    )
    end_date: OptEndDate = Field(
        None, description="when it ended or will end; from that date it no longer counts"
    )
    end_reason: str | None = Field(
        None, max_length=500, description="why it ended (free text, never logged or shown)"
    )

    ID_FIELD: ClassVar[str | None] = "mentee_id"

    @field_validator("planned_end", "end_date")
    @classmethod
    def _not_before_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start_date")
        if value is not None and start is not None and value < start:
            raise ValueError(f"must not be before start_date {start.isoformat()}")
        return value

    @model_validator(mode="after")
    def _reason_needs_date(self) -> Existing:
        # A reason without a date leaves it unclear whether the relationship has ended.
        if self.end_reason is not None and self.end_date is None:
            raise ValueError("end_reason needs an end_date")
        return self


class Decision(Record):
    """A coordinator's review of one proposed pair: accept it or reject it."""

    mentee_id: Id = Field(description="the mentee's id; must be in the mentees file")
    mentor_id: Id = Field(description="the mentor's id; must be in the mentors file")
    decision: DecisionKind = Field(
        description="`accept`: keep the pair; `reject`: never propose it again"
    )
    note: str | None = Field(
        None, max_length=1000, description="the coordinator's note (free text, never logged)"
    )

    ID_FIELD: ClassVar[str | None] = "mentee_id"
    UNIQUE_ID: ClassVar[bool] = False  # a mentee may have several decisions


class Proposal(Record):
    """One row of an earlier round's ``matches.csv``, read back (other columns ignored)."""

    mentee_id: Id = Field(description="the mentee's id")
    mentor_id: Id | None = Field(None, description="the mentor proposed, accepted or running")
    status: RowStatus = Field(description="the row's status in that round")
    planned_end: OptEndDate = Field(None, description="the pair's planned end")
    hours: Hours | None = Field(None, description="weekly hours the pair takes")

    ID_FIELD: ClassVar[str | None] = "mentee_id"

    @model_validator(mode="after")
    def _mentor_given(self) -> Proposal:
        if (self.status == "unmatched") != (self.mentor_id is None):
            want = "empty" if self.status == "unmatched" else "given"
            raise ValueError(f"mentor_id must be {want} when status is '{self.status}'")
        return self


class Supervisor(Record):
    """A supervisor and how many relationships they can oversee."""

    id: Id = Field(description="supervisor id")
    capacity: Annotated[int, NUMBER, Field(ge=0, le=MAX_SUPERVISOR_CAPACITY)] = Field(
        description="most relationships overseen at once"
    )


class Prison(Record):
    """A prison site."""

    code: Id = Field(description="site code, as used in `prison` and `prisons`")
    name: Text = Field(min_length=1, max_length=200, description="site name")
    lat: Lat = Field(description="latitude")
    lon: Lon = Field(description="longitude")

    ID_FIELD: ClassVar[str | None] = "code"


#: Every input kind, by the name used in file and CLI option names.
MODELS: dict[str, type[Record]] = {
    "mentees": Mentee,
    "mentors": Mentor,
    "existing": Existing,
    "supervisors": Supervisor,
    "prisons": Prison,
    "decisions": Decision,
}
