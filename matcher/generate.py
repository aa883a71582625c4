"""Synthetic caseloads in the data contract (SPEC §3), calibrated to published statistics.

:func:`generate` writes ``mentees.csv``, ``mentors.csv``, ``prisons.csv``, ``existing.csv``
and ``supervisors.csv`` into a directory; :func:`generate_csv` returns the same files as
text. Every column is built with vectorised numpy, so 200,000 mentees take a few seconds,
and the same ``(n_mentees, n_mentors, seed, as_of)`` always gives byte-identical files (on
one numpy version: numpy does not promise identical random streams across versions).

Every calibration figure, its source and every modelling assumption is listed in
``docs/synthetic.md``; the constants below carry the same numbers. No real person is in
the output: ids are sequential pseudonyms and every attribute is drawn at random.

``write_demo()`` rebuilds the demo caseload bundled with the package.
"""

from __future__ import annotations

import math
import os
import secrets
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher import geo_data
from matcher.errors import ParameterError
from matcher.vocab import (
    AVAILABILITY_SLOTS,
    CONTACT_FREQUENCIES,
    CONTACT_MODES,
    CUSTODY,
    DAYS,
    ETHNICITIES,
    GENDERS,
    GOALS,
    MENTEE_GENDER_REQUIREMENTS,
    MENTOR_GENDER_WISHES,
    PERIODS,
    RISKS,
    STRENGTHS,
)

__all__ = [
    "DEFAULT_AS_OF",
    "DEMO_AS_OF",
    "DEMO_MENTEES",
    "DEMO_MENTORS",
    "DEMO_SEED",
    "FILES",
    "HEADERS",
    "MAX_ROWS",
    "generate",
    "generate_csv",
    "write_demo",
]

#: The reference date of a generated caseload when none is given.
DEFAULT_AS_OF = date(2026, 1, 5)
#: The bundled demo caseload (``matcher/data/demo``) is ``generate(300, 80, 20260105)``.
DEMO_MENTEES, DEMO_MENTORS, DEMO_SEED, DEMO_AS_OF = 300, 80, 20260105, DEFAULT_AS_OF
#: Largest number of mentees or mentors one call generates.
MAX_ROWS = 10_000_000

#: Column order of every file written (the loaders parse exactly these headers).
HEADERS: dict[str, tuple[str, ...]] = {
    "mentees": (
        "id", "gender", "age", "ethnicity", "faith", "languages", "goals", "mentor_gender",
        "mentor_gender_strength", "ethnicity_match", "faith_match", "lived_experience",
        "contact_frequency", "contact_modes", "availability", "custody", "prison",
        "release_date", "lat", "lon", "risk", "support_hours", "exclude_mentors", "priority",
        "region",
    ),
    "mentors": (
        "id", "gender", "age", "ethnicity", "faith", "languages", "lived_experience",
        "specialisms", "contact_frequency", "contact_modes", "availability", "lat", "lon",
        "max_travel_km", "prisons", "max_risk", "mentee_gender", "capacity", "max_hours",
        "available_until", "supervisor", "region",
    ),
    "prisons": ("code", "name", "lat", "lon"),
    "existing": ("mentee_id", "mentor_id", "hours"),
    "supervisors": ("id", "capacity"),
}  # fmt: skip
#: File name of each kind.
FILES: dict[str, str] = {kind: f"{kind}.csv" for kind in HEADERS}

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[Any]  # object arrays of str

# ---------------------------------------------------------------------------------------
# Calibration (see docs/synthetic.md for sources). Keys must be vocabulary tokens.
# ---------------------------------------------------------------------------------------

# Sex of people in custody: ~96% male, ~4% female (MoJ Offender Management Statistics
# Quarterly; HMPPS Offender Equalities Report). A small non_binary/undisclosed share is an
# assumption so that those code paths are exercised.
MENTEE_GENDER_P = {"male": 0.956, "female": 0.040, "non_binary": 0.002, "undisclosed": 0.002}
# Prison population by ethnicity, 31 March 2024 (n = 87,869); "not recorded" -> undisclosed.
MENTEE_ETHNICITY_P = {
    "white": 0.718, "black": 0.121, "asian": 0.080, "mixed": 0.048, "other": 0.020,
    "undisclosed": 0.012,
}  # fmt: skip
# Prison population by age band, March 2024: 15-20 3.8% (drawn as 18-20: adults only),
# 21-29 24.3%, 30-39 33.4%, 40+ 38.5% (split inside 40+ is an assumption).
MENTEE_AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (18, 20, 0.038),
    (21, 29, 0.243),
    (30, 39, 0.334),
    (40, 49, 0.385 * 0.50),
    (50, 59, 0.385 * 0.32),
    (60, 69, 0.385 * 0.13),
    (70, 85, 0.385 * 0.05),
)
# Prison population by religion, March 2024: Christian 44.5%, no religion 30.9%, Muslim
# 18.1%, other 6.5% (split of "other" among faiths is an assumption).
FAITHS: tuple[str, ...] = (
    "christian", "none", "muslim", "buddhist", "sikh", "jewish", "hindu", "other",
)  # fmt: skip
MENTEE_FAITH_P = {
    "christian": 0.445, "none": 0.309, "muslim": 0.181, "buddhist": 0.017, "sikh": 0.010,
    "jewish": 0.006, "hindu": 0.005, "other": 0.027,
}  # fmt: skip
MENTEE_FAITH_MISSING = 0.03
MENTEE_AGE_MISSING = 0.02

# Volunteer mentors (assumptions, stated in docs): ethnicity and religion as the population
# of England and Wales (ONS Census 2021), more women than men, a wide age range.
MENTOR_GENDER_P = {"female": 0.60, "male": 0.38, "non_binary": 0.01, "undisclosed": 0.01}
MENTOR_ETHNICITY_P = {
    "white": 0.817 * 0.98, "asian": 0.093 * 0.98, "black": 0.040 * 0.98,
    "mixed": 0.029 * 0.98, "other": 0.021 * 0.98, "undisclosed": 0.02,
}  # fmt: skip
MENTOR_FAITH_P = {
    "christian": 0.462, "none": 0.372, "muslim": 0.065, "hindu": 0.017, "sikh": 0.009,
    "buddhist": 0.005, "jewish": 0.005, "other": 0.006,
}  # fmt: skip
MENTOR_FAITH_MISSING = 0.06  # Census 2021: 6.0% did not answer the religion question
MENTOR_AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (18, 24, 0.12),
    (25, 34, 0.18),
    (35, 49, 0.25),
    (50, 64, 0.27),
    (65, 80, 0.18),
)
MENTOR_AGE_MISSING = 0.05
MENTOR_LIVED_EXPERIENCE = 0.30

