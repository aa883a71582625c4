"""Shared test factories: records with sensible defaults, and small geometry helpers.

Test modules import from here (and from ``tests.strategies``), never from each other.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from matcher.arrays import EARTH_RADIUS_KM
from matcher.models import Mentee, Mentor

__all__ = ["AS_OF", "KM_PER_DEG", "make_mentee", "make_mentor", "north"]

#: The run date most tests use.
AS_OF = date(2026, 1, 5)
KM_PER_DEG = math.pi * EARTH_RADIUS_KM / 180  # along a meridian


def north(km: float, lat: float = 51.5) -> float:
    """Latitude ``km`` north of ``lat`` on the same meridian."""
    return lat + km / KM_PER_DEG


def make_mentee(id: str = "E001", **kw: Any) -> Mentee:
    """A plain community mentee in London with no preferences; override any field."""
    base: dict[str, Any] = {
        "id": id,
        "gender": "male",
        "ethnicity": "white",
        "goals": ("employment",),
        "contact_frequency": "weekly",
        "contact_modes": ("in_person",),
        "availability": ("mon_am", "tue_pm", "wed_eve"),
        "custody": "community",
        "lat": 51.5,
        "lon": -0.12,
        "risk": "low",
    }
    base.update(kw)
    return Mentee(**base)


def make_mentor(id: str = "M001", **kw: Any) -> Mentor:
    """A plain London mentor with room for 2; override any field."""
    base: dict[str, Any] = {
        "id": id,
        "gender": "female",
        "ethnicity": "white",
        "specialisms": ("employment",),
        "contact_frequency": "weekly",
        "contact_modes": ("in_person", "phone"),
        "availability": ("mon_am", "tue_pm", "wed_eve"),
        "lat": 51.51,
        "lon": -0.13,
        "max_travel_km": 20.0,
        "max_risk": "high",
        "capacity": 2,
        "max_hours": 6.0,
    }
    base.update(kw)
    return Mentor(**base)
