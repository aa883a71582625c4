"""Checks on a whole round, so that what validates runs through every command.

Each field has its own range (``matcher.models``), but some limits belong to a round
as a whole: the optimiser works in exact int64 arithmetic, and its largest numbers grow
with the number of mentees and mentors, the priorities' range and decimals, the score
resolution and the load-spreading penalty. :func:`check_round` bounds them here, at
validation, with the same formulas as the optimiser's own guard
(``matcher.assignment.model``), taking the worst case wherever the
candidate pairs are not known yet (every mentee a candidate of every mentor). A round it
accepts never trips that guard; a test keeps the two in step.

It also bounds the number of distinct languages and prison codes, which the engine keeps
as bitmasks of one bit each per record.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from matcher.config import Config
from matcher.errors import RowError
from matcher.models import Existing, Mentee, Mentor, Supervisor

__all__ = ["MAX_LANGUAGES", "MAX_PRISON_CODES", "check_round", "round_magnitudes"]

#: Distinct languages across a round's mentees and mentors.
MAX_LANGUAGES = 1_000
#: Distinct prison codes across a round's mentees and mentors.
MAX_PRISON_CODES = 2_000
# The optimiser keeps every sum below this (int64 max is ~9.2e18), and sums loads in
# float64 exactly below 2**52; hours have 2 decimals, so loads are whole at 100 per hour.
_INT_LIMIT = 2**62
_FLOAT_EXACT = 2**52
_HOURS_RESOLUTION = 100


def _priority_resolution(values: Sequence[float], score_resolution: int) -> int:
    """The optimiser's rule: the smallest power of ten <= score_resolution at which every
    priority is whole, else score_resolution."""
    candidates, r = [], 1
    while r < score_resolution:
        candidates.append(r)
        r *= 10
    candidates.append(score_resolution)
    for r in candidates:
        if all(abs(v * r - round(v * r)) <= 1e-9 * max(1.0, v * r) for v in values):
            return r
    return score_resolution


def round_magnitudes(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    existing: Sequence[Existing],
    supervisors: Sequence[Supervisor],
    config: Config,
) -> dict[str, int]:
    """Upper bounds of the optimiser's largest integers for this round.

    Returns
    -------
    dict of str to int
        ``largest_cost_times_nodes`` and ``total`` (both must stay below 2**62) and
        ``load_sum`` (must stay below 2**52), as the optimiser's guard computes them,
        with every mentee assumed a candidate of every mentor.
    """
    n, m, g = len(mentees), len(mentors), len(supervisors)
    res = config.objective.score_resolution
    pr = config.priority
    # Every priority the optimiser may see: the mentees' own, and the config's defaults
    # for those without one (custody ones may fall in the release window or not).
    values = [e.priority for e in mentees if e.priority is not None] or [0.0]
    defaulted = {e.custody for e in mentees if e.priority is None}
    if "community" in defaulted:
        values.append(pr.community)
    if "custody" in defaulted:
        values += [pr.custody, pr.release_window]
    if pr.ended_early > 0 and existing:  # a mentee whose relationship ended early
        values += [v + pr.ended_early for v in values]
    pres = _priority_resolution(values, res)
    p_max = round(max(values) * pres)
    seats: dict[str, int] = {}
    for rel in existing:
        seats[rel.mentor_id] = seats.get(rel.mentor_id, 0) + 1
    pen_max = 0
    spread = config.objective.spread_load
    if spread > 0:
        total_seats, cost = 0, 0.0
        for mentor in mentors:
            o = seats.get(mentor.id, 0)
            c = min(max(mentor.capacity - o, 0), n)
            total_seats += c
            cost += c * o + c * (c + 1) / 2
        pen_max = math.ceil(spread * res * cost) + total_seats
    primary = config.objective.mode == "coverage_first"
    weight = n * res + pen_max + 1 if primary else 0
    nodes = n + m + g + 1
    largest = max(weight * p_max, res, pen_max, 1)
    k = config.solver.max_candidates_per_mentee
    pairs = n * (min(m, k) if k > 0 else m)
    total = weight * n * p_max + n * res + pen_max + pairs * res
    sh = config.support_hours
    max_load = max(
        [e.support_hours for e in mentees if e.support_hours is not None]
        + [sh.weekly, sh.fortnightly, sh.monthly]
    )
    return {
        "largest_cost_times_nodes": largest * (nodes + 1),
        "total": total,
        "load_sum": math.ceil(pairs * max_load * _HOURS_RESOLUTION),
    }


def check_round(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    existing: Sequence[Existing],
    supervisors: Sequence[Supervisor],
    config: Config,
    names: dict[str, str],
) -> list[RowError]:
    """Problems that make a round too big for the engine, as file-level errors.

    Parameters
    ----------
    mentees, mentors, existing, supervisors : sequences of records
        The round, already validated row by row.
    config : Config
        Its configuration.
    names : dict of str to str
        The label (file name) of each kind given, e.g. ``{"mentees": "mentees.csv"}``.
    """
    out: list[RowError] = []
    languages = {t for e in mentees for t in e.languages} | {
        t for m in mentors for t in m.languages
    }
    if len(languages) > MAX_LANGUAGES:
        out.append(
            RowError(
                names["mentees"],
                None,
                None,
                "languages",
                f"with {names['mentors']}, names {len(languages)} distinct languages; "
                f"at most {MAX_LANGUAGES} can be matched in one round",
            )
        )
    codes = {e.prison for e in mentees if e.prison} | {c for r in mentors for c in r.prisons}
    if len(codes) > MAX_PRISON_CODES:
        out.append(
            RowError(
                names["mentors"],
                None,
                None,
                "prisons",
                f"with {names['mentees']}, names {len(codes)} distinct prison codes; "
                f"at most {MAX_PRISON_CODES} can be matched in one round",
            )
        )
    sizes = round_magnitudes(mentees, mentors, existing, supervisors, config)
    if sizes["largest_cost_times_nodes"] >= _INT_LIMIT or sizes["total"] >= _INT_LIMIT:
        spread = config.objective.spread_load
        out.append(
            RowError(
                names["mentees"],
                None,
                None,
                None,
                f"with {len(mentees)} mentees and {len(mentors)} mentors, this round is too "
                "large for the optimiser's exact integer arithmetic at objective.score_resolution "
                f"{config.objective.score_resolution}"
                + (f" and objective.spread_load {spread:g}" if spread > 0 else "")
                + "; use whole-number or smaller priorities, lower objective.score_resolution"
                + (" or objective.spread_load" if spread > 0 else "")
                + ", or split the round",
            )
        )
    if sizes["load_sum"] >= _FLOAT_EXACT:
        out.append(
            RowError(
                names["mentees"],
                None,
                None,
                "support_hours",
                f"with {len(mentees)} mentees and {len(mentors)} mentors, the weekly hours of "
                "every possible pair cannot be summed exactly; set "
                "solver.max_candidates_per_mentee or split the round",
            )
        )
    return out
