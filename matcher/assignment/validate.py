"""Argument checks of :func:`matcher.assignment.solve` and the validated input record.

Every check raises :class:`~matcher.errors.ParameterError` with the house message
"The 'x' parameter of solve must be ..., got ... instead". Arrays come out as int64 or
float64 copies in the caller's pair order; nothing is reordered here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from matcher.errors import ParameterError

__all__ = [
    "BoolArray",
    "FloatArray",
    "IntArray",
    "Method",
    "Objective",
    "SolveInput",
    "parameter_error",
    "validate",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

Objective = Literal["coverage_first", "score_only"]
Method = Literal["auto", "flow", "cp_sat"]


def parameter_error(name: str, what: str, got: object) -> ParameterError:
    """The error for a bad ``name`` argument of :func:`solve`: what it must be, what it was."""
    return ParameterError(f"The '{name}' parameter of solve must be {what}, got {got} instead")


def _show(a: np.ndarray, bad: BoolArray) -> str:
    i = int(np.flatnonzero(bad)[0])
    return f"{a[i]!r} at index {i}"


def _as_int_array(
    name: str, value: Any, length: int | None, lo: int | None = None, hi: int | None = None
) -> IntArray:
    a = np.asarray(value)
    if a.ndim != 1:
        raise parameter_error(name, "a 1-D array", f"an array of shape {a.shape}")
    if length is not None and a.shape[0] != length:
        raise parameter_error(name, f"of length {length}", f"length {a.shape[0]}")
    if a.size == 0:
        return np.zeros(0, dtype=np.int64)
    if a.dtype.kind == "b" or a.dtype.kind not in "iuf":
        raise parameter_error(name, "an array of integers", f"dtype {a.dtype}")
    if a.dtype.kind == "f":
        bad = ~np.isfinite(a) | (a != np.round(a))
        if bad.any():
            raise parameter_error(name, "an array of integers", _show(a, bad))
    out = a.astype(np.int64)
    if lo is not None and (out < lo).any():
        raise parameter_error(name, f"an array of integers >= {lo}", _show(out, out < lo))
    if hi is not None and (out > hi).any():
        raise parameter_error(name, f"an array of integers <= {hi}", _show(out, out > hi))
    return out


def _as_float_array(name: str, value: Any, length: int, allow_inf: bool = False) -> FloatArray:
    a = np.asarray(value)
    if a.ndim != 1:
        raise parameter_error(name, "a 1-D array", f"an array of shape {a.shape}")
    if a.shape[0] != length:
        raise parameter_error(name, f"of length {length}", f"length {a.shape[0]}")
    if a.size and (a.dtype.kind == "b" or a.dtype.kind not in "iuf"):
        raise parameter_error(name, "an array of numbers", f"dtype {a.dtype}")
    out = a.astype(np.float64)
    ok = (np.isfinite(out) | (allow_inf & (out == np.inf))) & (out >= 0)
    if not ok.all():
        what = "finite or +inf and >= 0" if allow_inf else "finite and >= 0"
        raise parameter_error(name, what, _show(out, ~ok))
    return out


def _as_int(name: str, value: Any, lo: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < lo:
        raise parameter_error(name, f"an integer >= {lo}", repr(value))
    return int(value)


@dataclass(frozen=True)
class SolveInput:
    """Validated caller input, in the caller's pair order."""

    mentee: IntArray
    mentor: IntArray
    score: FloatArray
    load: FloatArray
    n: int
    m: int
    capacity: IntArray
    priority: FloatArray
    hours: FloatArray  # +inf = unlimited
    group: IntArray
    group_capacity: IntArray
    seat_offset: IntArray
    objective: str
    require_all: bool
    spread_load: float
    time_limit: float
    workers: int
    score_resolution: int
    cp_sat_parameters: Mapping[str, Any]
    method: str
    gap_limit: float = 0.0  # the heuristic phases stop at this proven relative gap


