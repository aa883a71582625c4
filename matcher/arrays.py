"""Columnar numpy views of mentee and mentor records, built once per round.

Everything the hard rules and criteria need is turned into small integer codes,
bitmasks and float arrays here, in one Python loop over the records, so that the
pair-level code (``matcher.criteria``, ``matcher.candidates``) is pure numpy and
never loops over pairs.

Encodings
---------
- goals / specialisms: ``uint8`` bitmask over :data:`matcher.vocab.GOALS`.
- availability slots: ``uint32`` bitmask over :data:`matcher.vocab.AVAILABILITY_SLOTS`.
- contact modes: ``uint8`` bitmask over :data:`matcher.vocab.CONTACT_MODES`.
- contact frequency: ordinal, monthly = 0 < fortnightly = 1 < weekly = 2.
- risk / max_risk: ordinal, low = 0 … very_high = 3.
- languages and prisons: ``uint64`` bitmasks of shape ``(n, words)`` over
  process-wide token tables, so arrays built separately still agree on bit numbers.
- faith and region: ids in process-wide token tables, ``-1`` for none.
- dates: proleptic Gregorian ordinals (``date.toordinal()``).
"""

from __future__ import annotations

import calendar
import dataclasses
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import numpy.typing as npt

from matcher.models import Existing, Mentee, Mentor
from matcher.vocab import (
    AVAILABILITY_SLOTS,
    CONTACT_FREQUENCIES,
    CONTACT_MODES,
    ETHNICITIES,
    GENDERS,
    GOALS,
    STRENGTHS,
    risk_level,
)

if TYPE_CHECKING:  # annotations only: config derives its weights from the criteria
    from matcher.config import Config

__all__ = [
    "CHORD_TOL_ABS_KM",
    "CHORD_TOL_REL",
    "EARTH_RADIUS_KM",
    "GENDER_ANY",
    "GENDER_NONE",
    "NO_DATE",
    "STRENGTH_NONE",
    "STRENGTH_PREFERRED",
    "STRENGTH_REQUIRED",
    "UNDISCLOSED_ETHNICITY",
    "MenteeArrays",
    "MentorArrays",
    "TokenTable",
    "add_months",
    "existing_load",
    "frequency_level",
    "has_bit",
    "haversine_km",
    "overlap",
    "popcount",
    "unit_vectors",
]

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088
# |chord distance − haversine_km| is below 2e-12 km on the generator's caseloads (rounding
# of unit vectors and of the two formulas, ~1e-15 of the Earth's radius). The compiled
# candidate pass treats anything within this much larger tolerance as undecided and hands
# it back, to be decided with haversine_km and the reference scorers themselves.
CHORD_TOL_ABS_KM = 1e-9
CHORD_TOL_REL = 1e-12
#: Ordinal standing for "no end date" (open-ended commitment): later than any real date.
NO_DATE = 2**31 - 1
STRENGTH_NONE, STRENGTH_PREFERRED, STRENGTH_REQUIRED = (STRENGTHS.index(s) for s in STRENGTHS)
UNDISCLOSED_ETHNICITY = ETHNICITIES.index("undisclosed")
#: Gender-code meaning "any gender" (a wish or requirement that any gender meets).
GENDER_ANY = -1
#: Wished mentor gender "same" for a mentee of undisclosed gender: a target no one meets.
GENDER_NONE = -2

_GOAL_BIT = {g: np.uint8(1 << k) for k, g in enumerate(GOALS)}
_MODE_BIT = {m: np.uint8(1 << k) for k, m in enumerate(CONTACT_MODES)}
_SLOT_BIT = {s: 1 << k for k, s in enumerate(AVAILABILITY_SLOTS)}
_GENDER = {g: k for k, g in enumerate(GENDERS)}
_ETHNICITY = {e: k for k, e in enumerate(ETHNICITIES)}


def frequency_level(frequency: str) -> int:
    """Ordinal of a contact frequency: monthly 0 < fortnightly 1 < weekly 2."""
    return len(CONTACT_FREQUENCIES) - 1 - CONTACT_FREQUENCIES.index(frequency)


