"""Tests of the argument checks of matcher.assignment.solve: every bad argument is a
ParameterError naming the parameter, in the house wording."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from matcher.assignment import solve
from matcher.errors import ParameterError


def base_kwargs() -> dict[str, Any]:
    return dict(pair_mentee=np.array([0, 1]), pair_mentor=np.array([0, 0]),
                score=np.array([0.5, 0.5]), n_mentees=2, n_mentors=1,
                mentor_capacity=np.array([1]))  # fmt: skip


@pytest.mark.parametrize(
    ("change", "param"),
    [
        ({"score": np.array([0.5, np.nan])}, "score"),
        ({"score": np.array([0.5, -1.0])}, "score"),
        ({"score": np.array([0.5])}, "score"),
        ({"pair_mentee": np.array([0, 2])}, "pair_mentee"),
        ({"pair_mentor": np.array([0, -1])}, "pair_mentor"),
        ({"pair_mentor": np.array([0.5, 0.0])}, "pair_mentor"),
        ({"n_mentees": -1}, "n_mentees"),
        ({"mentor_capacity": np.array([-1])}, "mentor_capacity"),
        ({"mentor_capacity": np.array([1, 1])}, "mentor_capacity"),
        ({"priority": np.array([1.0, np.inf])}, "priority"),
        ({"load": np.array([1.0, -2.0])}, "load"),
        ({"mentor_hours": np.array([np.nan])}, "mentor_hours"),
        ({"mentor_group": np.array([0])}, "group_capacity"),
        ({"mentor_group": np.array([1]), "group_capacity": np.array([1])}, "mentor_group"),
        ({"objective": "coverage"}, "objective"),
        ({"spread_load": -0.1}, "spread_load"),
        ({"time_limit": 0}, "time_limit"),
        ({"workers": 0}, "workers"),
        ({"score_resolution": 0}, "score_resolution"),
        ({"score_resolution": 10**18}, "score_resolution"),
        ({"seat_offset": np.array([-1])}, "seat_offset"),
        ({"method": "simplex"}, "method"),
        (
            {
                "method": "flow",
                "load": np.array([2.0, 2.0]),
                "mentor_hours": np.array([3.0]),
                "mentor_capacity": np.array([2]),
            },
            "method",
        ),  # fmt: skip
        (
            {"cp_sat_parameters": {"no_such_parameter": 1}, "method": "cp_sat"},
            "cp_sat_parameters",
        ),  # fmt: skip
    ],
)
def test_parameter_errors(change: dict[str, Any], param: str) -> None:
    with pytest.raises(ParameterError, match=f"The '{param}' parameter of solve must be"):
        solve(**{**base_kwargs(), **change})
