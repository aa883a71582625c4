"""Tests of what solve returns: status and method are enums that still behave as the
strings callers compare with and write to JSON, and the public names import from both
``matcher`` and ``matcher.assignment``."""

from __future__ import annotations

import json

import numpy as np

import matcher
import matcher.assignment
from matcher.assignment import SolveMethod, SolveResult, SolveStatus, solve


def test_public_names_are_the_same_objects_from_matcher_and_matcher_assignment() -> None:
    assert matcher.solve is matcher.assignment.solve is solve
    assert matcher.SolveResult is SolveResult and matcher.SolveStatus is SolveStatus
    assert {"SolveMethod", "SolveResult", "SolveStatus", "solve"} <= set(matcher.assignment.__all__)


def test_status_and_method_are_enums_that_compare_and_serialise_as_strings() -> None:
    res = solve(np.array([0, 1]), np.array([0, 0]), np.array([0.5, 0.9]), n_mentees=2,
                n_mentors=1, mentor_capacity=np.array([1]))  # fmt: skip
    assert res.status is SolveStatus.OPTIMAL and res.status == "optimal"
    assert res.method is SolveMethod.FLOW and res.method == "flow"
    assert f"{res.status} by {res.method}" == "optimal by flow"
    assert json.dumps({"status": res.status, "method": res.method}) == (
        '{"status": "optimal", "method": "flow"}'
    )


def test_every_status_and_method_value_is_the_documented_string() -> None:
    assert [s.value for s in SolveStatus] == ["optimal", "feasible", "infeasible", "unknown"]
    assert [m.value for m in SolveMethod] == ["flow", "cp_sat", "mixed"]


def test_infeasible_and_cp_sat_results_carry_enum_members() -> None:
    # two mentees, one seat, everyone must be matched: proven infeasible
    res = solve(np.array([0, 1]), np.array([0, 0]), np.ones(2), n_mentees=2, n_mentors=1,
                mentor_capacity=np.array([1]), require_all=True)  # fmt: skip
    assert res.status is SolveStatus.INFEASIBLE
    # binding hours go to CP-SAT
    res = solve(np.array([0, 1, 2]), np.array([0, 0, 0]), np.array([0.1, 0.9, 0.8]),
                n_mentees=3, n_mentors=1, mentor_capacity=np.array([2]),
                load=np.array([1.0, 2.0, 2.5]), mentor_hours=np.array([3.0]))  # fmt: skip
    assert res.status is SolveStatus.OPTIMAL and res.method is SolveMethod.CP_SAT