class TokenTable:
    """A process-wide, append-only table of tokens to small integer ids.

    Ids only need to agree between arrays built in the same process (they are compared,
    never written out), so one shared table per kind keeps separately built
    :class:`MenteeArrays` and :class:`MentorArrays` consistent without a join step.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._lock = threading.Lock()

    def id(self, token: str) -> int:
        """Return the id of ``token``, adding it when new."""
        found = self._ids.get(token)
        if found is not None:
            return found
        with self._lock:
            return self._ids.setdefault(token, len(self._ids))

    def __len__(self) -> int:
        return len(self._ids)


LANGUAGES = TokenTable()
PRISONS = TokenTable()
FAITHS = TokenTable()
REGIONS = TokenTable()


def _words(n_tokens: int) -> int:
    return max(1, -(-n_tokens // 64))


def _set_bits(mask: npt.NDArray[np.uint64], row: int, ids: Sequence[int]) -> None:
    for t in ids:
        mask[row, t >> 6] |= np.uint64(1 << (t & 63))


def popcount(values: npt.NDArray[np.unsignedinteger]) -> npt.NDArray[np.uint8]:
    """Number of set bits of each element (unsigned integers up to 32 bits)."""
    if hasattr(np, "bitwise_count"):  # numpy >= 2
        return np.bitwise_count(values).astype(np.uint8, copy=False)
    v = values.astype(np.uint32)
    table = np.array([bin(k).count("1") for k in range(256)], dtype=np.uint8)
    out = table[v & 0xFF]
    for shift in (8, 16, 24):
        out += table[(v >> shift) & 0xFF]
    return out


def has_bit(
    masks: npt.NDArray[np.uint64], rows: npt.NDArray[np.integer], bits: npt.NDArray[np.integer]
) -> npt.NDArray[np.bool_]:
    """Whether bit ``bits[k]`` is set in ``masks[rows[k]]``; negative bits are never set.

    Parameters
    ----------
    masks : ndarray of uint64, shape (n, words)
        Multi-word bitmasks.
    rows, bits : ndarray of int
        Row and bit number of each test, same length.
    """
    bits = np.asarray(bits)
    ok = (bits >= 0) & (bits < masks.shape[1] * 64)
    b = np.where(ok, bits, 0)
    word = masks[rows, b >> 6]
    return ok & (((word >> (b & 63).astype(np.uint64)) & np.uint64(1)) != 0)


def overlap(
    a: npt.NDArray[np.uint64],
    ia: npt.NDArray[np.integer],
    b: npt.NDArray[np.uint64],
    ib: npt.NDArray[np.integer],
) -> npt.NDArray[np.bool_]:
    """Whether masks ``a[ia[k]]`` and ``b[ib[k]]`` share a bit (widths may differ)."""
    words = min(a.shape[1], b.shape[1])
    out = np.zeros(len(ia), dtype=bool)
    for w in range(words):
        out |= (a[ia, w] & b[ib, w]) != 0
    return out


def unit_vectors(
    lat_rad: npt.NDArray[np.float64], lon_rad: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Points on the unit sphere, shape (n, 3), for chord-distance spatial indexing."""
    cos_lat = np.cos(lat_rad)
    return np.column_stack((cos_lat * np.cos(lon_rad), cos_lat * np.sin(lon_rad), np.sin(lat_rad)))