# Qualitative association between ethnic group and faith (rows: ETHNICITIES order, columns:
# FAITHS order). Only its pattern matters: iterative proportional fitting rescales it to the
# published marginals above, so marginals are exact and the joint is plausible.
_ETH_FAITH_AFFINITY: dict[str, tuple[float, ...]] = {
    "asian": (0.15, 0.2, 5.0, 0.8, 12.0, 0.1, 12.0, 0.6),
    "black": (1.3, 0.5, 1.0, 0.2, 0.02, 0.1, 0.02, 0.8),
    "mixed": (1.0, 1.0, 0.8, 0.5, 0.1, 0.3, 0.1, 1.0),
    "white": (1.0, 1.0, 0.15, 0.6, 0.02, 1.0, 0.02, 1.0),
    "other": (0.6, 0.5, 3.0, 1.0, 0.5, 0.3, 0.5, 1.0),
    "undisclosed": (1.0,) * 8,
}

# Share of the caseload in custody (the rest are on probation in the community).
CUSTODY_SHARE = 0.40
# Custody: release in 21..548 days (about 3 weeks to 18 months), most often ~2 months ahead.
RELEASE_DAYS = (21, 60, 548)  # triangular (left, mode, right)
# Custody mentees held in a prison of their home region (else: near it, by distance).
IN_REGION_PRISON = 0.80
IN_REGION_SCALE_KM = 50.0  # within the region, nearer sites likelier
PRISON_DISTANCE_SCALE_KM = 100.0  # out of region: by distance

# RoSH levels: mostly low/medium, few very high; custody skews higher.
RISK_P_CUSTODY = {"low": 0.20, "medium": 0.50, "high": 0.25, "very_high": 0.05}
RISK_P_COMMUNITY = {"low": 0.35, "medium": 0.52, "high": 0.12, "very_high": 0.01}

# Languages other than English, by ethnic group: P(speaks one), then which one.
LANGUAGES: tuple[str, ...] = (
    "english", "welsh", "polish", "romanian", "urdu", "punjabi", "bengali", "arabic", "somali",
)  # fmt: skip
_OTHER_LANGUAGE: dict[str, tuple[float, dict[str, float]]] = {
    "white": (0.05, {"polish": 0.55, "romanian": 0.45}),
    "black": (0.05, {"somali": 0.6, "arabic": 0.4}),
    "asian": (0.35, {"urdu": 0.45, "punjabi": 0.35, "bengali": 0.20}),
    "mixed": (0.03, {"arabic": 0.5, "somali": 0.5}),
    "other": (0.30, {"arabic": 0.7, "romanian": 0.15, "polish": 0.15}),
    "undisclosed": (0.03, {"polish": 0.5, "romanian": 0.5}),
}
WELSH_SPEAKERS_IN_WALES = 0.12
# Mentee with another language: English first / other language first / other language only.
LANGUAGE_ORDER_P = (0.55, 0.35, 0.10)
WELSH_ORDER_P = (0.70, 0.30, 0.0)

# Goals (resettlement pathways + social networks): number of goals, and relative weights.
GOAL_COUNT_P = (0.30, 0.35, 0.22, 0.13)  # 1, 2, 3, 4 goals
GOAL_WEIGHT = {
    "accommodation": 1.2, "employment": 1.4, "health": 0.8, "substance_use": 1.0,
    "finance": 0.9, "family": 0.8, "attitudes": 0.6, "social": 1.0,
}  # fmt: skip
SPECIALISM_COUNT_P = (0.20, 0.35, 0.30, 0.15)  # 1, 2, 3, 4 specialisms
SPECIALISM_WEIGHT = {
    "accommodation": 0.8, "employment": 1.2, "health": 0.7, "substance_use": 0.6,
    "finance": 0.8, "family": 1.0, "attitudes": 0.7, "social": 1.2,
}  # fmt: skip

# Mentee-led preferences: most have none; some prefer, a few require.
MENTOR_GENDER_WISH_P: dict[str, dict[str, float]] = {
    "male": {"any": 0.85, "same": 0.07, "female": 0.04, "male": 0.04},
    "female": {"any": 0.45, "same": 0.25, "female": 0.28, "male": 0.02},
    "non_binary": {"any": 0.85, "same": 0.05, "female": 0.07, "male": 0.03},
    "undisclosed": {"any": 0.90, "female": 0.07, "male": 0.03},
}
WISH_REQUIRED = 0.25  # share of stated gender wishes that are 'required' (rest 'preferred')
ETHNICITY_MATCH_P = {
    "white": {"none": 0.92, "preferred": 0.07, "required": 0.01},
    "minority": {"none": 0.78, "preferred": 0.17, "required": 0.05},
}
FAITH_MATCH_P = {"none": 0.85, "preferred": 0.12, "required": 0.03}  # faith holders only
LIVED_EXPERIENCE_P = {"none": 0.65, "preferred": 0.30, "required": 0.05}

MENTEE_FREQUENCY_P = {"weekly": 0.50, "fortnightly": 0.35, "monthly": 0.15}
MENTOR_FREQUENCY_P = {"weekly": 0.45, "fortnightly": 0.40, "monthly": 0.15}
MODE_P_CUSTODY = {"in_person": 1.0, "phone": 0.25, "video": 0.15}
MODE_P_COMMUNITY = {"in_person": 0.85, "phone": 0.60, "video": 0.35}
MODE_P_MENTOR = {"in_person": 0.92, "phone": 0.75, "video": 0.55}

SUPPORT_HOURS_SHARE, SUPPORT_HOURS_VALUES = 0.05, (0.5, 1.0, 1.5, 2.0, 3.0)
PRIORITY_SHARE, PRIORITY_VALUES = 0.03, (0.5, 2.0, 3.0)
EXCLUDE_SHARE = 0.01

