"""The mentor file: volunteers, their offer, reach, prison clearance and capacity.

Every column of ``mentors.csv`` but ``supervisor`` (drawn with the supervisors, see
:mod:`matcher.synth.relationships`), from :mod:`matcher.synth.calibration`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from matcher.synth.calibration import (
    AVAILABLE_UNTIL_DAYS,
    AVAILABLE_UNTIL_SHARE,
    CAPACITY_P,
    FAITHS,
    HOURS_PER_SEAT,
    MAX_RISK_P,
    MAX_TRAVEL_KM,
    MENTEE_GENDER_REQ_P,
    MENTOR_AGE_BANDS,
    MENTOR_AGE_MISSING,
    MENTOR_ETHNICITY_P,
    MENTOR_FAITH_MISSING,
    MENTOR_FAITH_P,
    MENTOR_FREQUENCY_P,
    MENTOR_GENDER_P,
    MENTOR_LIVED_EXPERIENCE,
    MODE_P_MENTOR,
    PRISON_CLEARANCE_COUNT_P,
    PRISON_CLEARANCE_KM,
    PRISON_CLEARED_SHARE,
    SLOT_PATTERNS,
    SPECIALISM_COUNT_P,
    SPECIALISM_WEIGHT,
)
from matcher.synth.cells import (
    blank,
    fmt_coord,
    fmt_dates,
    fmt_int,
    fmt_num,
    id_cells,
    join_cols,
    join_mask,
    lookup,
)
from matcher.synth.draws import (
    BoolArray,
    FloatArray,
    IntArray,
    StrArray,
    draw,
    draw_by,
    probs,
    subset,
)
from matcher.synth.geography import REGIONS
from matcher.synth.people import ages, ethnicity_faith, language_cells, mode_probs
from matcher.synth.places import PRISON_CODES, TOWN_REGION, nearest_prisons, place
from matcher.vocab import (
    AVAILABILITY_SLOTS,
    CONTACT_FREQUENCIES,
    CONTACT_MODES,
    ETHNICITIES,
    GENDERS,
    GOALS,
    MENTEE_GENDER_REQUIREMENTS,
    RISKS,
)

__all__ = ["MentorFacts", "mentor_columns"]


@dataclass(frozen=True)
class MentorFacts:
    """What the relationship files need to know about the mentors (one entry per mentor)."""

    region: IntArray
    capacity: IntArray
    max_hours: FloatArray


def _prison_clearance(
    rng: np.random.Generator, lat: FloatArray, lon: FloatArray
) -> tuple[BoolArray, StrArray]:
    """Who is cleared to visit prisons (their 1-3 nearest sites), and the ``prisons`` cell."""
    m = len(lat)
    cleared = rng.random(m) < PRISON_CLEARED_SHARE
    n_clear = draw(rng, m, np.array(PRISON_CLEARANCE_COUNT_P)) + 1
    nearest, near_d = nearest_prisons(lat, lon)
    parts = []
    for j in range(3):
        keep = cleared & (n_clear > j) & (near_d[:, j] <= PRISON_CLEARANCE_KM**2)
        parts.append(blank(lookup(PRISON_CODES, nearest[:, j]), keep))
    prisons = join_cols(parts) if m else np.full(0, "", dtype=object)
    return cleared, prisons


def mentor_columns(
    rng: np.random.Generator, m: int, as_of: date
) -> tuple[dict[str, StrArray], MentorFacts]:
    """Every mentor column but ``supervisor`` (left empty), and the facts relationships need.

    Parameters
    ----------
    rng : numpy.random.Generator
        The mentors' own stream: nothing else draws from it.
    m : int
        Number of mentors.
    as_of : datetime.date
        The round's reference date: ``available_until`` lies after it.

    Returns
    -------
    (dict of str to object array, MentorFacts)
        The cells of each column in file order, and each mentor's region, capacity and
        weekly hours.
    """
    g_idx = draw(rng, m, probs(MENTOR_GENDER_P, GENDERS))
    age = ages(rng, m, MENTOR_AGE_BANDS)
    age_given = rng.random(m) >= MENTOR_AGE_MISSING
    eth, faith = ethnicity_faith(
        rng, m, probs(MENTOR_ETHNICITY_P, ETHNICITIES), probs(MENTOR_FAITH_P, FAITHS)
    )
    faith_given = rng.random(m) >= MENTOR_FAITH_MISSING
    # Mentors live nearer the big population centres than the caseload does.
    town, lat, lon = place(rng, m, pop_power=1.2, spread=0.75)
    region = TOWN_REGION[town]
    languages = language_cells(rng, eth, region, mentor=True)
    lived = rng.random(m) < MENTOR_LIVED_EXPERIENCE
    spec_w = np.tile(probs(SPECIALISM_WEIGHT, GOALS), (m, 1))
    spec_w[lived, GOALS.index("substance_use")] *= 2.5  # peer mentors: recovery experience
    spec_count = draw(rng, m, np.array(SPECIALISM_COUNT_P)) + 1
    specialisms = subset(rng, spec_w, spec_count)
    freq = draw(rng, m, probs(MENTOR_FREQUENCY_P, CONTACT_FREQUENCIES))
    modes = rng.random((m, len(CONTACT_MODES))) < mode_probs(MODE_P_MENTOR)
    modes[~modes.any(axis=1), CONTACT_MODES.index("in_person")] = True
    travel_km = np.array(list(MAX_TRAVEL_KM), dtype=float)[
        draw(rng, m, np.array(list(MAX_TRAVEL_KM.values())))
    ]
    cleared, prisons = _prison_clearance(rng, lat, lon)

    # Prison visits happen in the day: cleared mentors are mostly free in the day.
    daytime = rng.random(m) < np.where(cleared, 0.75, 0.45)
    slot_w = np.where(daytime[:, None], SLOT_PATTERNS["daytime"], SLOT_PATTERNS["evenings"])
    slots = subset(rng, slot_w, rng.integers(3, 11, size=m))

    max_risk = draw(rng, m, probs(MAX_RISK_P, RISKS))
    req = draw_by(
        rng, g_idx, np.array([probs(MENTEE_GENDER_REQ_P[g], MENTEE_GENDER_REQUIREMENTS)
                              for g in GENDERS])
    )  # fmt: skip
    capacity = draw(rng, m, np.array(CAPACITY_P)) + 1
    per_seat = np.array(list(HOURS_PER_SEAT))[draw(rng, m, np.array(list(HOURS_PER_SEAT.values())))]
    max_hours = np.maximum(np.rint(capacity * per_seat * 2) / 2, 1.0)
    until_given = rng.random(m) < AVAILABLE_UNTIL_SHARE
    until_days = rng.integers(AVAILABLE_UNTIL_DAYS[0], AVAILABLE_UNTIL_DAYS[1] + 1, size=m)

    cols: dict[str, StrArray] = {
        "id": id_cells("M", m, 5),
        "gender": lookup(GENDERS, g_idx),
        "age": blank(fmt_int(age), age_given),
        "ethnicity": lookup(ETHNICITIES, eth),
        "faith": blank(lookup(FAITHS, faith), faith_given),
        "languages": languages,
        "lived_experience": np.where(lived, "true", "false").astype(object),
        "specialisms": join_mask(specialisms, GOALS),
        "contact_frequency": lookup(CONTACT_FREQUENCIES, freq),
        "contact_modes": join_mask(modes, CONTACT_MODES),
        "availability": join_mask(slots, AVAILABILITY_SLOTS),
        "lat": fmt_coord(lat),
        "lon": fmt_coord(lon),
        "max_travel_km": fmt_num(travel_km),
        "prisons": prisons,
        "max_risk": lookup(RISKS, max_risk),
        "mentee_gender": lookup(MENTEE_GENDER_REQUIREMENTS, req),
        "capacity": fmt_int(capacity),
        "max_hours": fmt_num(max_hours),
        "available_until": blank(fmt_dates(as_of, until_days), until_given),
        "supervisor": np.full(m, "", dtype=object),
        "region": lookup(REGIONS, region),
    }
    return cols, MentorFacts(region, capacity, max_hours)
