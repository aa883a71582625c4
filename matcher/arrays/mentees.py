"""Columnar arrays of the mentees of a round."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from matcher.arrays.codes import (
    ETHNICITY_CODE,
    FAITHS,
    GENDER_ANY,
    GENDER_CODE,
    GENDER_NONE,
    GOAL_BIT,
    LANGUAGES,
    MODE_BIT,
    PRISONS,
    REGIONS,
    SLOT_BIT,
    add_months,
    frequency_level,
    popcount,
    set_bits,
    take_rows,
    words,
)
from matcher.arrays.geo import unit_vectors
from matcher.models import Mentee
from matcher.vocab import STRENGTHS, risk_level

if TYPE_CHECKING:  # annotations only: config derives its weights from the criteria
    from matcher.config import Config

__all__ = ["MenteeArrays"]


@dataclass(frozen=True, eq=False)
class MenteeArrays:
    """Columnar view of a sequence of mentees (row ``k`` is ``mentees[k]``).

    Attributes
    ----------
    ids : ndarray of str
        Mentee ids.
    gender, ethnicity : ndarray of int8
        Codes in :data:`~matcher.vocab.GENDERS` / :data:`~matcher.vocab.ETHNICITIES` order.
    gender_target : ndarray of int8
        Wished mentor gender code; ``-1`` any, ``-2`` "same" for an undisclosed gender.
    gender_strength, ethnicity_strength, faith_strength, lived_strength : ndarray of int8
        0 none, 1 preferred, 2 required.
    faith, region, prison : ndarray of int32
        Token ids, ``-1`` when absent.
    languages : ndarray of uint64, shape (n, words)
        Bitmask of languages spoken; ``first_language`` is the preferred one's id.
    goals, modes : ndarray of uint8
        Bitmasks; ``n_goals``, ``n_modes`` their popcounts.
    slots : ndarray of uint32
        Availability bitmask.
    frequency, risk : ndarray of int8
        Ordinals.
    slots_needed : ndarray of float64
        Shared slots the frequency needs for a full availability score.
    custody : ndarray of bool
    lat, lon, cos_lat : ndarray of float64
        Radians (and cosine of latitude) of where they live or will live.
    xyz : ndarray of float64, shape (n, 3)
        Unit vectors of the same place.
    start, planned_end : ndarray of int64
        Date ordinals: relationship start (release if later than ``as_of``, else
        ``as_of``) and ``start + objective.relationship_months``.
    support_hours, priority : ndarray of float64
        Weekly hours the relationship takes; matching priority.
    exclude : tuple of tuple of str
        Mentor ids each mentee excludes.
    as_of : date
        The run date the dates were computed against.
    """

    ids: npt.NDArray[np.str_]
    gender: npt.NDArray[np.int8]
    ethnicity: npt.NDArray[np.int8]
    gender_target: npt.NDArray[np.int8]
    gender_strength: npt.NDArray[np.int8]
    ethnicity_strength: npt.NDArray[np.int8]
    faith_strength: npt.NDArray[np.int8]
    lived_strength: npt.NDArray[np.int8]
    faith: npt.NDArray[np.int32]
    region: npt.NDArray[np.int32]
    prison: npt.NDArray[np.int32]
    languages: npt.NDArray[np.uint64]
    first_language: npt.NDArray[np.int32]
    goals: npt.NDArray[np.uint8]
    n_goals: npt.NDArray[np.uint8]
    modes: npt.NDArray[np.uint8]
    n_modes: npt.NDArray[np.uint8]
    slots: npt.NDArray[np.uint32]
    frequency: npt.NDArray[np.int8]
    slots_needed: npt.NDArray[np.float64]
    risk: npt.NDArray[np.int8]
    custody: npt.NDArray[np.bool_]
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    cos_lat: npt.NDArray[np.float64]
    xyz: npt.NDArray[np.float64]
    start: npt.NDArray[np.int64]
    planned_end: npt.NDArray[np.int64]
    support_hours: npt.NDArray[np.float64]
    priority: npt.NDArray[np.float64]
    exclude: tuple[tuple[str, ...], ...]
    as_of: date

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: npt.NDArray[np.integer]) -> MenteeArrays:
        """The mentees at positions ``rows``, as arrays of their own."""
        return take_rows(self, np.asarray(rows, dtype=np.int64))

    @classmethod
    def from_records(cls, mentees: Sequence[Mentee], config: Config, as_of: date) -> MenteeArrays:
        """Build the arrays from validated records (one Python loop over records).

        Parameters
        ----------
        mentees : sequence of Mentee
        config : Config
            Supplies default support hours, priorities, slots needed and relationship months.
        as_of : date
            Run date: release urgency and relationship start are measured from it.
        """
        n = len(mentees)
        i8 = np.zeros((12, n), dtype=np.int8)
        (gender, ethnicity, target, g_str, e_str, f_str, l_str, freq, risk) = i8[:9]
        i32 = np.full((4, n), -1, dtype=np.int32)
        faith, region, prison, first_lang = i32
        goals = np.zeros(n, dtype=np.uint8)
        modes = np.zeros(n, dtype=np.uint8)
        slots = np.zeros(n, dtype=np.uint32)
        custody = np.zeros(n, dtype=bool)
        f64 = np.zeros((5, n), dtype=np.float64)
        lat, lon, hours, priority, needed = f64
        dates = np.zeros((2, n), dtype=np.int64)
        start, end = dates
        lang_ids: list[list[int]] = []
        pr, sh, sc = config.priority, config.support_hours, config.scoring
        window = pr.release_window_days
        months = config.objective.relationship_months
        for k, e in enumerate(mentees):
            gender[k] = GENDER_CODE[e.gender]
            ethnicity[k] = ETHNICITY_CODE[e.ethnicity]
            if e.mentor_gender == "any":
                target[k] = GENDER_ANY
            elif e.mentor_gender == "same":
                target[k] = GENDER_NONE if e.gender == "undisclosed" else GENDER_CODE[e.gender]
            else:
                target[k] = GENDER_CODE[e.mentor_gender]
            g_str[k] = STRENGTHS.index(e.mentor_gender_strength)
            e_str[k] = STRENGTHS.index(e.ethnicity_match)
            f_str[k] = STRENGTHS.index(e.faith_match)
            l_str[k] = STRENGTHS.index(e.lived_experience)
            freq[k] = frequency_level(e.contact_frequency)
            risk[k] = risk_level(e.risk)
            if e.faith is not None:
                faith[k] = FAITHS.id(e.faith)
            if e.region is not None:
                region[k] = REGIONS.id(e.region)
            ids = [LANGUAGES.id(t) for t in e.languages]
            lang_ids.append(ids)
            first_lang[k] = ids[0]
            goals[k] = sum(int(GOAL_BIT[g]) for g in e.goals)
            modes[k] = sum(int(MODE_BIT[m]) for m in e.contact_modes)
            slots[k] = sum(SLOT_BIT[s] for s in e.availability)
            lat[k], lon[k] = e.lat, e.lon
            needed[k] = getattr(sc, f"slots_{e.contact_frequency}")
            hours[k] = (
                getattr(sh, e.contact_frequency) if e.support_hours is None else e.support_hours
            )
            begin = as_of
            urgency = pr.community
            if e.custody == "custody":
                custody[k] = True
                prison[k] = PRISONS.id(e.prison) if e.prison is not None else -1
                release = e.release_date
                assert release is not None  # the model guarantees it in custody
                if release > as_of:
                    begin = release
                if release >= as_of:
                    days = (release - as_of).days
                    urgency = pr.release_window if days <= window else pr.custody
            priority[k] = urgency if e.priority is None else e.priority
            start[k] = begin.toordinal()
            end[k] = add_months(begin, months).toordinal()
        languages = np.zeros((n, words(len(LANGUAGES))), dtype=np.uint64)
        for k, ids in enumerate(lang_ids):
            set_bits(languages, k, ids)
        lat, lon = np.radians(lat), np.radians(lon)
        return cls(
            ids=np.array([e.id for e in mentees], dtype=str),
            gender=gender, ethnicity=ethnicity, gender_target=target, gender_strength=g_str,
            ethnicity_strength=e_str, faith_strength=f_str, lived_strength=l_str,
            faith=faith, region=region, prison=prison, languages=languages,
            first_language=first_lang, goals=goals, n_goals=popcount(goals), modes=modes,
            n_modes=popcount(modes), slots=slots, frequency=freq, slots_needed=needed,
            risk=risk, custody=custody, lat=lat, lon=lon, cos_lat=np.cos(lat),
            xyz=unit_vectors(lat, lon), start=start, planned_end=end, support_hours=hours,
            priority=priority, exclude=tuple(e.exclude_mentors for e in mentees), as_of=as_of,
        )  # fmt: skip
