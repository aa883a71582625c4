"""Geometry: great-circle distances and the unit vectors of the chord-distance search."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["CHORD_TOL_ABS_KM", "CHORD_TOL_REL", "EARTH_RADIUS_KM", "haversine_km", "unit_vectors"]

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088
# |chord distance − haversine_km| is below 2e-12 km on the generator's caseloads (rounding
# of unit vectors and of the two formulas, ~1e-15 of the Earth's radius). The compiled
# candidate pass treats anything within this much larger tolerance as undecided and hands
# it back, to be decided with haversine_km and the reference scorers themselves.
CHORD_TOL_ABS_KM = 1e-9
CHORD_TOL_REL = 1e-12


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
