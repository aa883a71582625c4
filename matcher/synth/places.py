"""Where synthetic people live and are held: draws over the towns and prisons of geography.

The tables of :mod:`matcher.synth.geography` as numpy arrays (in the tables' order), the
distance used throughout, and the draws of a home (a town and a scatter around it) and of
a prison given a home town.
"""

from __future__ import annotations

import numpy as np

from matcher.synth.calibration import (
    IN_REGION_PRISON,
    IN_REGION_SCALE_KM,
    PRISON_DISTANCE_SCALE_KM,
)
from matcher.synth.draws import FloatArray, IntArray, draw, probs
from matcher.synth.geography import PRISON_KIND_WEIGHT, PRISONS, REGION_WEIGHT, REGIONS, TOWNS

__all__ = [
    "PRISON_CODES",
    "PRISON_FEMALE",
    "PRISON_LAT",
    "PRISON_LON",
    "PRISON_REGION",
    "PRISON_WEIGHT",
    "REGION_INDEX",
    "REGION_P",
    "TOWN_LAT",
    "TOWN_LON",
    "TOWN_POP",
    "TOWN_REGION",
    "km",
    "nearest_prisons",
    "place",
    "prison_p",
    "town_p",
]

#: Index of each region token in :data:`~matcher.synth.geography.REGIONS`.
REGION_INDEX = {r: i for i, r in enumerate(REGIONS)}
TOWN_REGION = np.array([REGION_INDEX[t.region] for t in TOWNS])
TOWN_LAT = np.array([t.lat for t in TOWNS])
TOWN_LON = np.array([t.lon for t in TOWNS])
TOWN_POP = np.array([t.pop_k for t in TOWNS])
PRISON_CODES = tuple(p.code for p in PRISONS)
PRISON_REGION = np.array([REGION_INDEX[p.region] for p in PRISONS])
PRISON_LAT = np.array([p.lat for p in PRISONS])
PRISON_LON = np.array([p.lon for p in PRISONS])
PRISON_FEMALE = np.array([p.estate == "female" for p in PRISONS])
PRISON_WEIGHT = np.array([PRISON_KIND_WEIGHT[p.kind] for p in PRISONS])
#: Share of the caseload living in each region, in REGIONS order.
REGION_P = probs(REGION_WEIGHT, REGIONS)


def km(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray) -> FloatArray:
    """Equirectangular distance in km (accurate to well under 1% at these scales)."""
    mid = np.radians((lat1 + lat2) / 2)
    dx = (lon1 - lon2) * np.cos(mid) * 111.32
    dy = (lat1 - lat2) * 110.57
    return np.hypot(dx, dy)


def town_p(pop_power: float) -> FloatArray:
    """P(town): region share x the town's share of its region's (weighted) population."""
    w = TOWN_POP**pop_power
    region_total = np.bincount(TOWN_REGION, weights=w, minlength=len(REGIONS))
    return REGION_P[TOWN_REGION] * w / region_total[TOWN_REGION]


def place(
    rng: np.random.Generator, n: int, pop_power: float, spread: float
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Home town, lat and lon of ``n`` people living around towns."""
    town = draw(rng, n, town_p(pop_power))
    sd_km = np.clip(1.5 + 0.25 * np.sqrt(TOWN_POP), 2.0, 8.0)[town] * spread
    dy, dx = rng.standard_normal((2, n)) * sd_km
    lat = TOWN_LAT[town] + dy / 110.57
    lon = TOWN_LON[town] + dx / (111.32 * np.cos(np.radians(TOWN_LAT[town])))
    return town, lat, lon


def prison_p(female_estate: bool) -> FloatArray:
    """P(prison | home town) for one estate, shape ``(towns, prisons)``.

    With probability :data:`~matcher.synth.calibration.IN_REGION_PRISON` a site of the
    home region, nearer sites likelier (weight ``exp(-km / IN_REGION_SCALE_KM)``);
    otherwise any site of the estate by distance (``exp(-km / PRISON_DISTANCE_SCALE_KM)``).
    A region with no site of the estate (the women's estate has none in four regions) uses
    the distance part alone.
    """
    base = PRISON_WEIGHT * (PRISON_FEMALE == female_estate)
    dist = km(TOWN_LAT[:, None], TOWN_LON[:, None], PRISON_LAT[None, :], PRISON_LON[None, :])
    near = base[None, :] * np.exp(-dist / PRISON_DISTANCE_SCALE_KM)
    near /= near.sum(axis=1, keepdims=True)
    same = PRISON_REGION[None, :] == TOWN_REGION[:, None]
    inside = base[None, :] * same * np.exp(-dist / IN_REGION_SCALE_KM)
    total = inside.sum(axis=1, keepdims=True)
    has = total[:, 0] > 0
    out = near.copy()
    out[has] = IN_REGION_PRISON * inside[has] / total[has] + (1 - IN_REGION_PRISON) * near[has]
    return out


def nearest_prisons(lat: FloatArray, lon: FloatArray) -> tuple[IntArray, FloatArray]:
    """The 3 nearest prison sites of each point, nearest first, and their squared km.

    Squared equirectangular km with the cosine taken at the point's latitude (a point x
    prison matrix: the prison list is about a hundred sites).
    """
    m = len(lat)
    dx = (lon[:, None] - PRISON_LON[None, :]) * (np.cos(np.radians(lat)) * 111.32)[:, None]
    dy = (lat[:, None] - PRISON_LAT[None, :]) * 110.57
    dist = dx * dx + dy * dy
    nearest = np.argpartition(dist, 2, axis=1)[:, :3] if m else np.zeros((0, 3), np.int64)
    near_d = np.take_along_axis(dist, nearest, axis=1)
    by_dist = np.argsort(near_d, axis=1, kind="stable")
    nearest = np.take_along_axis(nearest, by_dist, axis=1)
    near_d = np.take_along_axis(near_d, by_dist, axis=1)
    return nearest, near_d