def validate(**kw: Any) -> SolveInput:
    """Check every argument of :func:`solve` (given by name) and return them typed."""
    n = _as_int("n_mentees", kw["n_mentees"], 0)
    m = _as_int("n_mentors", kw["n_mentors"], 0)
    mentee = _as_int_array("pair_mentee", kw["pair_mentee"], None, 0, n - 1)
    k = mentee.shape[0]
    mentor = _as_int_array("pair_mentor", kw["pair_mentor"], k, 0, m - 1)
    score = _as_float_array("score", kw["score"], k)
    load = np.zeros(k) if kw["load"] is None else _as_float_array("load", kw["load"], k)
    capacity = _as_int_array("mentor_capacity", kw["mentor_capacity"], m, 0)
    priority = (
        np.ones(n) if kw["priority"] is None else _as_float_array("priority", kw["priority"], n)
    )
    hours = (
        np.full(m, np.inf)
        if kw["mentor_hours"] is None
        else _as_float_array("mentor_hours", kw["mentor_hours"], m, allow_inf=True)
    )
    if kw["mentor_group"] is None:
        if kw["group_capacity"] is not None:
            raise parameter_error("mentor_group", "given when 'group_capacity' is given", "None")
        group = np.full(m, -1, dtype=np.int64)
        group_capacity = np.zeros(0, dtype=np.int64)
    else:
        if kw["group_capacity"] is None:
            raise parameter_error("group_capacity", "given when 'mentor_group' is given", "None")
        group_capacity = _as_int_array("group_capacity", kw["group_capacity"], None, 0)
        group = _as_int_array("mentor_group", kw["mentor_group"], m, -1, len(group_capacity) - 1)
    seat_offset = (
        np.zeros(m, dtype=np.int64)
        if kw["seat_offset"] is None
        else _as_int_array("seat_offset", kw["seat_offset"], m, 0)
    )
    objective = kw["objective"]
    if objective not in ("coverage_first", "score_only"):
        raise parameter_error("objective", "'coverage_first' or 'score_only'", repr(objective))
    require_all = kw["require_all"]
    if not isinstance(require_all, bool | np.bool_):
        raise parameter_error("require_all", "a bool", repr(require_all))
    spread = kw["spread_load"]
    if isinstance(spread, bool) or not isinstance(spread, int | float | np.number):
        raise parameter_error("spread_load", "a finite number >= 0", repr(spread))
    if not (math.isfinite(float(spread)) and float(spread) >= 0):
        raise parameter_error("spread_load", "a finite number >= 0", repr(spread))
    tl = kw["time_limit"]
    if isinstance(tl, bool) or not isinstance(tl, int | float | np.number):
        raise parameter_error("time_limit", "a finite number > 0", repr(tl))
    if not (math.isfinite(float(tl)) and float(tl) > 0):
        raise parameter_error("time_limit", "a finite number > 0", repr(tl))
    workers = _as_int("workers", kw["workers"], 1)
    res = _as_int("score_resolution", kw["score_resolution"], 1)
    params = kw["cp_sat_parameters"]
    if params is None:
        params = {}
    elif not isinstance(params, Mapping):
        raise parameter_error("cp_sat_parameters", "a dict or None", repr(params))
    method = kw["method"]
    if method not in ("auto", "flow", "cp_sat"):
        raise parameter_error("method", "'auto', 'flow' or 'cp_sat'", repr(method))
    gap_limit = kw.get("gap_limit", 0.0)
    if isinstance(gap_limit, bool) or not isinstance(gap_limit, int | float | np.number):
        raise parameter_error("gap_limit", "a number in [0, 1)", repr(gap_limit))
    if not 0.0 <= float(gap_limit) < 1.0:  # also refuses NaN
        raise parameter_error("gap_limit", "a number in [0, 1)", repr(gap_limit))
    return SolveInput(
        mentee, mentor, score, load, n, m, capacity, priority, hours, group, group_capacity,
        seat_offset, objective, bool(require_all), float(spread), float(tl), workers, res,
        dict(params), method, float(gap_limit),
    )  # fmt: skip
