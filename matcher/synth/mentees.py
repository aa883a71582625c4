"""The mentee file: people in prison and on probation referred for a mentor.

Every column of ``mentees.csv`` but ``exclude_mentors`` (which needs the mentors: see
:mod:`matcher.synth.relationships`), drawn from :mod:`matcher.synth.calibration`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np

from matcher.synth.calibration import (
    CUSTODY_SHARE,
    ETHNICITY_MATCH_P,
    FAITH_MATCH_P,
    FAITHS,
    GOAL_COUNT_P,
    GOAL_WEIGHT,
    LIVED_EXPERIENCE_P,
    MENTEE_AGE_BANDS,
    MENTEE_AGE_MISSING,
    MENTEE_ETHNICITY_P,
    MENTEE_FAITH_MISSING,
    MENTEE_FAITH_P,
    MENTEE_FREQUENCY_P,
    MENTEE_GENDER_P,
    MENTOR_GENDER_WISH_P,
    MODE_P_COMMUNITY,
    MODE_P_CUSTODY,
    PRIORITY_SHARE,
    PRIORITY_VALUES,
    RELEASE_DAYS,
    RISK_P_COMMUNITY,
    RISK_P_CUSTODY,
    SLOT_PATTERNS,
    SUPPORT_HOURS_SHARE,
    SUPPORT_HOURS_VALUES,
    WISH_REQUIRED,
)
from matcher.synth.cells import (
    blank,
    fmt_coord,
    fmt_dates,
    fmt_int,
    fmt_num,
    id_cells,
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
from matcher.synth.places import PRISON_CODES, TOWN_REGION, place, prison_p
from matcher.vocab import (
    AVAILABILITY_SLOTS,
    CONTACT_FREQUENCIES,
    CONTACT_MODES,
    CUSTODY,
    ETHNICITIES,
    GENDERS,
    GOALS,
    MENTOR_GENDER_WISHES,
    RISKS,
    STRENGTHS,
)

__all__ = ["mentee_columns"]


def _strength_table(table: Mapping[str, float]) -> FloatArray:
    return probs(table, STRENGTHS)


def _preferences(
    rng: np.random.Generator,
    g_idx: IntArray,
    eth: IntArray,
    faith: IntArray,
    faith_given: BoolArray,
) -> dict[str, StrArray]:
    """The preference cells, as mentees state them: most have none."""
    n = len(g_idx)
    wish = draw_by(
        rng, g_idx, np.array([probs(MENTOR_GENDER_WISH_P[g], MENTOR_GENDER_WISHES)
                              for g in GENDERS])
    )  # fmt: skip
    wish_strength = np.where(wish == 0, 0, np.where(rng.random(n) < WISH_REQUIRED, 2, 1))
    white = eth == ETHNICITIES.index("white")
    eth_p = np.array([_strength_table(ETHNICITY_MATCH_P["white"]),
                      _strength_table(ETHNICITY_MATCH_P["minority"])])  # fmt: skip
    eth_match = draw_by(rng, (~white).astype(np.int64), eth_p)
    eth_match[eth == ETHNICITIES.index("undisclosed")] = 0
    faith_match = draw(rng, n, _strength_table(FAITH_MATCH_P))
    faith_match[~faith_given | (faith == FAITHS.index("none"))] = 0
    lived = draw(rng, n, _strength_table(LIVED_EXPERIENCE_P))
    return {
        "mentor_gender": lookup(MENTOR_GENDER_WISHES, wish),
        "mentor_gender_strength": lookup(STRENGTHS, wish_strength),
        "ethnicity_match": lookup(STRENGTHS, eth_match),
        "faith_match": lookup(STRENGTHS, faith_match),
        "lived_experience": lookup(STRENGTHS, lived),
    }


def mentee_columns(
    rng: np.random.Generator, n: int, as_of: date
) -> tuple[dict[str, StrArray], IntArray]:
    """Every mentee column but ``exclude_mentors`` (left empty), and each mentee's region.

    Parameters
    ----------
    rng : numpy.random.Generator
        The mentees' own stream: nothing else draws from it.
    n : int
        Number of mentees.
    as_of : datetime.date
        The round's reference date: release dates lie after it.

    Returns
    -------
    (dict of str to object array, int array)
        The cells of each column in file order, and the region index of each mentee.
    """
    g_idx = draw(rng, n, probs(MENTEE_GENDER_P, GENDERS))
    age = ages(rng, n, MENTEE_AGE_BANDS)
    age_given = rng.random(n) >= MENTEE_AGE_MISSING
    eth, faith = ethnicity_faith(
        rng, n, probs(MENTEE_ETHNICITY_P, ETHNICITIES), probs(MENTEE_FAITH_P, FAITHS)
    )
    faith_given = rng.random(n) >= MENTEE_FAITH_MISSING
    town, lat, lon = place(rng, n, pop_power=1.0, spread=1.0)
    region = TOWN_REGION[town]
    languages = language_cells(rng, eth, region, mentor=False)
    goal_count = draw(rng, n, np.array(GOAL_COUNT_P)) + 1
    goals = subset(rng, probs(GOAL_WEIGHT, GOALS), goal_count)
    preferences = _preferences(rng, g_idx, eth, faith, faith_given)
    freq = draw(rng, n, probs(MENTEE_FREQUENCY_P, CONTACT_FREQUENCIES))

    custody = rng.random(n) < CUSTODY_SHARE
    mode_p = np.where(
        custody[:, None],
        mode_probs(MODE_P_CUSTODY)[None, :],
        mode_probs(MODE_P_COMMUNITY)[None, :],
    )
    modes = rng.random((n, len(CONTACT_MODES))) < mode_p
    modes[~modes.any(axis=1), CONTACT_MODES.index("in_person")] = True
    daytime = rng.random(n) < 0.5
    slot_w = np.where(
        custody[:, None],
        SLOT_PATTERNS["custody"],
        np.where(daytime[:, None], SLOT_PATTERNS["daytime"], SLOT_PATTERNS["evenings"]),
    )
    slots = subset(rng, slot_w, rng.integers(3, 11, size=n))

    # Custody: a prison (women's estate for women) and a release date.
    female = g_idx == GENDERS.index("female")
    prison = np.full(n, -1, dtype=np.int64)
    for is_female in (False, True):
        sel = np.flatnonzero(custody & (female == is_female))
        prison[sel] = draw_by(rng, town[sel], prison_p(is_female))
    rel_days = np.floor(rng.triangular(*RELEASE_DAYS, size=n)).astype(np.int64)
    risk = np.where(
        custody,
        draw(rng, n, probs(RISK_P_CUSTODY, RISKS)),
        draw(rng, n, probs(RISK_P_COMMUNITY, RISKS)),
    )
    hours_given = rng.random(n) < SUPPORT_HOURS_SHARE
    hours = np.asarray(SUPPORT_HOURS_VALUES)[rng.integers(0, len(SUPPORT_HOURS_VALUES), n)]
    prio_given = rng.random(n) < PRIORITY_SHARE
    prio = np.asarray(PRIORITY_VALUES)[rng.integers(0, len(PRIORITY_VALUES), n)]

    cols: dict[str, StrArray] = {
        "id": id_cells("E", n, 6),
        "gender": lookup(GENDERS, g_idx),
        "age": blank(fmt_int(age), age_given),
        "ethnicity": lookup(ETHNICITIES, eth),
        "faith": blank(lookup(FAITHS, faith), faith_given),
        "languages": languages,
        "goals": join_mask(goals, GOALS),
        **preferences,
        "contact_frequency": lookup(CONTACT_FREQUENCIES, freq),
        "contact_modes": join_mask(modes, CONTACT_MODES),
        "availability": join_mask(slots, AVAILABILITY_SLOTS),
        "custody": lookup(CUSTODY, np.where(custody, CUSTODY.index("custody"),
                                            CUSTODY.index("community"))),
        "prison": blank(lookup(PRISON_CODES, np.maximum(prison, 0)), custody),
        "release_date": blank(fmt_dates(as_of, rel_days), custody),
        "lat": fmt_coord(lat),
        "lon": fmt_coord(lon),
        "risk": lookup(RISKS, risk),
        "support_hours": blank(fmt_num(hours), hours_given),
        "exclude_mentors": np.full(n, "", dtype=object),
        "priority": blank(fmt_num(prio), prio_given),
        "region": lookup(REGIONS, region),
    }  # fmt: skip
    return cols, region
