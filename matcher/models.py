"""Validated records of the data contract (SPEC §3).

Every model is frozen and forbids unknown fields, so a misspelt column fails loudly.
List fields accept a list or a ``;``-separated string (as CSV cells hold them), and
duplicates inside a list are dropped, keeping first-seen order.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
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
    "ID_PATTERN",
    "MODELS",
    "SENSITIVE_FIELDS",
    "Decision",
    "Existing",
    "Mentee",
    "Mentor",
    "Prison",
    "Proposal",
    "Record",
    "Supervisor",
    "field_reference",
]

ID_PATTERN = r"^[A-Za-z0-9_.-]{1,64}$"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Special-category (or offence-related) fields, and free text that may hold such data (end
# reasons, coordinators' notes): their values never appear in messages or logs.
SENSITIVE_FIELDS: frozenset[str] = frozenset(
    {
        "ethnicity",
        "faith",
        "ethnicity_match",
        "faith_match",
        "risk",
        "lived_experience",
        "end_reason",
        "note",
    }
)


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(";")] if value.strip() else []
    if isinstance(value, list | tuple):
        seen: dict[Any, None] = {}
        for item in value:
            seen.setdefault(item, None)
        return tuple(seen)
    return value


def _iso_date(value: Any) -> Any:
    # Pydantic alone would accept timestamps and compact forms; the contract says YYYY-MM-DD.
    if isinstance(value, str):
        if not _DATE.match(value.strip()):
            raise ValueError("must be a date YYYY-MM-DD")
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError("must be a real calendar date YYYY-MM-DD") from None
    return value


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Token = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,64}$")]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Lat = Annotated[float, Field(ge=-90, le=90)]
Lon = Annotated[float, Field(ge=-180, le=180)]


def _list(item: Any) -> Any:
    return Annotated[tuple[item, ...], BeforeValidator(_split_list)]


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
    age: int | None = Field(None, ge=10, le=120, description="age in years (optional)")
    ethnicity: Ethnicity = Field(description="ONS 2021 high-level ethnic group")
    faith: Token | None = Field(None, description="faith as a free lowercase token (optional)")
    languages: _list(Token) = Field(  # type: ignore[valid-type]
        ("english",), min_length=1, description="languages spoken, the first preferred"
    )
    goals: _list(Goal) = Field(description="resettlement goals the mentee wants help with")  # type: ignore[valid-type]
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
    contact_modes: _list(ContactMode) = Field(  # type: ignore[valid-type]
        min_length=1, description="acceptable ways of meeting"
    )
    availability: _list(Slot) = Field(description="weekly slots they are free")  # type: ignore[valid-type]
    custody: Custody = Field(description="`custody` (in prison) or `community` (on probation)")
    prison: Id | None = Field(None, description="prison site code, when in custody")
    release_date: IsoDate | None = Field(None, description="expected release date, when in custody")
    lat: Lat = Field(description="latitude of where they live, or will live after release")
    lon: Lon = Field(description="longitude of the same place")
    risk: Risk = Field(description="risk of serious harm (RoSH) level")
    support_hours: float | None = Field(
        None, ge=0, description="weekly mentor hours needed (default: config, by frequency)"
    )
    exclude_mentors: _list(Id) = Field((), description="mentor ids never to propose")  # type: ignore[valid-type]
    priority: float | None = Field(
        None, ge=0, description="matching priority (default: config, by release urgency)"
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
                raise ValueError(f"{' and '.join(missing)} required when custody is 'custody'")
        else:
            given = [f for f in ("prison", "release_date") if getattr(self, f) is not None]
            if given:
                raise ValueError(f"{' and '.join(given)} must be empty when custody is 'community'")
        return self


class Mentor(Record):
    """One volunteer mentor, with what they can offer and their hard limits."""

    id: Id = Field(description="pseudonymous id, unique in the file")
    gender: Gender = Field(description="the mentor's gender")
    age: int | None = Field(None, ge=16, le=120, description="age in years (optional)")
    ethnicity: Ethnicity = Field(description="ONS 2021 high-level ethnic group")
    faith: Token | None = Field(None, description="faith as a free lowercase token (optional)")
    languages: _list(Token) = Field(  # type: ignore[valid-type]
        ("english",), min_length=1, description="languages spoken"
    )
    lived_experience: bool = Field(False, description="has lived experience of the justice system")
    specialisms: _list(Goal) = Field(description="goals the mentor can help with")  # type: ignore[valid-type]
    contact_frequency: ContactFrequency = Field(description="the most frequent contact they offer")
    contact_modes: _list(ContactMode) = Field(  # type: ignore[valid-type]
        min_length=1, description="ways of meeting they offer"
    )
    availability: _list(Slot) = Field(description="weekly slots they are free")  # type: ignore[valid-type]
    lat: Lat = Field(description="latitude of home")
    lon: Lon = Field(description="longitude of home")
    max_travel_km: float = Field(ge=0, description="furthest they will travel to a mentee (km)")
    prisons: _list(Id) = Field((), description="prison codes they are cleared to visit")  # type: ignore[valid-type]
    max_risk: Risk = Field(description="highest RoSH level they are trained for")
    mentee_gender: MenteeGenderRequirement = Field(
        "any", description="the mentor's own requirement on mentee gender"
    )
    capacity: int = Field(ge=0, description="most concurrent mentees")
    max_hours: float = Field(ge=0, description="most weekly mentoring hours")
    available_until: IsoDate | None = Field(None, description="end of their commitment (optional)")
    supervisor: Id | None = Field(None, description="supervisor id (optional)")
    region: Token | None = Field(None, description="region token (optional)")

    LIST_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"languages", "specialisms", "contact_modes", "availability", "prisons"}
    )


class Existing(Record):
    """A mentoring relationship already running; never broken by a run."""

    mentee_id: Id = Field(description="the mentee's id")
    mentor_id: Id = Field(description="the mentor's id; must be in the mentors file")
    hours: float | None = Field(
        None, ge=0, description="weekly hours it takes (default: config `existing_hours`)"
    )
    start_date: IsoDate | None = Field(None, description="when it started (optional)")
    planned_end: IsoDate | None = Field(
        None,
        description="its planned end; once reached it ends and is listed for a definitive ending",
    )
    end_date: IsoDate | None = Field(
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
    planned_end: IsoDate | None = Field(None, description="the pair's planned end")
    hours: float | None = Field(None, ge=0, description="weekly hours the pair takes")

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
    capacity: int = Field(ge=0, description="most relationships overseen at once")


class Prison(Record):
    """A prison site."""

    code: Id = Field(description="site code, as used in `prison` and `prisons`")
    name: str = Field(min_length=1, max_length=200, description="site name")
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


def _schema_text(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in prop:
        prop = defs[prop["$ref"].split("/")[-1]]
    if "anyOf" in prop:
        parts = [p for p in prop["anyOf"] if p.get("type") != "null"]
        return _schema_text(parts[0], defs) if parts else "empty"
    if "enum" in prop:
        vals = prop["enum"]
        if len(vals) > 10:
            return "availability slot `mon_am` … `sun_eve`"
        return "one of " + ", ".join(f"`{v}`" for v in vals)
    if prop.get("type") == "array":
        return "list of " + _schema_text(prop.get("items", {}), defs)
    if prop.get("format") == "date":
        return "date"
    if "pattern" in prop:
        return "id" if prop["pattern"] == ID_PATTERN else "lowercase token"
    text = {"number": "number", "integer": "integer", "string": "text", "boolean": "boolean"}.get(
        prop.get("type", ""), "value"
    )
    bounds = [f"{op} {prop[k]}" for k, op in (("minimum", ">="), ("maximum", "<=")) if k in prop]
    return text + (f" ({', '.join(bounds)})" if bounds else "")


def field_reference() -> str:
    """Render the field reference (``docs/fields.md``) from the models.

    Returns
    -------
    str
        Markdown text; a test checks the committed file equals it.
    """
    from matcher import vocab

    lines = [
        "# Field reference",
        "",
        "Generated from `matcher/models.py` and `matcher/vocab.py` by",
        "`python -m matcher.models > docs/fields.md`; a test keeps it in step.",
        "",
        "CSV: UTF-8 (a BOM is allowed), LF or CRLF, one header row. List fields are",
        "`;`-separated. An empty cell means *not given*: the default applies, or it is an",
        "error for a required field. Dates are `YYYY-MM-DD`. Booleans are `true`/`false`.",
        "JSON: a list of objects with the same keys (lists as arrays, or `;` strings).",
        "Row numbers in messages count data rows, the header not included.",
        "",
    ]
    for kind, model in MODELS.items():
        lines += [f"## {kind}", "", (model.__doc__ or "").strip().splitlines()[0], ""]
        lines += ["| field | required | type | default | meaning |", "|---|---|---|---|---|"]
        schema = model.model_json_schema()
        props, defs = schema["properties"], schema.get("$defs", {})
        for name, info in model.model_fields.items():
            required = "yes" if info.is_required() else "no"
            default = info.default
            if info.is_required() or default is None:
                shown = ""
            elif isinstance(default, tuple):
                shown = "`" + ";".join(default) + "`" if default else "empty list"
            else:
                shown = f"`{str(default).lower()}`"
            typ = _schema_text(props[name], defs)
            lines.append(f"| `{name}` | {required} | {typ} | {shown} | {info.description} |")
        lines.append("")
    lines += [
        "## Vocabularies",
        "",
        f"- gender: {', '.join(vocab.GENDERS)}",
        f"- ethnicity: {', '.join(vocab.ETHNICITIES)}",
        f"- goals and specialisms: {', '.join(vocab.GOALS)}",
        f"- preference strength: {', '.join(vocab.STRENGTHS)}",
        f"- risk: {', '.join(vocab.RISKS)}",
        f"- contact frequency: {', '.join(vocab.CONTACT_FREQUENCIES)}",
        f"- contact modes: {', '.join(vocab.CONTACT_MODES)}",
        f"- availability slots: {', '.join(vocab.AVAILABILITY_SLOTS)}",
        "",
        "Special-category fields, whose values never appear in messages or logs: "
        + ", ".join(f"`{f}`" for f in sorted(SENSITIVE_FIELDS))
        + ".",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(field_reference(), end="")
