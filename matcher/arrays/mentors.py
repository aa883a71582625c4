"""Columnar arrays of the mentors of a round, and what running relationships take."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from matcher.arrays.codes import (
    ETHNICITY_CODE,
    FAITHS,
    GENDER_ANY,
    GENDER_CODE,
    GOAL_BIT,
    LANGUAGES,
    MODE_BIT,
    NO_DATE,
    PRISONS,
    REGIONS,
    SLOT_BIT,
    frequency_level,
    set_bits,
    take_rows,
    words,
)
from matcher.arrays.geo import unit_vectors
from matcher.models import Existing, Mentor
from matcher.vocab import risk_level

if TYPE_CHECKING:  # annotations only: config derives its weights from the criteria
    from matcher.config import Config

__all__ = ["MentorArrays", "existing_load"]


def existing_load(
    existing: Sequence[Existing], mentors: Sequence[Mentor], config: Config
) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float64]]:
    """Mentees and weekly hours already taken at each mentor by existing relationships.

    Relationships naming a mentor not in ``mentors`` are ignored (the loader reports them).
    Hours default to ``config.support_hours.existing``.
    """
    index = {m.id: k for k, m in enumerate(mentors)}
    seats = np.zeros(len(mentors), dtype=np.int32)
    hours = np.zeros(len(mentors), dtype=np.float64)
    for rel in existing:
        k = index.get(rel.mentor_id)
        if k is not None:
            seats[k] += 1
            hours[k] += config.support_hours.existing if rel.hours is None else rel.hours
    return seats, hours


@dataclass(frozen=True, eq=False)
class MentorArrays:
    """Columnar view of a sequence of mentors (row ``k`` is ``mentors[k]``).

    Attributes
    ----------
    ids : ndarray of str
        Mentor ids; ``rank`` is each id's position in sorted id order (tie-breaks).
    gender, ethnicity : ndarray of int8
        Codes as for mentees.
    mentee_gender : ndarray of int8
        The mentor's own requirement: gender code, or ``-1`` for any.
    faith, region : ndarray of int32
        Token ids, ``-1`` when absent.
    languages, prisons : ndarray of uint64, shape (n, words)
        Bitmasks of languages spoken and prisons cleared for.
    lived_experience : ndarray of bool
    specialisms, modes : ndarray of uint8
    slots : ndarray of uint32
    frequency, max_risk : ndarray of int8
    lat, lon, cos_lat : ndarray of float64
        Radians (and cosine of latitude) of home.
    xyz : ndarray of float64, shape (n, 3)
    reach_km : ndarray of float64
        ``max_travel_km``.
    capacity : ndarray of int32
    max_hours : ndarray of float64
    available_until : ndarray of int64
        Date ordinal, :data:`NO_DATE` when open-ended.
    supervisor : tuple of (str or None)
    """

    ids: npt.NDArray[np.str_]
    rank: npt.NDArray[np.int32]
    gender: npt.NDArray[np.int8]
    ethnicity: npt.NDArray[np.int8]
    mentee_gender: npt.NDArray[np.int8]
    faith: npt.NDArray[np.int32]
    region: npt.NDArray[np.int32]
    languages: npt.NDArray[np.uint64]
    prisons: npt.NDArray[np.uint64]
    lived_experience: npt.NDArray[np.bool_]
    specialisms: npt.NDArray[np.uint8]
    modes: npt.NDArray[np.uint8]
    slots: npt.NDArray[np.uint32]
    frequency: npt.NDArray[np.int8]
    max_risk: npt.NDArray[np.int8]
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    cos_lat: npt.NDArray[np.float64]
    xyz: npt.NDArray[np.float64]
    reach_km: npt.NDArray[np.float64]
    capacity: npt.NDArray[np.int32]
    max_hours: npt.NDArray[np.float64]
    available_until: npt.NDArray[np.int64]
    supervisor: tuple[str | None, ...]

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, rows: npt.NDArray[np.integer]) -> MentorArrays:
        """The mentors at positions ``rows``, as arrays of their own."""
        return take_rows(self, np.asarray(rows, dtype=np.int64))

    @classmethod
    def from_records(cls, mentors: Sequence[Mentor], config: Config | None = None) -> MentorArrays:
        """Build the arrays from validated records (one Python loop over records).

        ``config`` is accepted for symmetry with :meth:`MenteeArrays.from_records`;
        nothing in a mentor's arrays depends on it today.
        """
        n = len(mentors)
        gender, ethnicity, mg, freq, max_risk = np.zeros((5, n), dtype=np.int8)
        faith, region = np.full((2, n), -1, dtype=np.int32)
        lived = np.zeros(n, dtype=bool)
        spec = np.zeros(n, dtype=np.uint8)
        modes = np.zeros(n, dtype=np.uint8)
        slots = np.zeros(n, dtype=np.uint32)
        lat, lon, reach, max_hours = np.zeros((4, n), dtype=np.float64)
        capacity = np.zeros(n, dtype=np.int32)
        until = np.full(n, NO_DATE, dtype=np.int64)
        lang_ids: list[list[int]] = []
        prison_ids: list[list[int]] = []
        for k, m in enumerate(mentors):
            gender[k] = GENDER_CODE[m.gender]
            ethnicity[k] = ETHNICITY_CODE[m.ethnicity]
            mg[k] = GENDER_ANY if m.mentee_gender == "any" else GENDER_CODE[m.mentee_gender]
            freq[k] = frequency_level(m.contact_frequency)
            max_risk[k] = risk_level(m.max_risk)
            if m.faith is not None:
                faith[k] = FAITHS.id(m.faith)
            if m.region is not None:
                region[k] = REGIONS.id(m.region)
            lived[k] = m.lived_experience
            spec[k] = sum(int(GOAL_BIT[g]) for g in m.specialisms)
            modes[k] = sum(int(MODE_BIT[x]) for x in m.contact_modes)
            slots[k] = sum(SLOT_BIT[s] for s in m.availability)
            lat[k], lon[k], reach[k] = m.lat, m.lon, m.max_travel_km
            capacity[k], max_hours[k] = m.capacity, m.max_hours
            if m.available_until is not None:
                until[k] = m.available_until.toordinal()
            lang_ids.append([LANGUAGES.id(t) for t in m.languages])
            prison_ids.append([PRISONS.id(p) for p in m.prisons])
        languages = np.zeros((n, words(len(LANGUAGES))), dtype=np.uint64)
        prisons = np.zeros((n, words(len(PRISONS))), dtype=np.uint64)
        for k in range(n):
            set_bits(languages, k, lang_ids[k])
            set_bits(prisons, k, prison_ids[k])
        ids = np.array([m.id for m in mentors], dtype=str)
        rank = np.empty(n, dtype=np.int32)
        rank[np.argsort(ids, kind="stable")] = np.arange(n, dtype=np.int32)
        lat, lon = np.radians(lat), np.radians(lon)
        return cls(
            ids=ids, rank=rank, gender=gender, ethnicity=ethnicity, mentee_gender=mg,
            faith=faith, region=region, languages=languages, prisons=prisons,
            lived_experience=lived, specialisms=spec, modes=modes, slots=slots,
            frequency=freq, max_risk=max_risk, lat=lat, lon=lon, cos_lat=np.cos(lat),
            xyz=unit_vectors(lat, lon), reach_km=reach, capacity=capacity,
            max_hours=max_hours, available_until=until,
            supervisor=tuple(m.supervisor for m in mentors),
        )  # fmt: skip
