"""Validated records of the data contract (SPEC §3).

Every model is frozen and forbids unknown fields, so a misspelt column fails loudly.
List fields accept a list or a ``;``-separated string (as CSV cells hold them); empty
parts of such a string are dropped, and duplicates inside a list are dropped, keeping
first-seen order.

Every number and date has a range the whole engine can carry (``docs/limits.md``):
what validates here runs through every command. Numbers are plain decimals (no
``true``/``false``, ``inf`` or ``nan``), booleans are ``true``/``false`` only, and
``9999-12-31`` (the usual "no date" placeholder of case-system exports) means no date.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Hashable
from datetime import date
from functools import partial
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
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
    "DATE_MAX",
    "DATE_MIN",
    "END_DATE_MAX",
    "FORMULA_START",
    "ID_PATTERN",
    "MAX_CAPACITY",
    "MAX_HOURS",
    "MAX_PRIORITY",
    "MAX_SUPERVISOR_CAPACITY",
    "MAX_TRAVEL_KM",
    "MODELS",
    "NO_DATE_PLACEHOLDER",
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
    "has_decimals",
]

# An id may not begin with '-': such a cell is a formula to a spreadsheet (CSV injection),
# and ids are written back verbatim to matches.csv and pairs.csv (docs/limits.md).
ID_PATTERN = r"^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}$"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Plain decimal numbers only: no "inf", "nan", "0x10", "1_000" or thousands separators.
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")

#: Dates the engine carries: planned ends (up to 120 months later) stay valid dates.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2199, 12, 31)
#: Latest planned end (or end): the latest start plus the longest relationship (120 months).
END_DATE_MAX = date(2209, 12, 31)
#: Read as "no date" wherever a date is optional (case systems export it for "none").
NO_DATE_PLACEHOLDER = date(9999, 12, 31)
#: Hours in a week: the most any weekly-hours value can be.
MAX_HOURS = 168.0
#: Concurrent mentees of one mentor, relationships of one supervisor.
MAX_CAPACITY = 1_000
MAX_SUPERVISOR_CAPACITY = 100_000
#: Largest matching priority (in the config as well).
MAX_PRIORITY = 1_000.0
#: Earth's circumference: a reach at or beyond half of it reaches everywhere.
MAX_TRAVEL_KM = 40_000.0
#: First characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")

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
        value = [part.strip() for part in value.split(";")]
        value = [part for part in value if part]  # "a;;b;" is a;b
    if isinstance(value, list | tuple):
        if not all(isinstance(item, Hashable) for item in value):
            return tuple(value)  # pydantic names the bad item
        seen: dict[Any, None] = {}
        for item in value:
            seen.setdefault(item, None)
        return tuple(seen)
    return value


def _iso_date(value: Any, latest: date = DATE_MAX) -> Any:
    # Pydantic alone would accept timestamps and compact forms; the contract says YYYY-MM-DD.
    if isinstance(value, str):
        text = value.strip()
        if not _DATE.match(text):
            raise ValueError("must be a date YYYY-MM-DD")
        try:
            value = date.fromisoformat(text)
        except ValueError:
            raise ValueError("must be a real calendar date YYYY-MM-DD") from None
    if isinstance(value, date):
        if value == NO_DATE_PLACEHOLDER:
            return None
        if not DATE_MIN <= value <= latest:
            raise ValueError(
                f"must be between {DATE_MIN.isoformat()} and {latest.isoformat()} "
                f"(leave it empty, or write {NO_DATE_PLACEHOLDER.isoformat()}, for no date)"
            )
    return value


def _number(value: Any) -> Any:
    # JSON true/false are not numbers, and CSV text must be a plain decimal.
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, str):
        value = value.strip()
        if not _NUMBER.match(value):
            raise ValueError("must be a plain decimal number, e.g. 2 or 1.5")
    return value


def has_decimals(value: float, places: int) -> bool:
    """Whether ``value`` is a whole number of ``10 ** -places`` (within float rounding)."""
    scaled = value * 10**places
    return abs(scaled - round(scaled)) <= 1e-9 * max(1.0, abs(scaled))


def _places(places: int) -> Callable[[float], float]:
    def check(value: float) -> float:
        if math.isfinite(value) and not has_decimals(value, places):
            raise ValueError(f"must have at most {places} decimal places")
        return value

    return check


def _strict_bool(value: Any) -> Any:
    # Only true/false (any case, as spreadsheets write TRUE): not yes, 1, on or off.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ValueError("must be true or false")


def _plain_text(value: str) -> str:
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") for ch in value):
        raise ValueError("must not contain control characters")
    if value.startswith(FORMULA_START):
        raise ValueError(
            "must not begin with =, +, -, @, a tab or a carriage return "
            "(a spreadsheet would run it as a formula)"
        )
    return value


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Token = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,64}$")]
OptDate = Annotated[date | None, BeforeValidator(_iso_date)]
#: An end the engine computes (a start, at the latest DATE_MAX, plus up to 120 months).
OptEndDate = Annotated[
    date | None,
    BeforeValidator(partial(_iso_date, latest=END_DATE_MAX)),
    Field(json_schema_extra={"latest": END_DATE_MAX.isoformat()}),
]
Lat = Annotated[float, BeforeValidator(_number), Field(ge=-90, le=90)]
Lon = Annotated[float, BeforeValidator(_number), Field(ge=-180, le=180)]
Bool = Annotated[bool, BeforeValidator(_strict_bool)]
Text = Annotated[str, AfterValidator(_plain_text)]
#: Weekly hours, 0-168 to the hundredth of an hour.
Hours = Annotated[
    float,
    BeforeValidator(_number),
    Field(ge=0, le=MAX_HOURS, json_schema_extra={"decimals": 2}),
    AfterValidator(_places(2)),
]
#: Matching priority, 0-1000 to the hundredth.
Priority = Annotated[
    float,
    BeforeValidator(_number),
    Field(ge=0, le=MAX_PRIORITY, json_schema_extra={"decimals": 2}),
    AfterValidator(_places(2)),
]


_NUM = BeforeValidator(_number)


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
    age: Annotated[int, _NUM, Field(ge=10, le=120)] | None = Field(
        None, description="age in years (optional)"
    )
    ethnicity: Ethnicity = Field(description="ONS 2021 high-level ethnic group")
    faith: Token | None = Field(None, description="faith as a free lowercase token (optional)")
    languages: _list(Token) = Field(  # type: ignore[valid-type]
        ("english",),
        min_length=1,
        max_length=20,
        description="languages spoken, the first preferred",
    )
    goals: _list(Goal) = Field(  # type: ignore[valid-type]
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
    contact_modes: _list(ContactMode) = Field(  # type: ignore[valid-type]
        min_length=1, description="acceptable ways of meeting"
    )
    availability: _list(Slot) = Field(  # type: ignore[valid-type]
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
    exclude_mentors: _list(Id) = Field(  # type: ignore[valid-type]
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
    age: Annotated[int, _NUM, Field(ge=16, le=120)] | None = Field(
        None, description="age in years (optional)"
    )
    ethnicity: Ethnicity = Field(description="ONS 2021 high-level ethnic group")
    faith: Token | None = Field(None, description="faith as a free lowercase token (optional)")
    languages: _list(Token) = Field(  # type: ignore[valid-type]
        ("english",), min_length=1, max_length=20, description="languages spoken"
    )
    lived_experience: Bool = Field(False, description="has lived experience of the justice system")
    specialisms: _list(Goal) = Field(  # type: ignore[valid-type]
        min_length=1, description="goals the mentor can help with"
    )
    contact_frequency: ContactFrequency = Field(description="the most frequent contact they offer")
    contact_modes: _list(ContactMode) = Field(  # type: ignore[valid-type]
        min_length=1, description="ways of meeting they offer"
    )
    availability: _list(Slot) = Field(  # type: ignore[valid-type]
        min_length=1, description="weekly slots they are free"
    )
    lat: Lat = Field(description="latitude of home")
    lon: Lon = Field(description="longitude of home")
    max_travel_km: Annotated[float, _NUM, Field(ge=0, le=MAX_TRAVEL_KM)] = Field(
        description="furthest they will travel to a mentee (km)"
    )
    prisons: _list(Id) = Field(  # type: ignore[valid-type]
        (), max_length=1000, description="prison codes they are cleared to visit"
    )
    max_risk: Risk = Field(description="highest RoSH level they are trained for")
    mentee_gender: MenteeGenderRequirement = Field(
        "any", description="the mentor's own requirement on mentee gender"
    )
    capacity: Annotated[int, _NUM, Field(ge=0, le=MAX_CAPACITY)] = Field(
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
    capacity: Annotated[int, _NUM, Field(ge=0, le=MAX_SUPERVISOR_CAPACITY)] = Field(
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


def _schema_text(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in prop:
        prop = defs[prop["$ref"].split("/")[-1]]
    if "latest" in prop:  # a computed end: its own latest date
        return f"date {DATE_MIN.isoformat()} … {prop['latest']}"
    if "anyOf" in prop:
        parts = [p for p in prop["anyOf"] if p.get("type") != "null"]
        return _schema_text(parts[0], defs) if parts else "empty"
    if "enum" in prop:
        vals = prop["enum"]
        if len(vals) > 10:
            return "availability slot `mon_am` … `sun_eve`"
        return "one of " + ", ".join(f"`{v}`" for v in vals)
    if prop.get("type") == "array":
        sizes = [f"{op} {prop[k]} items" for k, op in (("minItems", ">="), ("maxItems", "<="))
                 if k in prop]  # fmt: skip
        text = "list of " + _schema_text(prop.get("items", {}), defs)
        return text + (f" ({', '.join(sizes)})" if sizes else "")
    if prop.get("format") == "date":
        return f"date {DATE_MIN.isoformat()} … {DATE_MAX.isoformat()}"
    if "pattern" in prop:
        return "id" if prop["pattern"] == ID_PATTERN else "lowercase token"
    text = {"number": "number", "integer": "integer", "string": "text", "boolean": "boolean"}.get(
        prop.get("type", ""), "value"
    )
    bounds = [
        f"{op} {_plain(prop[k])}"
        for keys, op in (
            (("minimum", "ge"), ">="),
            (("maximum", "le"), "<="),
            (("maxLength",), "chars <="),
        )
        for k in keys
        if k in prop
    ]
    if "decimals" in prop:
        bounds.append(f"{prop['decimals']} decimals")
    return text + (f" ({', '.join(bounds)})" if bounds else "")


def _plain(x: Any) -> Any:
    return int(x) if isinstance(x, float) and x.is_integer() else x


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
        "`;`-separated (empty parts are dropped). An empty cell means *not given*: the",
        "default applies, or it is an error for a required field (an empty list too).",
        f"Dates are `YYYY-MM-DD` from {DATE_MIN.isoformat()} to {DATE_MAX.isoformat()};",
        f"`{NO_DATE_PLACEHOLDER.isoformat()}` means no date. Booleans are `true` or `false`",
        "(any case); numbers are plain decimals such as `2`, `1.5` or `1e3`.",
        "JSON: a list of objects with the same keys (lists as arrays, or `;` strings);",
        "a key given twice in one object is an error.",
        "Row numbers in messages count data rows: not the header, not blank lines (when",
        "they differ, the message also gives the file's line). Limits on file size and",
        "rows, and how outputs are kept safe: `docs/limits.md`.",
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
