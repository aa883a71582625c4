"""One matching round: records → candidate pairs → optimal assignment → explained result.

:func:`match` is the library entry point (SPEC §5); the CLI's ``match`` and ``demo``
commands are thin wrappers over it and the writers here.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from matcher.arrays import existing_load
from matcher.assignment import SolveResult, solve
from matcher.candidates import Candidates, find_candidates
from matcher.config import Config, load_config
from matcher.criteria import CRITERION_NAMES
from matcher.errors import ParameterError
from matcher.explain import Loads, RoundState, explain_unmatched, limit_phrase, strongest_criteria
from matcher.io import atomic_writer, load_caseload
from matcher.models import Existing, Mentee, Mentor, Prison, Supervisor

__all__ = [
    "MATCH_COLUMNS",
    "POOLED_GROUP",
    "MatchResult",
    "MatchRow",
    "result_dict",
    "match",
    "match_files",
    "write_matches_csv",
    "write_result_json",
]

#: The key under which small groups are pooled in ``summary.by_group``.
POOLED_GROUP = "other (small groups pooled)"

#: Columns of ``matches.csv`` (SPEC §5, plus rank, candidates and priority).
MATCH_COLUMNS: tuple[str, ...] = (
    "mentee_id",
    "mentor_id",
    "status",
    "score",
    *CRITERION_NAMES,
    "shared_goals",
    "signpost_goals",
    "planned_end",
    "rank",
    "candidates",
    "priority",
    "reason",
)


@dataclass(frozen=True)
class MatchRow:
    """The outcome for one mentee.

    ``status`` is ``matched`` (a new proposal), ``unmatched`` (with ``reason``) or
    ``existing`` (a running relationship, kept as it is and not matched again).
    """

    mentee_id: str
    mentor_id: str | None
    status: str
    score: float | None
    criteria: dict[str, float | None]
    shared_goals: tuple[str, ...]
    signpost_goals: tuple[str, ...]
    planned_end: date | None
    rank: int | None
    candidates: int
    priority: float | None
    reason: str
    rule: str  # machine-readable reason kind, e.g. "distance", "capacity", "matched"


@dataclass(frozen=True)
class MatchResult:
    """Everything a round produces; ``rows`` has one row per input mentee, by mentee id."""

    rows: tuple[MatchRow, ...]
    summary: dict[str, Any]
    solver: dict[str, Any]
    as_of: date
    config: Config
    warnings: tuple[str, ...] = ()
    candidates: Candidates | None = field(default=None, repr=False, compare=False)
    solve_result: SolveResult | None = field(default=None, repr=False, compare=False)
    mentees: tuple[Mentee, ...] = field(default=(), repr=False, compare=False)
    mentors: tuple[Mentor, ...] = field(default=(), repr=False, compare=False)
    #: The mentees that were matched (all but those with a running relationship), in the
    #: order of the candidate and solver arrays.
    to_match: tuple[Mentee, ...] = field(default=(), repr=False, compare=False)
    round_state: RoundState | None = field(default=None, repr=False, compare=False)

    def row(self, mentee_id: str) -> MatchRow:
        """The row of one mentee."""
        for r in self.rows:
            if r.mentee_id == mentee_id:
                return r
        raise ParameterError(
            f"The 'mentee_id' parameter of MatchResult.row must be a mentee of this round, "
            f"got {mentee_id!r} instead"
        )

    @property
    def matched(self) -> tuple[MatchRow, ...]:
        """Rows with a new proposal."""
        return tuple(r for r in self.rows if r.status == "matched")

    @property
    def unmatched(self) -> tuple[MatchRow, ...]:
        """Rows with no proposal, each with its reason."""
        return tuple(r for r in self.rows if r.status == "unmatched")


def _existing_load(
    mentors: Sequence[Mentor], existing: Sequence[Existing], config: Config
) -> tuple[np.ndarray, np.ndarray]:
    known = {m.id for m in mentors}
    for rel in existing:
        if rel.mentor_id not in known:
            raise ParameterError(
                f"The 'existing' parameter of match must name mentors in 'mentors', "
                f"got mentor {rel.mentor_id!r} instead"
            )
    seats, hours = existing_load(existing, mentors, config)
    return seats.astype(np.int64), hours


def match(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    config: Config | None = None,
    existing: Sequence[Existing] = (),
    supervisors: Sequence[Supervisor] = (),
    prisons: Sequence[Prison] = (),
    as_of: date | None = None,
) -> MatchResult:
    """Run one matching round and explain it.

    Parameters
    ----------
    mentees, mentors : sequence of Mentee, Mentor
        Validated records (see :mod:`matcher.io`).
    config : Config, optional
        Weights and rules; default :class:`~matcher.config.Config`.
    existing : sequence of Existing
        Running relationships. They count against capacity, hours and supervisor caps,
        are never broken, and their mentees are not matched again.
    supervisors : sequence of Supervisor
        Caps on the relationships each supervisor oversees.
    prisons : sequence of Prison
        Prison sites (names only; used by the report).
    as_of : date, optional
        The run date; default today.

    Returns
    -------
    MatchResult
        One row per mentee, the summary and the solver's status, bound and gap.
    """
    config = config or Config()
    as_of = as_of or date.today()
    mentees, mentors = tuple(mentees), tuple(mentors)
    warnings: list[str] = []
    running = {rel.mentee_id: rel for rel in existing}
    to_match = tuple(m for m in mentees if m.id not in running)

    seats_used, hours_used = _existing_load(mentors, existing, config)
    cap = np.array([m.capacity for m in mentors], dtype=np.int64)
    max_hours = np.array([m.max_hours for m in mentors], dtype=np.float64)
    for j in np.flatnonzero((seats_used > cap) | (hours_used > max_hours + 1e-9)):
        warnings.append(
            f"mentor {mentors[j].id}: existing relationships exceed capacity or hours "
            f"({seats_used[j]} of {cap[j]} mentees, {hours_used[j]:g} of {max_hours[j]:g} h); "
            "takes no one new"
        )

    sup_index = {s.id: g for g, s in enumerate(supervisors)}
    group = np.array([sup_index.get(m.supervisor or "", -1) for m in mentors], dtype=np.int64)
    sup_used = np.bincount(
        group[group >= 0], weights=seats_used[group >= 0], minlength=len(supervisors)
    ).astype(np.int64)
    sup_cap = np.array([s.capacity for s in supervisors], dtype=np.int64)
    for g in np.flatnonzero(sup_used > sup_cap).tolist():
        warnings.append(
            f"supervisor {supervisors[g].id}: existing relationships exceed the cap "
            f"({sup_used[g]} of {sup_cap[g]}); their mentors take no one new"
        )

    prune = config.solver.max_candidates_per_mentee
    cands = find_candidates(to_match, mentors, config, as_of=as_of, max_per_mentee=prune or None)
    ma = cands.mentee_arrays
    result = solve(
        cands.mentee,
        cands.mentor,
        cands.score,
        n_mentees=len(to_match),
        n_mentors=len(mentors),
        mentor_capacity=np.maximum(cap - seats_used, 0),
        priority=ma.priority,
        load=ma.support_hours[cands.mentee],
        mentor_hours=np.maximum(max_hours - hours_used, 0.0),
        mentor_group=group,
        group_capacity=np.maximum(sup_cap - sup_used, 0),
        objective=config.objective.mode,
        spread_load=config.objective.spread_load,
        seat_offset=seats_used,
        time_limit=config.solver.time_limit_seconds,
        workers=config.solver.workers,
        score_resolution=config.objective.score_resolution,
        cp_sat_parameters=config.solver.cp_sat,
    )

    loads = Loads(seats_used, hours_used, group, sup_used, sup_cap)
    state = RoundState.of(cands, result, mentors, loads)
    rows = _rows(
        to_match,
        mentors,
        {m.id: running[m.id] for m in mentees if m.id in running},
        cands,
        result,
        config,
        as_of,
        state,
        loads,
    )
    order = sorted(range(len(mentees)), key=lambda i: mentees[i].id)
    by_id = {r.mentee_id: r for r in rows}
    ordered = tuple(by_id[mentees[i].id] for i in order)
    summary = _summary(mentees, mentors, ordered, cands, seats_used, result, len(existing))
    solver_info = {
        "status": result.status,
        "method": result.method,
        "objective": int(result.objective),
        "bound": int(result.bound),
        "gap": float(result.gap),
        "total_priority": round(float(result.total_priority), 6),
        "total_score": round(float(result.total_score), 6),
        "components": int(result.n_components),
        "score_resolution": int(result.score_resolution),
        # Opt-in pruning: "optimal" then means optimal over each mentee's best k pairs.
        "pruned": bool(result.pruned) or prune > 0,
        "seconds": round(float(result.seconds), 3),
    }
    return MatchResult(
        ordered,
        summary,
        solver_info,
        as_of,
        config,
        tuple(warnings),
        cands,
        result,
        mentees,
        mentors,
        to_match,
        state,
    )


def match_files(
    mentees: str | Path,
    mentors: str | Path,
    existing: str | Path | None = None,
    supervisors: str | Path | None = None,
    prisons: str | Path | None = None,
    config: str | Path | Config | None = None,
    as_of: date | None = None,
) -> MatchResult:
    """Load a round's files (and config path), validate them and run :func:`match`.

    Raises
    ------
    InputError, ConfigError
        Bad input, each problem naming file, row and field.
    """
    cfg = config if isinstance(config, Config) else load_config(config)
    c = load_caseload(
        mentees,
        mentors,
        existing,
        supervisors,
        prisons,
        allow_unknown_columns=cfg.rules.allow_unknown_columns,
    )
    return match(
        c.mentees,
        c.mentors,
        cfg,
        existing=c.existing,
        supervisors=c.supervisors,
        prisons=c.prisons,
        as_of=as_of,
    )


def _rows(
    to_match: tuple[Mentee, ...],
    mentors: tuple[Mentor, ...],
    running: dict[str, Existing],
    cands: Candidates,
    result: SolveResult,
    config: Config,
    as_of: date,
    state: RoundState,
    loads: Loads,
) -> list[MatchRow]:
    n = len(to_match)
    starts = state.starts
    chosen_pair = np.full(n, -1, dtype=np.int64)
    chosen_pair[cands.mentee[result.chosen]] = result.chosen
    priority = cands.mentee_arrays.priority
    # Computed once with the arrays: start (release, or the run date) + relationship months.
    planned_end = cands.mentee_arrays.planned_end
    weights = config.weight_vector()
    rows: list[MatchRow] = []
    for rel_mentee, rel in running.items():
        rows.append(
            MatchRow(
                rel_mentee,
                rel.mentor_id,
                "existing",
                None,
                dict.fromkeys(CRITERION_NAMES),
                (),
                (),
                None,
                None,
                0,
                None,
                f"existing relationship with {rel.mentor_id} kept",
                "existing",
            )
        )
    # Criteria of the chosen pairs only: never materialise them for every pair.
    chosen_crit = cands.criteria_at(result.chosen)
    crit_row = np.full(n, -1, dtype=np.int64)
    crit_row[cands.mentee[result.chosen]] = np.arange(result.chosen.size)
    for i, mentee in enumerate(to_match):
        n_cand = int(starts[i + 1] - starts[i])
        p = chosen_pair[i]
        if p >= 0:
            mentor = mentors[int(cands.mentor[p])]
            crit = {c: _num(chosen_crit[c][crit_row[i]]) for c in CRITERION_NAMES}
            shared = tuple(g for g in mentee.goals if g in mentor.specialisms)
            signpost = tuple(g for g in mentee.goals if g not in mentor.specialisms)
            rank = int(p - starts[i] + 1)
            reason = _match_reason(
                i, p, rank, n_cand, starts, cands, state, to_match, mentors, crit, weights
            )
            rows.append(
                MatchRow(
                    mentee.id,
                    mentor.id,
                    "matched",
                    float(cands.score[p]),
                    crit,
                    shared,
                    signpost,
                    date.fromordinal(int(planned_end[i])),
                    rank,
                    n_cand,
                    float(priority[i]),
                    reason,
                    "matched",
                )
            )
        else:
            rule, reason = explain_unmatched(
                i, to_match, mentors, cands, result, config, as_of, state, loads
            )
            rows.append(
                MatchRow(
                    mentee.id,
                    None,
                    "unmatched",
                    None,
                    dict.fromkeys(CRITERION_NAMES),
                    (),
                    tuple(mentee.goals),
                    None,
                    None,
                    n_cand,
                    float(priority[i]),
                    reason,
                    rule,
                )
            )
    return rows


def _num(x: Any) -> float | None:
    v = float(x)
    return None if math.isnan(v) else v


def _match_reason(
    i: int,
    p: int,
    rank: int,
    n_cand: int,
    starts: np.ndarray,
    cands: Candidates,
    state: RoundState,
    to_match: tuple[Mentee, ...],
    mentors: tuple[Mentor, ...],
    crit: dict[str, float | None],
    weights: dict[str, float],
) -> str:
    strong = strongest_criteria(to_match[i], crit, weights)
    text = f"rank {rank} of {n_cand} candidates"
    if strong:
        text += f"; strongest on {', '.join(strong)}"
    if rank > 1:
        best = int(starts[i])
        j = int(cands.mentor[best])
        text += (
            f"; top candidate {mentors[j].id} {limit_phrase(best, state, cands, to_match, mentors)}"
        )
    return text


def _group_rates(values: Sequence[str], rows: Sequence[MatchRow]) -> dict[str, Any]:
    """Match rate and mean score by group, suppressing groups of fewer than 5."""
    groups: dict[str, list[MatchRow]] = {}
    for v, r in zip(values, rows, strict=True):
        groups.setdefault(v, []).append(r)
    shown = {k: g for k, g in groups.items() if len(g) >= 5}
    small = [r for k in sorted(groups) if k not in shown for r in groups[k]]
    # Disclosure control: groups under 5 appear only pooled. A pool still under 5 takes in
    # the smallest shown groups too, so no hidden count can be had by subtraction from the
    # totals; a dimension under 5 in all is not broken down at all.
    while 0 < len(small) < 5 and shown:
        key = min(shown, key=lambda k: (len(shown[k]), k))
        small += shown.pop(key)
    out: dict[str, Any] = {k: _rate(shown[k]) for k in sorted(shown)}
    if small:
        out[POOLED_GROUP] = _rate(small) if len(small) >= 5 else {"n": "<5"}
    return out


def _rate(rows: Sequence[MatchRow]) -> dict[str, Any]:
    matched = [r for r in rows if r.status == "matched"]
    scores = [r.score for r in matched if r.score is not None]
    return {
        "n": len(rows),
        "matched": len(matched),
        "match_rate": round(len(matched) / len(rows), 4) if rows else None,
        "mean_score": round(sum(scores) / len(scores), 4) if scores else None,
    }


def _summary(
    mentees: tuple[Mentee, ...],
    mentors: tuple[Mentor, ...],
    rows: tuple[MatchRow, ...],
    cands: Candidates,
    seats_used: np.ndarray,
    result: SolveResult,
    n_existing: int,
) -> dict[str, Any]:
    by_id = {m.id: m for m in mentees}
    active = [r for r in rows if r.status != "existing"]
    matched = [r for r in active if r.status == "matched"]
    scores = np.array([r.score for r in matched], dtype=float)
    new_seats = np.bincount(result.mentor_of[result.mentor_of >= 0], minlength=len(mentors))
    cap = np.array([m.capacity for m in mentors])
    used = seats_used + new_seats
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(cap > 0, used / np.maximum(cap, 1), np.nan)
    # Integer comparisons, so mentors of capacity 0 fall in a bin too.
    bins = {
        "empty": int(np.sum(used == 0)),
        "under_half": int(np.sum((used > 0) & (2 * used <= cap))),
        "over_half": int(np.sum((2 * used > cap) & (used < cap))),
        "full": int(np.sum((used == cap) & (cap > 0))),
        "over_capacity": int(np.sum(used > cap)),
    }
    reasons: dict[str, int] = {}
    for r in active:
        if r.status == "unmatched":
            reasons[r.rule] = reasons.get(r.rule, 0) + 1
    by_group = {}
    for dim in ("gender", "ethnicity", "custody", "risk", "region"):
        vals = [str(getattr(by_id[r.mentee_id], dim) or "not given") for r in active]
        by_group[dim] = _group_rates(vals, active)
    return {
        "counts": {
            "mentees": len(mentees),
            "to_match": len(active),
            "matched": len(matched),
            "unmatched": len(active) - len(matched),
            # Every running relationship is kept; only some have their mentee in this file.
            "existing": n_existing,
            "existing_in_mentees_file": len(rows) - len(active),
            "mentors": len(mentors),
            "candidate_pairs": int(cands.mentee.size),
        },
        "match_rate": round(len(matched) / len(active), 4) if active else None,
        "mean_score": round(float(scores.mean()), 4) if scores.size else None,
        "score_quartiles": [round(float(q), 4) for q in np.quantile(scores, [0.25, 0.5, 0.75])]
        if scores.size
        else None,
        "mentor_capacity_use": bins,
        "mentor_capacity_use_mean": round(float(np.nanmean(util)), 4) if np.any(cap > 0) else None,
        "unmatched_by_reason": dict(sorted(reasons.items())),
        "by_group": by_group,
    }


def _fmt(x: float | None) -> str:
    return "" if x is None else f"{x:.6f}"


def write_matches_csv(path: str | Path, result: MatchResult) -> None:
    """Write ``matches.csv``: one row per mentee, by mentee id (atomically)."""
    with atomic_writer(path) as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(MATCH_COLUMNS)
        for r in result.rows:
            w.writerow(
                [
                    r.mentee_id,
                    r.mentor_id or "",
                    r.status,
                    _fmt(r.score),
                    *(_fmt(r.criteria[c]) for c in CRITERION_NAMES),
                    ";".join(r.shared_goals),
                    ";".join(r.signpost_goals),
                    r.planned_end.isoformat() if r.planned_end else "",
                    "" if r.rank is None else r.rank,
                    r.candidates,
                    "" if r.priority is None else f"{r.priority:g}",
                    r.reason,
                ]
            )


def _row_json(r: MatchRow) -> dict[str, Any]:
    return {
        "mentee_id": r.mentee_id,
        "mentor_id": r.mentor_id,
        "status": r.status,
        "score": None if r.score is None else round(r.score, 6),
        "criteria": {k: None if v is None else round(v, 6) for k, v in r.criteria.items()},
        "shared_goals": list(r.shared_goals),
        "signpost_goals": list(r.signpost_goals),
        "planned_end": r.planned_end.isoformat() if r.planned_end else None,
        "rank": r.rank,
        "candidates": r.candidates,
        "priority": r.priority,
        "reason": r.reason,
        "reason_rule": r.rule,
    }


def result_dict(result: MatchResult) -> dict[str, Any]:
    """The JSON-ready form of a result (``result.json``)."""
    return {
        "as_of": result.as_of.isoformat(),
        "summary": result.summary,
        "solver": result.solver,
        "warnings": list(result.warnings),
        "assignments": [_row_json(r) for r in result.rows if r.status != "unmatched"],
        "unmatched": [_row_json(r) for r in result.rows if r.status == "unmatched"],
        "config": result.config.model_dump(mode="json"),
    }


def write_result_json(path: str | Path, result: MatchResult) -> None:
    """Write ``result.json`` (atomically). Only ``solver.seconds`` varies between runs."""
    with atomic_writer(path) as fh:
        json.dump(result_dict(result), fh, indent=1, sort_keys=False, allow_nan=False)
        fh.write("\n")