MAX_TRAVEL_KM = {10: 0.10, 15: 0.15, 20: 0.20, 25: 0.15, 30: 0.15, 40: 0.10, 50: 0.10, 60: 0.05}
PRISON_CLEARED_SHARE = 0.50
PRISON_CLEARANCE_KM = 60.0
PRISON_CLEARANCE_COUNT_P = (0.5, 0.3, 0.2)  # cleared for the 1, 2 or 3 nearest sites
MAX_RISK_P = {"low": 0.20, "medium": 0.50, "high": 0.25, "very_high": 0.05}
MENTEE_GENDER_REQ_P: dict[str, dict[str, float]] = {
    "female": {"any": 0.95, "female": 0.05},
    "male": {"any": 0.95, "male": 0.05},
    "non_binary": {"any": 1.0},
    "undisclosed": {"any": 1.0},
}
CAPACITY_P = (0.10, 0.30, 0.35, 0.25)  # capacity 1, 2, 3, 4 (mean 2.75)
HOURS_PER_SEAT = {1.0: 0.20, 1.5: 0.35, 2.0: 0.30, 2.5: 0.15}
AVAILABLE_UNTIL_SHARE, AVAILABLE_UNTIL_DAYS = 0.75, (90, 730)
SUPERVISED_SHARE, MENTORS_PER_SUPERVISOR = 0.90, 12
SUPERVISOR_HEADROOM = (0.65, 0.95)  # supervisor capacity / seats of their mentors
EXISTING_SHARE, EXISTING_SECOND = 0.25, 0.35  # mentors with 1 (or 2) running relationships
EXISTING_HOURS_VALUES, EXISTING_HOURS_MISSING = (0.5, 1.0, 1.5, 2.0), 0.20
EXISTING_DEFAULT_HOURS = 1.0  # config [support_hours] existing: what an empty cell counts as

# Weekly availability patterns: relative weight of each slot (DAYS x PERIODS).
_WEEKDAY = np.array([d not in ("sat", "sun") for d in DAYS for _ in PERIODS])
_PERIOD = np.array([p for _ in DAYS for p in PERIODS])


def _pattern(weekday: Sequence[float], weekend: Sequence[float]) -> FloatArray:
    per = {True: dict(zip(PERIODS, weekday, strict=True)),
           False: dict(zip(PERIODS, weekend, strict=True))}  # fmt: skip
    return np.array([per[bool(w)][p] for w, p in zip(_WEEKDAY, _PERIOD, strict=True)])


SLOT_PATTERNS: dict[str, FloatArray] = {
    # in prison: visits and sessions in the core day
    "custody": _pattern((1.0, 1.0, 0.05), (0.5, 0.5, 0.02)),
    # working or studying: evenings and weekends
    "evenings": _pattern((0.15, 0.15, 1.0), (0.8, 0.9, 0.5)),
    # free in the day (unemployed, retired, shift patterns)
    "daytime": _pattern((1.0, 1.0, 0.3), (0.4, 0.4, 0.2)),
}
assert len(SLOT_PATTERNS["custody"]) == len(AVAILABILITY_SLOTS)

# ---------------------------------------------------------------------------------------
# Vectorised helpers
# ---------------------------------------------------------------------------------------


def _probs(table: Mapping[Any, float], vocab: Sequence[Any]) -> FloatArray:
    """Probabilities in ``vocab`` order (missing keys are 0), normalised to sum to 1."""
    unknown = set(table) - set(vocab)
    assert not unknown, f"not in the vocabulary: {sorted(map(str, unknown))}"
    p = np.array([float(table.get(v, 0.0)) for v in vocab])
    return p / p.sum()


def _draw(rng: np.random.Generator, n: int, p: FloatArray) -> IntArray:
    """``n`` draws of a categorical variable with probabilities ``p`` (inverse CDF)."""
    cdf = np.cumsum(p)
    idx = np.searchsorted(cdf / cdf[-1], rng.random(n), side="right")
    return np.minimum(idx, len(p) - 1).astype(np.int64)


def _draw_by(rng: np.random.Generator, group: IntArray, p_by_group: FloatArray) -> IntArray:
    """One draw per row from the distribution of its group (rows of ``p_by_group``)."""
    u = rng.random(len(group))
    out = np.zeros(len(group), dtype=np.int64)
    cdf = np.cumsum(p_by_group, axis=1)
    cdf /= cdf[:, -1:]
    for g in np.unique(group):
        sel = group == g
        out[sel] = np.searchsorted(cdf[g], u[sel], side="right")
    return np.minimum(out, p_by_group.shape[1] - 1)


def _subset(rng: np.random.Generator, weights: FloatArray, count: IntArray) -> BoolArray:
    """Weighted sample without replacement of ``count[i]`` items per row, as a mask.

    ``weights`` is ``(k,)`` or ``(n, k)``; exponential races: item j's key is
    Exp(1) / w_j and the ``count`` smallest keys win.
    """
    n = len(count)
    w = np.broadcast_to(np.asarray(weights, dtype=float), (n, weights.shape[-1]))
    e = rng.standard_exponential((n, w.shape[1]))
    with np.errstate(divide="ignore"):
        keys = np.where(w > 0, e / np.where(w > 0, w, 1.0), np.inf)
    if n == 0:
        return np.zeros(keys.shape, dtype=bool)
    count = np.clip(count, 1, np.isfinite(keys).sum(axis=1))
    kth = np.take_along_axis(np.sort(keys, axis=1), (count - 1)[:, None], axis=1)
    return keys <= kth


def _join_mask(mask: BoolArray, tokens: Sequence[str]) -> StrArray:
    """``;``-joined tokens of each row's True columns, via lookup tables of 11-bit chunks."""
    n, k = mask.shape
    out = np.full(n, "", dtype=object)
    for start in range(0, k, 11):
        chunk = tokens[start : start + 11]
        bits = mask[:, start : start + len(chunk)].astype(np.int64)
        code = bits @ (1 << np.arange(len(chunk), dtype=np.int64))
        table = np.array(
            [
                ";".join(t for j, t in enumerate(chunk) if c >> j & 1)
                for c in range(1 << len(chunk))
            ],
            dtype=object,
        )
        out = _join_cols([out, table[code]])
    return out


