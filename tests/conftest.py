"""Shared fixtures: a small valid caseload written as CSV files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from matcher.io import write_records
from matcher.models import Existing, Mentee, Mentor, Prison, Supervisor
from tests.factories import make_mentee, make_mentor

# Tests never assert wall-clock time: no hypothesis deadlines, on any machine.
settings.register_profile("matcher", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("matcher")


@pytest.fixture
def caseload_dir(tmp_path: Path) -> Path:
    """A valid caseload of every file kind, as CSV."""
    mentees = [
        make_mentee("E001"),
        make_mentee(
            "E002",
            gender="female",
            custody="custody",
            prison="HMP1",
            release_date=date(2026, 3, 1),
            languages=("english", "welsh"),
        ),
        make_mentee("E003", goals=("accommodation", "finance")),
    ]
    mentors = [make_mentor("M001", supervisor="S1", prisons=("HMP1",)), make_mentor("M002")]
    write_records(tmp_path / "mentees.csv", mentees, Mentee)
    write_records(tmp_path / "mentors.csv", mentors, Mentor)
    write_records(tmp_path / "existing.csv", [Existing(mentee_id="X1", mentor_id="M002")], Existing)
    write_records(tmp_path / "supervisors.csv", [Supervisor(id="S1", capacity=5)], Supervisor)
    write_records(
        tmp_path / "prisons.csv", [Prison(code="HMP1", name="Example", lat=51.0, lon=-1.0)], Prison
    )
    return tmp_path
