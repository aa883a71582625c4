"""Exact capacity-limited assignment of mentees to mentors, on arrays."""

from matcher.assignment.solve import SolveResult, solve

__all__ = ["SolveResult", "solve"]