def _join_cols(parts: Sequence[StrArray]) -> StrArray:
    """Row-wise ``;``-join of string columns, skipping empty cells."""
    out = np.asarray(parts[0], dtype=object)
    for part in parts[1:]:
        part = np.asarray(part, dtype=object)
        sep = np.where((out != "") & (part != ""), ";", "").astype(object)
        out = out + sep + part
    return out


def _lookup(tokens: Sequence[str], idx: IntArray) -> StrArray:
    return np.asarray(tokens, dtype=object)[idx]


def _fmt_coord(x: FloatArray) -> StrArray:
    """Coordinates with 5 decimals; ``+ 0.0`` turns -0.0 into 0.0 (never "-0.00000")."""
    return np.array([f"{v:.5f}" for v in (np.round(x, 5) + 0.0).tolist()], dtype=object)


def _fmt_num(x: FloatArray) -> StrArray:
    """Minimal text of non-negative numbers on a 0.5 grid: ``1.5``, ``20``."""
    halves = np.rint(np.asarray(x, dtype=float) * 2).astype(np.int64)
    table = np.array(
        [str(h // 2) + (".5" if h % 2 else "") for h in range(int(halves.max(initial=0)) + 1)],
        dtype=object,
    )
    return table[halves]


def _fmt_int(x: IntArray) -> StrArray:
    return np.array(list(map(str, np.asarray(x, dtype=np.int64).tolist())), dtype=object)


def _fmt_dates(as_of: date, days: IntArray) -> StrArray:
    d = np.datetime64(as_of.isoformat(), "D") + np.asarray(days, dtype="timedelta64[D]")
    return d.astype(str).astype(object)


def _ids(prefix: str, n: int, width: int) -> StrArray:
    """``prefix`` + zero-padded 1-based sequence numbers (width grows with ``n``)."""
    width = max(width, len(str(n)))
    return np.array([prefix + str(i).zfill(width) for i in range(1, n + 1)], dtype=object)


def _blank(values: StrArray, keep: BoolArray) -> StrArray:
    return np.where(keep, values, "").astype(object)


def _ipf(affinity: FloatArray, rows: FloatArray, cols: FloatArray, iters: int = 200) -> FloatArray:
    """Rescale a positive matrix to the given row and column sums (a joint distribution)."""
    t = affinity.astype(float).copy()
    for _ in range(iters):
        t *= (rows / t.sum(axis=1))[:, None]
        t *= (cols / t.sum(axis=0))[None, :]
    return t / t.sum()


def _ethnicity_faith(
    rng: np.random.Generator, n: int, eth_p: FloatArray, faith_p: FloatArray
) -> tuple[IntArray, IntArray]:
    affinity = np.array([_ETH_FAITH_AFFINITY[e] for e in ETHNICITIES])
    joint = _ipf(affinity, eth_p, faith_p).ravel()
    cell = _draw(rng, n, joint)
    return cell // len(FAITHS), cell % len(FAITHS)


def _ages(rng: np.random.Generator, n: int, bands: Sequence[tuple[int, int, float]]) -> IntArray:
    band = _draw(rng, n, np.array([b[2] for b in bands]))
    lo = np.array([b[0] for b in bands])[band]
    hi = np.array([b[1] for b in bands])[band]
    return lo + np.floor(rng.random(n) * (hi - lo + 1)).astype(np.int64)


def _km(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray) -> FloatArray:
    """Equirectangular distance in km (accurate to well under 1% at these scales)."""
    mid = np.radians((lat1 + lat2) / 2)
    dx = (lon1 - lon2) * np.cos(mid) * 111.32
    dy = (lat1 - lat2) * 110.57
    return np.hypot(dx, dy)


# ---------------------------------------------------------------------------------------
# Geography
# ---------------------------------------------------------------------------------------

_REGION_IDX = {r: i for i, r in enumerate(geo_data.REGIONS)}
_T_REGION = np.array([_REGION_IDX[t.region] for t in geo_data.TOWNS])
_T_LAT = np.array([t.lat for t in geo_data.TOWNS])
_T_LON = np.array([t.lon for t in geo_data.TOWNS])
_T_POP = np.array([t.pop_k for t in geo_data.TOWNS])
_P_CODE = tuple(p.code for p in geo_data.PRISONS)
_P_REGION = np.array([_REGION_IDX[p.region] for p in geo_data.PRISONS])
_P_LAT = np.array([p.lat for p in geo_data.PRISONS])
_P_LON = np.array([p.lon for p in geo_data.PRISONS])
_P_FEMALE = np.array([p.estate == "female" for p in geo_data.PRISONS])
_P_WEIGHT = np.array([geo_data.PRISON_KIND_WEIGHT[p.kind] for p in geo_data.PRISONS])
_REGION_P = _probs(geo_data.REGION_WEIGHT, geo_data.REGIONS)


def _town_p(pop_power: float) -> FloatArray:
    """P(town): region share x the town's share of its region's (weighted) population."""
    w = _T_POP**pop_power
    region_total = np.bincount(_T_REGION, weights=w, minlength=len(geo_data.REGIONS))
    return _REGION_P[_T_REGION] * w / region_total[_T_REGION]


def _place(
    rng: np.random.Generator, n: int, pop_power: float, spread: float
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Home town, lat and lon of ``n`` people living around towns."""
    town = _draw(rng, n, _town_p(pop_power))
    sd_km = np.clip(1.5 + 0.25 * np.sqrt(_T_POP), 2.0, 8.0)[town] * spread
    dy, dx = rng.standard_normal((2, n)) * sd_km
    lat = _T_LAT[town] + dy / 110.57
    lon = _T_LON[town] + dx / (111.32 * np.cos(np.radians(_T_LAT[town])))
    return town, lat, lon


def _prison_p(female_estate: bool) -> FloatArray:
    """P(prison | home town) for one estate, shape ``(towns, prisons)``.

    With probability :data:`IN_REGION_PRISON` a site of the home region, nearer sites
    likelier (weight ``exp(-km / IN_REGION_SCALE_KM)``); otherwise any site of the estate
    by distance (``exp(-km / PRISON_DISTANCE_SCALE_KM)``). A region with no site of the
    estate (the women's estate has none in four regions) uses the distance part alone.
    """
    base = _P_WEIGHT * (_P_FEMALE == female_estate)
    dist = _km(_T_LAT[:, None], _T_LON[:, None], _P_LAT[None, :], _P_LON[None, :])
    near = base[None, :] * np.exp(-dist / PRISON_DISTANCE_SCALE_KM)
    near /= near.sum(axis=1, keepdims=True)
    same = _P_REGION[None, :] == _T_REGION[:, None]
    inside = base[None, :] * same * np.exp(-dist / IN_REGION_SCALE_KM)
    total = inside.sum(axis=1, keepdims=True)
    has = total[:, 0] > 0
    out = near.copy()
    out[has] = IN_REGION_PRISON * inside[has] / total[has] + (1 - IN_REGION_PRISON) * near[has]
    return out


# ---------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------


def _languages(rng: np.random.Generator, eth: IntArray, region: IntArray, mentor: bool) -> StrArray:
    """The ``languages`` cell: English, and for some a second language (first or only).

    Rates by ethnic group (:data:`_OTHER_LANGUAGE`), Welsh for some people in Wales.
    Mentors always list English first.
    """
    n = len(eth)
    p_other = np.array([_OTHER_LANGUAGE[e][0] for e in ETHNICITIES])
    which = np.array([_probs(_OTHER_LANGUAGE[e][1], LANGUAGES) for e in ETHNICITIES])
    if mentor:  # volunteers: all speak English; a few more speak a community language
        p_other = np.minimum(p_other * 1.3, 0.6)
    has = rng.random(n) < p_other[eth]
    lang = np.where(has, _draw_by(rng, eth, which), 0)
    welsh = (region == _REGION_IDX["wales"]) & (
        rng.random(n) < WELSH_SPEAKERS_IN_WALES * (1.5 if mentor else 1.0)
    )
    lang = np.where(welsh, LANGUAGES.index("welsh"), lang)
    order_p = np.array([LANGUAGE_ORDER_P, WELSH_ORDER_P])
    order = _draw_by(rng, welsh.astype(np.int64), order_p)
    if mentor:
        order[:] = 0
    table = np.array(
        [["english", f"english;{x}", f"{x};english", x] for x in LANGUAGES], dtype=object
    )
    table[0] = "english"
    return table[lang, np.where(lang == 0, 0, order + 1)]


def _strength_table(table: Mapping[str, float]) -> FloatArray:
    return _probs(table, STRENGTHS)


def _mentees(rng: np.random.Generator, n: int, as_of: date) -> tuple[dict[str, StrArray], IntArray]:
    """Every mentee column but ``exclude_mentors``, and each mentee's region index."""
    g_idx = _draw(rng, n, _probs(MENTEE_GENDER_P, GENDERS))
    age = _ages(rng, n, MENTEE_AGE_BANDS)
    age_given = rng.random(n) >= MENTEE_AGE_MISSING
    eth, faith = _ethnicity_faith(
        rng, n, _probs(MENTEE_ETHNICITY_P, ETHNICITIES), _probs(MENTEE_FAITH_P, FAITHS)
    )
    faith_given = rng.random(n) >= MENTEE_FAITH_MISSING
    town, lat, lon = _place(rng, n, pop_power=1.0, spread=1.0)
    region = _T_REGION[town]
    languages = _languages(rng, eth, region, mentor=False)
    goal_count = _draw(rng, n, np.array(GOAL_COUNT_P)) + 1
    goals = _subset(rng, _probs(GOAL_WEIGHT, GOALS), goal_count)

    # Preferences, as mentees state them.
    wish = _draw_by(
        rng, g_idx, np.array([_probs(MENTOR_GENDER_WISH_P[g], MENTOR_GENDER_WISHES)
                              for g in GENDERS])
    )  # fmt: skip
    wish_strength = np.where(wish == 0, 0, np.where(rng.random(n) < WISH_REQUIRED, 2, 1))
    white = eth == ETHNICITIES.index("white")
    eth_p = np.array([_strength_table(ETHNICITY_MATCH_P["white"]),
                      _strength_table(ETHNICITY_MATCH_P["minority"])])  # fmt: skip
    eth_match = _draw_by(rng, (~white).astype(np.int64), eth_p)
    eth_match[eth == ETHNICITIES.index("undisclosed")] = 0
    faith_match = _draw(rng, n, _strength_table(FAITH_MATCH_P))
    faith_match[~faith_given | (faith == FAITHS.index("none"))] = 0
    lived = _draw(rng, n, _strength_table(LIVED_EXPERIENCE_P))
    freq = _draw(rng, n, _probs(MENTEE_FREQUENCY_P, CONTACT_FREQUENCIES))

    custody = rng.random(n) < CUSTODY_SHARE
    mode_p = np.where(
        custody[:, None],
        _mode_p(MODE_P_CUSTODY)[None, :],
        _mode_p(MODE_P_COMMUNITY)[None, :],
    )
    modes = rng.random((n, len(CONTACT_MODES))) < mode_p
    modes[~modes.any(axis=1), CONTACT_MODES.index("in_person")] = True
    daytime = rng.random(n) < 0.5
    slot_w = np.where(
        custody[:, None],
        SLOT_PATTERNS["custody"],
        np.where(daytime[:, None], SLOT_PATTERNS["daytime"], SLOT_PATTERNS["evenings"]),
    )
    slots = _subset(rng, slot_w, rng.integers(3, 11, size=n))

    # Custody: a prison (women's estate for women) and a release date.
    female = g_idx == GENDERS.index("female")
    prison = np.full(n, -1, dtype=np.int64)
    for is_female in (False, True):
        sel = np.flatnonzero(custody & (female == is_female))
        prison[sel] = _draw_by(rng, town[sel], _prison_p(is_female))
    rel_days = np.floor(rng.triangular(*RELEASE_DAYS, size=n)).astype(np.int64)
    risk = np.where(
        custody,
        _draw(rng, n, _probs(RISK_P_CUSTODY, RISKS)),
        _draw(rng, n, _probs(RISK_P_COMMUNITY, RISKS)),
    )
    hours_given = rng.random(n) < SUPPORT_HOURS_SHARE
    hours = np.asarray(SUPPORT_HOURS_VALUES)[rng.integers(0, len(SUPPORT_HOURS_VALUES), n)]
    prio_given = rng.random(n) < PRIORITY_SHARE
    prio = np.asarray(PRIORITY_VALUES)[rng.integers(0, len(PRIORITY_VALUES), n)]

    cols: dict[str, StrArray] = {
        "id": _ids("E", n, 6),
        "gender": _lookup(GENDERS, g_idx),
        "age": _blank(_fmt_int(age), age_given),
        "ethnicity": _lookup(ETHNICITIES, eth),
        "faith": _blank(_lookup(FAITHS, faith), faith_given),
        "languages": languages,
        "goals": _join_mask(goals, GOALS),
        "mentor_gender": _lookup(MENTOR_GENDER_WISHES, wish),
        "mentor_gender_strength": _lookup(STRENGTHS, wish_strength),
        "ethnicity_match": _lookup(STRENGTHS, eth_match),
        "faith_match": _lookup(STRENGTHS, faith_match),
        "lived_experience": _lookup(STRENGTHS, lived),
        "contact_frequency": _lookup(CONTACT_FREQUENCIES, freq),
        "contact_modes": _join_mask(modes, CONTACT_MODES),
        "availability": _join_mask(slots, AVAILABILITY_SLOTS),
        "custody": _lookup(CUSTODY, np.where(custody, CUSTODY.index("custody"),
                                             CUSTODY.index("community"))),
        "prison": _blank(_lookup(_P_CODE, np.maximum(prison, 0)), custody),
        "release_date": _blank(_fmt_dates(as_of, rel_days), custody),
        "lat": _fmt_coord(lat),
        "lon": _fmt_coord(lon),
        "risk": _lookup(RISKS, risk),
        "support_hours": _blank(_fmt_num(hours), hours_given),
        "exclude_mentors": np.full(n, "", dtype=object),
        "priority": _blank(_fmt_num(prio), prio_given),
        "region": _lookup(geo_data.REGIONS, region),
    }  # fmt: skip
    return cols, region


def _mode_p(table: Mapping[str, float]) -> FloatArray:
    return np.array([table.get(m, 0.0) for m in CONTACT_MODES])


class _MentorFacts:
    """What the relationship files need to know about the mentors."""

    def __init__(self, region: IntArray, capacity: IntArray, max_hours: FloatArray) -> None:
        self.region = region
        self.capacity = capacity
        self.max_hours = max_hours


def _mentors(
    rng: np.random.Generator, m: int, as_of: date
) -> tuple[dict[str, StrArray], _MentorFacts]:
    """Every mentor column but ``supervisor``."""
    g_idx = _draw(rng, m, _probs(MENTOR_GENDER_P, GENDERS))
    age = _ages(rng, m, MENTOR_AGE_BANDS)
    age_given = rng.random(m) >= MENTOR_AGE_MISSING
    eth, faith = _ethnicity_faith(
        rng, m, _probs(MENTOR_ETHNICITY_P, ETHNICITIES), _probs(MENTOR_FAITH_P, FAITHS)
    )
    faith_given = rng.random(m) >= MENTOR_FAITH_MISSING
    # Mentors live nearer the big population centres than the caseload does.
    town, lat, lon = _place(rng, m, pop_power=1.2, spread=0.75)
    region = _T_REGION[town]
    languages = _languages(rng, eth, region, mentor=True)
    lived = rng.random(m) < MENTOR_LIVED_EXPERIENCE
    spec_w = np.tile(_probs(SPECIALISM_WEIGHT, GOALS), (m, 1))
    spec_w[lived, GOALS.index("substance_use")] *= 2.5  # peer mentors: recovery experience
    spec_count = _draw(rng, m, np.array(SPECIALISM_COUNT_P)) + 1
    specialisms = _subset(rng, spec_w, spec_count)
    freq = _draw(rng, m, _probs(MENTOR_FREQUENCY_P, CONTACT_FREQUENCIES))
    modes = rng.random((m, len(CONTACT_MODES))) < _mode_p(MODE_P_MENTOR)
    modes[~modes.any(axis=1), CONTACT_MODES.index("in_person")] = True
    travel_km = np.array(list(MAX_TRAVEL_KM), dtype=float)[
        _draw(rng, m, np.array(list(MAX_TRAVEL_KM.values())))
    ]

    # Prison clearance: some mentors are cleared to visit their 1-3 nearest sites.
    cleared = rng.random(m) < PRISON_CLEARED_SHARE
    n_clear = _draw(rng, m, np.array(PRISON_CLEARANCE_COUNT_P)) + 1
    # squared equirectangular km, with the cosine taken at the mentor's latitude
    dx = (lon[:, None] - _P_LON[None, :]) * (np.cos(np.radians(lat)) * 111.32)[:, None]
    dy = (lat[:, None] - _P_LAT[None, :]) * 110.57
    dist = dx * dx + dy * dy
    nearest = np.argpartition(dist, 2, axis=1)[:, :3] if m else np.zeros((0, 3), np.int64)
    near_d = np.take_along_axis(dist, nearest, axis=1)
    by_dist = np.argsort(near_d, axis=1, kind="stable")
    nearest = np.take_along_axis(nearest, by_dist, axis=1)
    near_d = np.take_along_axis(near_d, by_dist, axis=1)
    parts = []
    for j in range(3):
        keep = cleared & (n_clear > j) & (near_d[:, j] <= PRISON_CLEARANCE_KM**2)
        parts.append(_blank(_lookup(_P_CODE, nearest[:, j]), keep))
    prisons = _join_cols(parts) if m else np.full(0, "", dtype=object)

    # Prison visits happen in the day: cleared mentors are mostly free in the day.
    daytime = rng.random(m) < np.where(cleared, 0.75, 0.45)
    slot_w = np.where(daytime[:, None], SLOT_PATTERNS["daytime"], SLOT_PATTERNS["evenings"])
    slots = _subset(rng, slot_w, rng.integers(3, 11, size=m))

    max_risk = _draw(rng, m, _probs(MAX_RISK_P, RISKS))
    req = _draw_by(
        rng, g_idx, np.array([_probs(MENTEE_GENDER_REQ_P[g], MENTEE_GENDER_REQUIREMENTS)
                              for g in GENDERS])
    )  # fmt: skip
    capacity = _draw(rng, m, np.array(CAPACITY_P)) + 1
    per_seat = np.array(list(HOURS_PER_SEAT))[
        _draw(rng, m, np.array(list(HOURS_PER_SEAT.values())))
    ]
    max_hours = np.maximum(np.rint(capacity * per_seat * 2) / 2, 1.0)
    until_given = rng.random(m) < AVAILABLE_UNTIL_SHARE
    until_days = rng.integers(AVAILABLE_UNTIL_DAYS[0], AVAILABLE_UNTIL_DAYS[1] + 1, size=m)

    cols: dict[str, StrArray] = {
        "id": _ids("M", m, 5),
        "gender": _lookup(GENDERS, g_idx),
        "age": _blank(_fmt_int(age), age_given),
        "ethnicity": _lookup(ETHNICITIES, eth),
        "faith": _blank(_lookup(FAITHS, faith), faith_given),
        "languages": languages,
        "lived_experience": np.where(lived, "true", "false").astype(object),
        "specialisms": _join_mask(specialisms, GOALS),
        "contact_frequency": _lookup(CONTACT_FREQUENCIES, freq),
        "contact_modes": _join_mask(modes, CONTACT_MODES),
        "availability": _join_mask(slots, AVAILABILITY_SLOTS),
        "lat": _fmt_coord(lat),
        "lon": _fmt_coord(lon),
        "max_travel_km": _fmt_num(travel_km),
        "prisons": prisons,
        "max_risk": _lookup(RISKS, max_risk),
        "mentee_gender": _lookup(MENTEE_GENDER_REQUIREMENTS, req),
        "capacity": _fmt_int(capacity),
        "max_hours": _fmt_num(max_hours),
        "available_until": _blank(_fmt_dates(as_of, until_days), until_given),
        "supervisor": np.full(m, "", dtype=object),
        "region": _lookup(geo_data.REGIONS, region),
    }
    return cols, _MentorFacts(region, capacity, max_hours)


# ---------------------------------------------------------------------------------------
# Relationships: existing caseload, supervisors, exclusions
# ---------------------------------------------------------------------------------------


def _existing(
    rng: np.random.Generator, facts: _MentorFacts
) -> tuple[dict[str, StrArray], IntArray]:
    """Running relationships within each mentor's capacity and hours; count per mentor."""
    m = len(facts.capacity)
    k = (rng.random(m) < EXISTING_SHARE).astype(np.int64)
    k += k * (rng.random(m) < EXISTING_SECOND)
    missing = rng.random(m) < EXISTING_HOURS_MISSING
    hours = np.asarray(EXISTING_HOURS_VALUES)[rng.integers(0, len(EXISTING_HOURS_VALUES), m)]
    load = np.where(missing, EXISTING_DEFAULT_HOURS, hours)
    k = np.minimum(k, np.minimum(facts.capacity, np.floor(facts.max_hours / load).astype(np.int64)))
    mentor = np.repeat(np.arange(m), k)
    cols = {
        "mentee_id": _ids("X", len(mentor), 6),
        "mentor_id": _ids("M", m, 5)[mentor],
        "hours": _blank(_fmt_num(hours[mentor]), ~missing[mentor]),
    }
    return cols, k


def _supervisors(
    rng: np.random.Generator, facts: _MentorFacts, existing: IntArray
) -> tuple[dict[str, StrArray], StrArray]:
    """Supervisors by region (about one per 12 mentors) and each mentor's supervisor."""
    m = len(facts.capacity)
    supervised = rng.random(m) < SUPERVISED_SHARE
    sup = np.full(m, -1, dtype=np.int64)
    n_sup = 0
    for r in range(len(geo_data.REGIONS)):
        members = np.flatnonzero(supervised & (facts.region == r))
        if len(members) == 0:
            continue
        k = math.ceil(len(members) / MENTORS_PER_SUPERVISOR)
        sup[members] = n_sup + rng.permutation(np.arange(len(members)) % k)
        n_sup += k
    has = sup >= 0
    seats = np.bincount(sup[has], weights=facts.capacity[has], minlength=n_sup)
    running = np.bincount(sup[has], weights=existing[has], minlength=n_sup).astype(np.int64)
    headroom = rng.uniform(*SUPERVISOR_HEADROOM, size=n_sup)
    capacity = np.maximum(np.rint(seats * headroom).astype(np.int64), running + 1)
    ids = _ids("S", n_sup, 4)
    cols = {"id": ids, "capacity": _fmt_int(capacity)}
    return cols, _blank(ids[np.maximum(sup, 0)] if n_sup else np.full(m, "", object), has)


def _exclusions(rng: np.random.Generator, mentee_region: IntArray, facts: _MentorFacts) -> StrArray:
    """A few mentees name one mentor (of their region, when it has any) never to propose."""
    n, m = len(mentee_region), len(facts.region)
    out = np.full(n, "", dtype=object)
    if m == 0:
        return out
    who = np.flatnonzero(rng.random(n) < EXCLUDE_SHARE)
    mentor_ids = _ids("M", m, 5)
    pick = rng.integers(0, m, size=len(who))  # fallback: any mentor
    u = rng.random(len(who))
    order = np.argsort(facts.region, kind="stable")
    counts = np.bincount(facts.region, minlength=len(geo_data.REGIONS))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    r = mentee_region[who]
    local = counts[r] > 0
    local_pick = order[np.minimum(starts[r] + np.floor(u * counts[r]).astype(np.int64), m - 1)]
    out[who] = mentor_ids[np.where(local, local_pick, pick)]
    return out


# ---------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------


def _check_params(n_mentees: Any, n_mentors: Any, seed: Any, as_of: Any) -> None:
    for name, value in (("n_mentees", n_mentees), ("n_mentors", n_mentors)):
        if (
            isinstance(value, bool)
            or not isinstance(value, int | np.integer)
            or not 0 <= value <= MAX_ROWS
        ):
            raise ParameterError(
                f"The '{name}' parameter of generate must be an int >= 0 and <= {MAX_ROWS}, "
                f"got {value!r} instead"
            )
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(
            f"The 'seed' parameter of generate must be an int >= 0, got {seed!r} instead"
        )
    if isinstance(as_of, datetime) or not isinstance(as_of, date):
        raise ParameterError(
            f"The 'as_of' parameter of generate must be a datetime.date, got {as_of!r} instead"
        )


def _render(kind: str, cols: Mapping[str, StrArray]) -> str:
    header = HEADERS[kind]
    assert tuple(cols) == header, (kind, tuple(cols))
    columns = [np.asarray(cols[c], dtype=object).tolist() for c in header]
    lines = [",".join(header), *map(",".join, zip(*columns, strict=True))]
    return "\n".join(lines) + "\n"


def _prison_cols() -> dict[str, StrArray]:
    return {
        "code": np.asarray(_P_CODE, dtype=object),
        "name": np.asarray([p.name for p in geo_data.PRISONS], dtype=object),
        "lat": _fmt_coord(_P_LAT),
        "lon": _fmt_coord(_P_LON),
    }


def generate_csv(
    n_mentees: int, n_mentors: int, seed: int, *, as_of: date = DEFAULT_AS_OF
) -> dict[str, str]:
    """Generate a synthetic caseload in memory, as the text of each CSV file.

    Parameters
    ----------
    n_mentees, n_mentors : int
        Number of mentees and mentors, each between 0 and :data:`MAX_ROWS`.
    seed : int
        Seed of the random generator (>= 0). The same arguments give the same text.
    as_of : datetime.date, optional
        The round's reference date: release dates and mentor commitments lie after it.

    Returns
    -------
    dict of str to str
        ``{"mentees": ..., "mentors": ..., "prisons": ..., "existing": ...,
        "supervisors": ...}``: UTF-8-ready CSV text with ``\\n`` line endings.

    Raises
    ------
    ParameterError
        When an argument is out of range or of the wrong type.

    Notes
    -----
    Mentees, mentors and relationships draw from independent streams spawned from
    ``seed``, so the mentee file (but for ``exclude_mentors``) does not change with
    ``n_mentors`` and the mentor file does not change with ``n_mentees``.
    """
    _check_params(n_mentees, n_mentors, seed, as_of)
    mentee_ss, mentor_ss, link_ss = np.random.SeedSequence(int(seed)).spawn(3)
    mentees, mentee_region = _mentees(np.random.default_rng(mentee_ss), int(n_mentees), as_of)
    mentors, facts = _mentors(np.random.default_rng(mentor_ss), int(n_mentors), as_of)
    links = np.random.default_rng(link_ss)
    existing, running = _existing(links, facts)
    supervisors, mentor_sup = _supervisors(links, facts, running)
    mentors["supervisor"] = mentor_sup
    mentees["exclude_mentors"] = _exclusions(links, mentee_region, facts)
    tables = {
        "mentees": mentees,
        "mentors": mentors,
        "prisons": _prison_cols(),
        "existing": existing,
        "supervisors": supervisors,
    }
    return {kind: _render(kind, tables[kind]) for kind in HEADERS}


def generate(
    n_mentees: int,
    n_mentors: int,
    seed: int,
    out_dir: str | os.PathLike[str],
    *,
    as_of: date = DEFAULT_AS_OF,
) -> dict[str, Path]:
    """Write a synthetic caseload: mentees, mentors, prisons, existing, supervisors.

    Parameters
    ----------
    n_mentees : int
        Number of mentees (referrals), >= 0.
    n_mentors : int
        Number of volunteer mentors, >= 0. One mentor per 3-5 mentees gives a realistic,
        tight caseload.
    seed : int
        Seed of the random generator, >= 0. The same arguments give byte-identical files.
    out_dir : str or os.PathLike
        Directory to write into; created if missing. Existing files of the same names are
        replaced.
    as_of : datetime.date, optional
        The round's reference date (default 2026-01-05).

    Returns
    -------
    dict of str to pathlib.Path
        The path written for each kind: ``mentees``, ``mentors``, ``prisons``,
        ``existing``, ``supervisors``.

    Raises
    ------
    ParameterError
        When an argument is invalid, or ``out_dir`` exists and is not a directory.

    Notes
    -----
    Each file is written to a temporary file in ``out_dir`` and moved into place only
    once every file has been written, so a failure never leaves a half-written file.
    Calibration and assumptions: ``docs/synthetic.md``.

    Examples
    --------
    >>> paths = generate(300, 80, seed=1, out_dir="caseload")  # doctest: +SKIP
    >>> sorted(paths)  # doctest: +SKIP
    ['existing', 'mentees', 'mentors', 'prisons', 'supervisors']
    """
    if not isinstance(out_dir, str | os.PathLike):
        raise ParameterError(
            f"The 'out_dir' parameter of generate must be a path, got {out_dir!r} instead"
        )
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ParameterError(
            f"The 'out_dir' parameter of generate must be a directory, got {str(out)!r}, "
            "which is a file, instead"
        )
    texts = generate_csv(n_mentees, n_mentors, seed, as_of=as_of)
    out.mkdir(parents=True, exist_ok=True)
    tag = f"{os.getpid()}.{secrets.token_hex(4)}"
    temps: dict[str, Path] = {}
    try:
        for kind, text in texts.items():
            tmp = out / f".{FILES[kind]}.{tag}.tmp"
            temps[kind] = tmp
            with open(tmp, "xb") as fh:  # "x": never follows or reuses an existing file
                fh.write(text.encode("utf-8"))
        paths: dict[str, Path] = {}
        for kind, tmp in temps.items():
            paths[kind] = out / FILES[kind]
            os.replace(tmp, paths[kind])
        return paths
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)


def write_demo(out_dir: str | os.PathLike[str] | None = None) -> dict[str, Path]:
    """Rebuild the bundled demo caseload (``matcher/data/demo``, or ``out_dir``).

    The demo is ``generate(DEMO_MENTEES, DEMO_MENTORS, DEMO_SEED, as_of=DEMO_AS_OF)``.

    Returns
    -------
    dict of str to pathlib.Path
        The files written, by kind.
    """
    out = Path(__file__).parent / "data" / "demo" if out_dir is None else Path(out_dir)
    return generate(DEMO_MENTEES, DEMO_MENTORS, DEMO_SEED, out, as_of=DEMO_AS_OF)
