"""Shared hypothesis strategies, one per concept of the data contract."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from matcher import vocab
from matcher.models import Decision, Existing, Mentee, Mentor, Prison, Supervisor
from tests.factories import make_mentee, make_mentor

__all__ = [
    "ReviewedRound",
    "existing_records",
    "local_caseloads",
    "ids",
    "mentee_records",
    "mentor_records",
    "prison_records",
    "reviewed_rounds",
    "rounds",
    "supervisor_records",
]

# Ids may not begin with "-" (a spreadsheet formula; docs/limits.md).
ids = st.from_regex(r"[A-Za-z0-9_.][A-Za-z0-9_.-]{0,11}", fullmatch=True)
tokens = st.from_regex(r"[a-z0-9_]{1,10}", fullmatch=True)
languages = st.lists(
    st.sampled_from(["english", "welsh", "polish", "urdu", "arabic"]),
    min_size=1,
    max_size=3,
    unique=True,
).map(tuple)
dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
# Finite floats that survive a text round trip exactly (repr is exact for floats).
lats = st.floats(min_value=-90, max_value=90, allow_nan=False)
lons = st.floats(min_value=-180, max_value=180, allow_nan=False)
# Hours and priorities have at most 2 decimals (docs/limits.md).
hours = st.integers(0, 4000).map(lambda k: k / 100)


def _subset(values: tuple[str, ...], min_size: int = 0) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(values), min_size=min_size, unique=True).map(tuple)


@st.composite
def mentee_records(draw: st.DrawFn, **overrides: Any) -> Mentee:
    """Any valid mentee."""
    custody = draw(st.sampled_from(vocab.CUSTODY))
    wish = draw(st.sampled_from(vocab.MENTOR_GENDER_WISHES))
    fields: dict[str, Any] = {
        "id": draw(ids),
        "gender": draw(st.sampled_from(vocab.GENDERS)),
        "age": draw(st.none() | st.integers(18, 90)),
        "ethnicity": draw(st.sampled_from(vocab.ETHNICITIES)),
        "faith": draw(st.none() | tokens),
        "languages": draw(languages),
        "goals": draw(_subset(vocab.GOALS, 1)),
        "mentor_gender": wish,
        "mentor_gender_strength": draw(st.sampled_from(vocab.STRENGTHS)),
        "ethnicity_match": draw(st.sampled_from(vocab.STRENGTHS)),
        "faith_match": draw(st.sampled_from(vocab.STRENGTHS)),
        "lived_experience": draw(st.sampled_from(vocab.STRENGTHS)),
        "contact_frequency": draw(st.sampled_from(vocab.CONTACT_FREQUENCIES)),
        "contact_modes": draw(_subset(vocab.CONTACT_MODES, 1)),
        "availability": draw(_subset(vocab.AVAILABILITY_SLOTS, 1)),
        "custody": custody,
        "prison": draw(ids) if custody == "custody" else None,
        "release_date": draw(dates) if custody == "custody" else None,
        "lat": draw(lats),
        "lon": draw(lons),
        "risk": draw(st.sampled_from(vocab.RISKS)),
        "support_hours": draw(st.none() | hours),
        "exclude_mentors": draw(st.lists(ids, max_size=2, unique=True).map(tuple)),
        "priority": draw(st.none() | st.integers(0, 1000).map(lambda k: k / 100)),
        "region": draw(st.none() | tokens),
    }
    fields.update(overrides)
    return Mentee(**fields)


@st.composite
def mentor_records(draw: st.DrawFn, **overrides: Any) -> Mentor:
    """Any valid mentor."""
    fields: dict[str, Any] = {
        "id": draw(ids),
        "gender": draw(st.sampled_from(vocab.GENDERS)),
        "age": draw(st.none() | st.integers(18, 90)),
        "ethnicity": draw(st.sampled_from(vocab.ETHNICITIES)),
        "faith": draw(st.none() | tokens),
        "languages": draw(languages),
        "lived_experience": draw(st.booleans()),
        "specialisms": draw(_subset(vocab.GOALS, 1)),
        "contact_frequency": draw(st.sampled_from(vocab.CONTACT_FREQUENCIES)),
        "contact_modes": draw(_subset(vocab.CONTACT_MODES, 1)),
        "availability": draw(_subset(vocab.AVAILABILITY_SLOTS, 1)),
        "lat": draw(lats),
        "lon": draw(lons),
        "max_travel_km": draw(st.floats(0, 200, allow_nan=False)),
        "prisons": draw(st.lists(ids, max_size=3, unique=True).map(tuple)),
        "max_risk": draw(st.sampled_from(vocab.RISKS)),
        "mentee_gender": draw(st.sampled_from(vocab.MENTEE_GENDER_REQUIREMENTS)),
        "capacity": draw(st.integers(0, 5)),
        "max_hours": draw(hours),
        "available_until": draw(st.none() | dates),
        "supervisor": draw(st.none() | ids),
        "region": draw(st.none() | tokens),
    }
    fields.update(overrides)
    return Mentor(**fields)


@st.composite
def existing_records(draw: st.DrawFn) -> Existing:
    """Any valid existing relationship (references not checked)."""
    return Existing(mentee_id=draw(ids), mentor_id=draw(ids), hours=draw(st.none() | hours))


supervisor_records = st.builds(Supervisor, id=ids, capacity=st.integers(0, 50))
prison_records = st.builds(
    Prison,
    code=ids,
    name=st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cf", "Zl", "Zp")),
        min_size=1,
        max_size=30,
    ).filter(lambda s: s.strip() == s and s != "" and not s.startswith(("=", "+", "-", "@"))),
    lat=lats,
    lon=lons,
)


# --- small local caseloads, for the candidate and scoring properties -----------------------

_PRISON_POOL = ("P1", "P2")
_LOCAL_LANGS = st.lists(
    st.sampled_from(["english", "welsh", "polish"]), min_size=1, max_size=2, unique=True
).map(tuple)


@st.composite
def local_caseloads(
    draw: st.DrawFn, max_mentees: int = 6, max_mentors: int = 8
) -> tuple[list[Mentee], list[Mentor]]:
    """Mentees and mentors with unique ids, all within a ~50 km box (so pairs exist),
    sharing a small pool of prisons and languages, with exclusions naming real mentors."""
    n_mentors = draw(st.integers(1, max_mentors))
    n_mentees = draw(st.integers(1, max_mentees))
    mentor_ids = [f"M{k:02d}" for k in range(n_mentors)]
    lat = st.floats(51.3, 51.7, allow_nan=False)
    lon = st.floats(-0.4, 0.2, allow_nan=False)
    mentors = [
        draw(
            mentor_records(
                id=mid,
                lat=draw(lat),
                lon=draw(lon),
                languages=draw(_LOCAL_LANGS),
                max_travel_km=draw(st.floats(0, 60, allow_nan=False)),
                faith=draw(st.sampled_from([None, "christian", "muslim"])),
                prisons=tuple(draw(st.lists(st.sampled_from(_PRISON_POOL), unique=True))),
                region=draw(st.sampled_from([None, "london", "kent"])),
            )
        )
        for mid in mentor_ids
    ]
    mentees = []
    for k in range(n_mentees):
        custody = draw(st.sampled_from(("custody", "community")))
        mentees.append(
            draw(
                mentee_records(
                    id=f"E{k:02d}",
                    lat=draw(lat),
                    lon=draw(lon),
                    languages=draw(_LOCAL_LANGS),
                    custody=custody,
                    prison=draw(st.sampled_from(_PRISON_POOL)) if custody == "custody" else None,
                    release_date=draw(dates) if custody == "custody" else None,
                    faith=draw(st.sampled_from([None, "christian", "muslim"])),
                    region=draw(st.sampled_from([None, "london", "kent"])),
                    exclude_mentors=tuple(
                        draw(st.lists(st.sampled_from(mentor_ids), max_size=2, unique=True))
                    ),
                )
            )
        )
    return mentees, mentors


# --- whole rounds, for the round invariants ---------------------------------------------

_ROUND_GOALS = ("employment", "finance", "family", "health")
_ROUND_SLOTS = ("mon_am", "tue_pm", "wed_eve", "sun_eve")


@st.composite
def rounds(draw: st.DrawFn, max_mentees: int = 9, max_mentors: int = 5) -> dict[str, Any]:
    """A random valid round: mentees and mentors near one another (so pairs exist), some
    running relationships (with mentees in the file and outside it), supervisors with caps,
    and weekly hours that bind (support hours close to the mentors' hours).

    Returns a dict of the keyword arguments of :func:`matcher.match` (``mentees``,
    ``mentors``, ``existing``, ``supervisors``, ``config``). Rounds with decisions and
    ended relationships come from :func:`reviewed_rounds`.
    """
    from matcher.config import config_from_dict

    n_mentors = draw(st.integers(1, max_mentors))
    n_mentees = draw(st.integers(1, max_mentees))
    n_sups = draw(st.integers(0, 2))
    sup_ids = [f"S{g}" for g in range(n_sups)]
    mentor_ids = [f"M{j}" for j in range(n_mentors)]
    near_lat = st.floats(51.40, 51.60, allow_nan=False)
    langs = st.lists(st.sampled_from(["english", "welsh"]), min_size=1, max_size=2, unique=True)
    slots = st.lists(st.sampled_from(_ROUND_SLOTS), min_size=1, max_size=3, unique=True)
    genders = st.sampled_from(["female", "male"])
    mentors = [
        Mentor(
            id=mid,
            gender=draw(genders),
            ethnicity=draw(st.sampled_from(["white", "black", "asian"])),
            faith=draw(st.sampled_from([None, "christian", "muslim"])),
            languages=tuple(draw(langs)),
            lived_experience=draw(st.booleans()),
            specialisms=tuple(
                draw(st.lists(st.sampled_from(_ROUND_GOALS), min_size=1, max_size=3, unique=True))
            ),
            contact_frequency=draw(st.sampled_from(vocab.CONTACT_FREQUENCIES)),
            contact_modes=("in_person", "phone"),
            availability=tuple(draw(slots)),
            lat=draw(near_lat),
            lon=-0.1,
            max_travel_km=draw(st.sampled_from([5.0, 15.0, 40.0])),
            prisons=tuple(draw(st.lists(st.sampled_from(["P1", "P2"]), unique=True))),
            max_risk=draw(st.sampled_from(vocab.RISKS)),
            mentee_gender=draw(st.sampled_from(["any", "any", "female", "male"])),
            capacity=draw(st.integers(0, 3)),
            max_hours=draw(st.sampled_from([1.0, 2.0, 3.0, 4.5])),
            supervisor=draw(st.sampled_from([None, *sup_ids])),
        )
        for mid in mentor_ids
    ]
    mentees = []
    for i in range(n_mentees):
        custody = draw(st.sampled_from(vocab.CUSTODY))
        strength = st.sampled_from(vocab.STRENGTHS)
        mentees.append(
            Mentee(
                id=f"E{i}",
                gender=draw(genders),
                ethnicity=draw(st.sampled_from(["white", "black", "asian"])),
                faith=draw(st.sampled_from([None, "christian", "muslim"])),
                languages=tuple(draw(langs)),
                goals=tuple(
                    draw(
                        st.lists(st.sampled_from(_ROUND_GOALS), min_size=1, max_size=2, unique=True)
                    )
                ),
                mentor_gender=draw(st.sampled_from(vocab.MENTOR_GENDER_WISHES)),
                mentor_gender_strength=draw(strength),
                ethnicity_match=draw(strength),
                faith_match=draw(strength),
                lived_experience=draw(strength),
                contact_frequency=draw(st.sampled_from(vocab.CONTACT_FREQUENCIES)),
                contact_modes=("in_person",),
                availability=tuple(draw(slots)),
                custody=custody,
                prison=draw(st.sampled_from(["P1", "P2"])) if custody == "custody" else None,
                release_date=draw(dates) if custody == "custody" else None,
                lat=draw(near_lat),
                lon=-0.1,
                risk=draw(st.sampled_from(vocab.RISKS)),
                support_hours=draw(st.sampled_from([None, 0.5, 1.0, 2.0, 3.0])),
                exclude_mentors=tuple(
                    draw(st.lists(st.sampled_from(mentor_ids), max_size=1, unique=True))
                ),
                priority=draw(st.sampled_from([None, 0.0, 1.0, 2.5])),
            )
        )
    # Twins (same data, another id) make ties, which must not be broken by row order.
    if n_mentors > 1 and draw(st.booleans()):
        mentors[-1] = mentors[0].model_copy(update={"id": mentor_ids[-1]})
    if n_mentees > 1 and draw(st.booleans()):
        mentees[-1] = mentees[0].model_copy(update={"id": mentees[-1].id})
    # Running relationships: some with a mentee of the file, some with one outside it.
    candidates = [e.id for e in mentees] + ["X1", "X2", "X3"]
    running = draw(st.lists(st.sampled_from(candidates), max_size=4, unique=True))
    existing = [
        Existing(
            mentee_id=mid,
            mentor_id=draw(st.sampled_from(mentor_ids)),
            hours=draw(st.sampled_from([None, 0.5, 2.0])),
        )
        for mid in running
    ]
    supervisors = [Supervisor(id=s, capacity=draw(st.integers(0, 4))) for s in sup_ids]
    config = config_from_dict(
        {
            "rules": {
                "min_shared_slots": draw(st.integers(0, 2)),
                "require_prison_clearance": draw(st.booleans()),
            },
            "objective": {
                "mode": draw(st.sampled_from(["coverage_first", "score_only"])),
                "spread_load": draw(st.sampled_from([0.0, 0.05])),
            },
        }
    )
    return {
        "mentees": mentees,
        "mentors": mentors,
        "existing": existing,
        "supervisors": supervisors,
        "config": config,
    }


# --- reviewed rounds: existing relationships that end, supervisors and decisions -----------


@dataclass(frozen=True)
class ReviewedRound:
    """A small round with everything a review can bring, valid on ``as_of``."""

    mentees: list[Mentee]
    mentors: list[Mentor]
    existing: list[Existing]
    supervisors: list[Supervisor]
    decisions: list[Decision]
    as_of: date


_REVIEW_GOALS = ("employment", "finance", "family", "health")
_SLOTS = ("mon_am", "tue_pm", "wed_eve", "sun_eve")


def _relationship(draw: st.DrawFn, mentee_id: str, mentor_id: str, as_of: date) -> Existing:
    day = st.sampled_from([None, as_of - timedelta(days=30), as_of, as_of + timedelta(days=30)])
    return Existing(
        mentee_id=mentee_id,
        mentor_id=mentor_id,
        hours=draw(st.sampled_from([None, 0.5, 3.0])),
        start_date=as_of - timedelta(days=400),
        planned_end=draw(day),
        end_date=draw(day),
    )


@st.composite
def reviewed_rounds(draw: st.DrawFn, as_of: date = date(2026, 1, 5)) -> ReviewedRound:
    """Up to 8 community mentees and 4 mentors near each other, binding seats, hours and a
    supervisor cap, relationships running or ended on ``as_of``, and consistent decisions
    (some accepted pairs infeasible or over a limit, some rejections)."""
    n, m = draw(st.integers(1, 8)), draw(st.integers(1, 4))
    mentor_ids = [f"M{j}" for j in range(m)]
    mentees = [
        make_mentee(
            f"E{i}",
            lat=51.5 + draw(st.integers(-15, 15)) / 100,
            lon=-0.1,
            goals=tuple(
                draw(st.lists(st.sampled_from(_REVIEW_GOALS), min_size=1, max_size=2, unique=True))
            ),
            contact_frequency=draw(st.sampled_from(["weekly", "fortnightly", "monthly"])),
            risk=draw(st.sampled_from(["low", "low", "low", "high"])),
            gender=draw(st.sampled_from(["male", "female"])),
            mentor_gender=draw(st.sampled_from(["any", "female"])),
            mentor_gender_strength=draw(st.sampled_from(["none"] * 5 + ["required"])),
            priority=draw(st.sampled_from([None, 0.0, 1.0, 2.0])),
            exclude_mentors=draw(st.sampled_from([()] * 6 + [(j,) for j in mentor_ids])),
            availability=tuple(draw(st.lists(st.sampled_from(_SLOTS), min_size=1, unique=True))),
        )
        for i in range(n)
    ]
    mentors = [
        make_mentor(
            mid,
            lat=51.5 + draw(st.integers(-15, 15)) / 100,
            lon=-0.1,
            capacity=draw(st.sampled_from([2, 0, 1, 3])),
            max_hours=draw(st.sampled_from([4.0, 0.5, 1.0, 2.0, 6.0])),
            max_travel_km=draw(st.sampled_from([20.0, 60.0, 60.0])),
            max_risk=draw(st.sampled_from(["low", "medium", "high", "high"])),
            gender=draw(st.sampled_from(["male", "female"])),
            supervisor=draw(st.sampled_from([None, "S1"])),
        )
        for mid in mentor_ids
    ]
    who = draw(st.lists(st.sampled_from([e.id for e in mentees] + ["X1"]), unique=True))
    existing = [_relationship(draw, e, draw(st.sampled_from(mentor_ids)), as_of) for e in who[:3]]

    def runs(rel: Existing) -> bool:  # written from the contract, not taken from matcher
        if rel.end_date is not None:
            return rel.end_date > as_of
        return rel.planned_end is None or rel.planned_end > as_of

    running = {r.mentee_id: r.mentor_id for r in existing if runs(r)}
    decisions = []
    for e in mentees:
        kind = draw(st.sampled_from(["none", "accept", "accept", "reject", "both"]))
        if e.id in running:
            if kind == "accept":  # the pair is already running: a harmless repeat
                decisions.append(
                    Decision(mentee_id=e.id, mentor_id=running[e.id], decision="accept")
                )
            continue
        chosen = draw(st.permutations(mentor_ids))
        if kind in ("accept", "both"):
            decisions.append(Decision(mentee_id=e.id, mentor_id=chosen[0], decision="accept"))
        if kind in ("reject", "both"):
            for mid in chosen[1 if kind == "both" else 0 :][: draw(st.integers(1, 2))]:
                decisions.append(Decision(mentee_id=e.id, mentor_id=mid, decision="reject"))
    supervisors = [Supervisor(id="S1", capacity=draw(st.sampled_from([2, 0, 1, 4])))]
    return ReviewedRound(
        mentees, mentors, existing, supervisors, draw(st.permutations(decisions)), as_of
    )