def haversine_km(
    lat1: npt.NDArray[np.float64],
    lon1: npt.NDArray[np.float64],
    cos_lat1: npt.NDArray[np.float64],
    lat2: npt.NDArray[np.float64],
    lon2: npt.NDArray[np.float64],
    cos_lat2: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Great-circle (haversine) distance in km between points given in radians.

    The cosines of the latitudes are passed in, precomputed per record, because this
    runs once per candidate pair. Every distance in the package goes through this one
    function, so batch candidates, one-mentee explanations and shortlists agree exactly.
    """
    s_lat = np.subtract(lat2, lat1)
    if s_lat.ndim == 0:  # scalars: the same formula, out of place
        s_lat = np.sin(s_lat * 0.5)
        s_lon = np.sin((lon2 - lon1) * 0.5)
        a = s_lat * s_lat + cos_lat1 * cos_lat2 * (s_lon * s_lon)
        return (2.0 * EARTH_RADIUS_KM) * np.arcsin(np.sqrt(np.minimum(a, 1.0)))  # type: ignore[no-any-return]
    # The same operations in the same order, in place (this runs once per candidate pair):
    # sin²(Δφ/2) + (cos φ₁ cos φ₂) · sin²(Δλ/2), then 2R · asin(√min(a, 1)).
    s_lat *= 0.5
    np.sin(s_lat, out=s_lat)
    s_lat *= s_lat
    s_lon = np.subtract(lon2, lon1)
    s_lon *= 0.5
    np.sin(s_lon, out=s_lon)
    s_lon *= s_lon
    c = np.multiply(cos_lat1, cos_lat2)
    c *= s_lon
    del s_lon
    s_lat += c
    del c
    np.minimum(s_lat, 1.0, out=s_lat)
    np.sqrt(s_lat, out=s_lat)
    np.arcsin(s_lat, out=s_lat)
    s_lat *= 2.0 * EARTH_RADIUS_KM
    return s_lat


def add_months(start: date, months: int) -> date:
    """``start`` plus whole calendar months, the day clipped to the month's length."""
    m = start.month - 1 + months
    year, month = start.year + m // 12, m % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


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


_T = TypeVar("_T", "MenteeArrays", "MentorArrays")


def _take_rows(arrays: _T, rows: npt.NDArray[np.integer]) -> _T:
    """The records at positions ``rows`` (every per-record field, in that order)."""
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(arrays):
        value = getattr(arrays, f.name)
        if isinstance(value, np.ndarray):
            fields[f.name] = value[rows]
        elif isinstance(value, tuple):
            fields[f.name] = tuple(value[k] for k in rows.tolist())
    return dataclasses.replace(arrays, **fields)


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
        return _take_rows(self, np.asarray(rows, dtype=np.int64))

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
            gender[k] = _GENDER[e.gender]
            ethnicity[k] = _ETHNICITY[e.ethnicity]
            if e.mentor_gender == "any":
                target[k] = GENDER_ANY
            elif e.mentor_gender == "same":
                target[k] = GENDER_NONE if e.gender == "undisclosed" else _GENDER[e.gender]
            else:
                target[k] = _GENDER[e.mentor_gender]
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
            goals[k] = sum(int(_GOAL_BIT[g]) for g in e.goals)
            modes[k] = sum(int(_MODE_BIT[m]) for m in e.contact_modes)
            slots[k] = sum(_SLOT_BIT[s] for s in e.availability)
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
        languages = np.zeros((n, _words(len(LANGUAGES))), dtype=np.uint64)
        for k, ids in enumerate(lang_ids):
            _set_bits(languages, k, ids)
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
        return _take_rows(self, np.asarray(rows, dtype=np.int64))

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
            gender[k] = _GENDER[m.gender]
            ethnicity[k] = _ETHNICITY[m.ethnicity]
            mg[k] = GENDER_ANY if m.mentee_gender == "any" else _GENDER[m.mentee_gender]
            freq[k] = frequency_level(m.contact_frequency)
            max_risk[k] = risk_level(m.max_risk)
            if m.faith is not None:
                faith[k] = FAITHS.id(m.faith)
            if m.region is not None:
                region[k] = REGIONS.id(m.region)
            lived[k] = m.lived_experience
            spec[k] = sum(int(_GOAL_BIT[g]) for g in m.specialisms)
            modes[k] = sum(int(_MODE_BIT[x]) for x in m.contact_modes)
            slots[k] = sum(_SLOT_BIT[s] for s in m.availability)
            lat[k], lon[k], reach[k] = m.lat, m.lon, m.max_travel_km
            capacity[k], max_hours[k] = m.capacity, m.max_hours
            if m.available_until is not None:
                until[k] = m.available_until.toordinal()
            lang_ids.append([LANGUAGES.id(t) for t in m.languages])
            prison_ids.append([PRISONS.id(p) for p in m.prisons])
        languages = np.zeros((n, _words(len(LANGUAGES))), dtype=np.uint64)
        prisons = np.zeros((n, _words(len(PRISONS))), dtype=np.uint64)
        for k in range(n):
            _set_bits(languages, k, lang_ids[k])
            _set_bits(prisons, k, prison_ids[k])
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
