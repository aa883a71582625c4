"""``result.json``: a round's result as JSON, and back. The one place that knows its shape.

:func:`result_dict` and :func:`result_from_dict` are inverses: a result saved and read back
compares equal (rows with their stored candidates, summary, solver, date, config,
warnings and kept relationships).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from matcher.assignment import SolveMethod, SolveStatus
from matcher.config import Config, LimitsConfig
from matcher.criteria import CRITERION_NAMES
from matcher.errors import InputError, RowError
from matcher.explain import Outcome
from matcher.inputs.files import UnreadableFile, read_text
from matcher.inputs.json_rows import parse_json
from matcher.inputs.relationships import Ending, EndingKind
from matcher.round.plan import DroppedPair
from matcher.round.result import (
    CapacityUse,
    Counts,
    GroupRate,
    KeptRelationship,
    MatchResult,
    MatchRow,
    MatchStatus,
    SolverInfo,
    Summary,
    TopCandidate,
)
from matcher.round.review import Change, ChangeKind, Review
from matcher.round.summary import MIN_GROUP_SIZE

__all__ = [
    "SUPPRESSED",
    "load_result",
    "result_dict",
    "result_from_dict",
    "row_json",
    "split_rows",
    "tops_json",
]

#: How a group too small to show is written in ``summary.by_group``: ``{"n": "<5"}``.
SUPPRESSED = f"<{MIN_GROUP_SIZE}"

_T = TypeVar("_T")


# --------------------------------------------------------------------------- to JSON


def _dict_of(names: tuple[str, ...]) -> Callable[[tuple[Any, ...]], dict[str, Any]]:
    """``lambda t: {names[0]: t[0], ...}``: a dict display of constant keys, built in one
    step where ``dict(zip(names, t))`` iterates (0.50-0.60 s against 0.74-0.81 s for the
    ~250k stored candidates' dicts of a 50k-mentee round, two runs each). Generated as
    ``namedtuple`` generates its methods; the names are the criteria registry's
    identifiers."""
    if not all(n.isidentifier() for n in names):
        raise ValueError("criterion names must be identifiers")
    items = ", ".join(f"{n!r}: t[{i}]" for i, n in enumerate(names))
    made: Callable[[tuple[Any, ...]], dict[str, Any]] = eval(f"lambda t: {{{items}}}")  # noqa: S307
    return made


#: A stored candidate's criteria tuple (CRITERION_NAMES order) as its JSON object.
_criteria_dict = _dict_of(CRITERION_NAMES)


def tops_json(tops: tuple[TopCandidate, ...]) -> list[dict[str, Any]]:
    """A row's stored candidates as ``result.json`` holds them."""
    # One comprehension, no call per candidate: a national round stores ~10^6 of them.
    # Each TopCandidate's criteria tuple is built in CRITERION_NAMES order (round.rows).
    crit = _criteria_dict
    return [
        {
            "mentor_id": c.mentor_id,
            "score": c.score,
            "criteria": crit(c.criteria),
            "distance_km": c.distance_km,
            "outcome": c.outcome.value,
            "reason": c.reason,
        }
        for c in tops
    ]


def row_json(r: MatchRow, tops: bool = True) -> dict[str, Any]:
    """A row as ``result.json`` holds it (``tops=False``: with no stored candidates)."""
    return {
        "mentee_id": r.mentee_id,
        "mentor_id": r.mentor_id,
        "status": r.status.value,
        "score": r.score,
        "criteria": dict(r.criteria),
        "shared_goals": list(r.shared_goals),
        "signpost_goals": list(r.signpost_goals),
        "planned_end": r.planned_end.isoformat() if r.planned_end else None,
        "hours": r.hours,
        "rank": r.rank,
        "candidates": r.candidates,
        "priority": r.priority,
        "reason": r.reason,
        "reason_rule": r.rule,
        "top_candidates": tops_json(r.top_candidates) if tops else [],
    }


def _group_json(g: GroupRate) -> dict[str, Any]:
    if g.suppressed:
        return {"n": SUPPRESSED}
    return {"n": g.n, "matched": g.matched, "match_rate": g.match_rate, "mean_score": g.mean_score}


def _summary_json(s: Summary) -> dict[str, Any]:
    return {
        "counts": asdict(s.counts),
        "match_rate": s.match_rate,
        "mean_score": s.mean_score,
        "score_quartiles": list(s.score_quartiles) if s.score_quartiles else None,
        "mentor_capacity_use": asdict(s.mentor_capacity_use),
        "mentor_capacity_use_mean": s.mentor_capacity_use_mean,
        "unmatched_by_reason": dict(s.unmatched_by_reason),
        "by_group": {
            dim: {k: _group_json(g) for k, g in groups.items()}
            for dim, groups in s.by_group.items()
        },
    }


def _solver_json(s: SolverInfo) -> dict[str, Any]:
    return {**asdict(s), "status": s.status.value, "method": s.method.value}


def _day(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _review_json(review: Review) -> dict[str, Any]:
    """``result.json``'s ``review``: counts, lists of ids and dates, never a note or reason."""
    return {
        "decisions": review.decisions,
        "accepted": review.accepted,
        "accepted_dropped": [
            {"mentee_id": d.mentee_id, "mentor_id": d.mentor_id, "rule": d.rule, "reason": d.reason}
            for d in review.dropped
        ],
        "already_running": [{"mentee_id": e, "mentor_id": m} for e, m in review.already_running],
        "rejected": review.rejected,
        "resolved": review.resolved,
        "endings": [
            {
                "mentee_id": e.mentee_id,
                "mentor_id": e.mentor_id,
                "kind": str(e.kind),
                "end_date": _day(e.end_date),
                "planned_end": _day(e.planned_end),
                "early": e.early,
                "rematched": e.rematched,
            }
            for e in review.endings
        ],
        "compared_with": review.compared_with,
        "change_counts": {str(k): n for k, n in review.change_counts.items()},
        "changes": [
            {
                "mentee_id": c.mentee_id,
                "before": list(c.before),
                "after": c.after,
                "status": c.status,
                "kind": str(c.kind),
            }
            for c in review.changes
        ],
    }


def split_rows(result: MatchResult) -> tuple[list[MatchRow], list[MatchRow]]:
    """The rows with a mentor (new or kept) and the others, each in the result's order."""
    has = [r.status.has_mentor for r in result.rows]
    return (
        [r for r, h in zip(result.rows, has, strict=True) if h],
        [r for r, h in zip(result.rows, has, strict=True) if not h],
    )


def result_dict(result: MatchResult, rows: bool = True) -> dict[str, Any]:
    """The JSON-ready form of a result (``result.json``).

    Rows with a mentor (new or kept) are under ``assignments``, the others under
    ``unmatched``; both in mentee-id order. ``rows=False`` leaves both lists empty.
    """
    assigned, unmatched = split_rows(result) if rows else ([], [])
    return {
        "as_of": result.as_of.isoformat(),
        "summary": _summary_json(result.summary),
        "solver": _solver_json(result.solver),
        "warnings": list(result.warnings),
        "assignments": [row_json(r) for r in assigned],
        "unmatched": [row_json(r) for r in unmatched],
        "existing": [asdict(k) for k in result.existing],
        "review": _review_json(result.review) if result.review is not None else None,
        "config": result.config.model_dump(mode="json"),
    }


# --------------------------------------------------------------------------- from JSON


def _opt(value: Any, kind: Callable[[Any], _T]) -> _T | None:
    return None if value is None else kind(value)


def _top_from(d: Mapping[str, Any]) -> TopCandidate:
    crit = d["criteria"]
    return TopCandidate(
        mentor_id=str(d["mentor_id"]),
        score=float(d["score"]),
        criteria=tuple(_opt(crit.get(c), float) for c in CRITERION_NAMES),
        distance_km=float(d["distance_km"]),
        outcome=Outcome(d["outcome"]),
        reason=str(d["reason"]),
    )


def _row_from(d: Mapping[str, Any]) -> MatchRow:
    crit = d["criteria"]
    return MatchRow(
        mentee_id=str(d["mentee_id"]),
        mentor_id=_opt(d["mentor_id"], str),
        status=MatchStatus(d["status"]),
        score=_opt(d["score"], float),
        criteria={c: _opt(crit.get(c), float) for c in CRITERION_NAMES},
        shared_goals=tuple(d["shared_goals"]),
        signpost_goals=tuple(d["signpost_goals"]),
        planned_end=_opt(d["planned_end"], date.fromisoformat),
        rank=_opt(d["rank"], int),
        candidates=int(d["candidates"]),
        priority=_opt(d["priority"], float),
        reason=str(d["reason"]),
        rule=str(d["reason_rule"]),
        # Absent in a result.json written before candidates were kept: explain says less.
        top_candidates=tuple(_top_from(c) for c in d.get("top_candidates", ())),
        hours=_opt(d.get("hours"), float),
    )


def _group_from(d: Mapping[str, Any]) -> GroupRate:
    if d["n"] == SUPPRESSED:
        return GroupRate(None)
    return GroupRate(
        n=int(d["n"]),
        matched=_opt(d["matched"], int),
        match_rate=_opt(d["match_rate"], float),
        mean_score=_opt(d["mean_score"], float),
    )


def _summary_from(d: Mapping[str, Any]) -> Summary:
    quartiles = d["score_quartiles"]
    return Summary(
        counts=Counts(**{k: int(v) for k, v in d["counts"].items()}),
        match_rate=_opt(d["match_rate"], float),
        mean_score=_opt(d["mean_score"], float),
        score_quartiles=None if quartiles is None else _three(quartiles),
        mentor_capacity_use=CapacityUse(**{k: int(v) for k, v in d["mentor_capacity_use"].items()}),
        mentor_capacity_use_mean=_opt(d["mentor_capacity_use_mean"], float),
        unmatched_by_reason={str(k): int(v) for k, v in d["unmatched_by_reason"].items()},
        by_group={
            str(dim): {str(k): _group_from(g) for k, g in groups.items()}
            for dim, groups in d["by_group"].items()
        },
    )


def _three(values: list[Any]) -> tuple[float, float, float]:
    q1, q2, q3 = (float(v) for v in values)
    return q1, q2, q3


def _solver_from(d: Mapping[str, Any]) -> SolverInfo:
    fields = dict(d)
    fields["status"] = SolveStatus(fields["status"])
    fields["method"] = SolveMethod(fields["method"])
    return SolverInfo(**fields)


def _date(text: Any) -> date | None:
    return date.fromisoformat(text) if text else None


def _review_from(data: Mapping[str, Any]) -> Review:

    return Review(
        decisions=int(data["decisions"]),
        accepted=int(data["accepted"]),
        dropped=tuple(
            DroppedPair(d["mentee_id"], d["mentor_id"], d["rule"], d["reason"])
            for d in data["accepted_dropped"]
        ),
        already_running=tuple((d["mentee_id"], d["mentor_id"]) for d in data["already_running"]),
        rejected=int(data["rejected"]),
        resolved=int(data["resolved"]),
        endings=tuple(
            Ending(
                e["mentee_id"],
                e["mentor_id"],
                EndingKind(e["kind"]),
                _date(e["end_date"]),
                _date(e["planned_end"]),
                bool(e["early"]),
                bool(e["rematched"]),
            )
            for e in data["endings"]
        ),
        compared_with=data["compared_with"],
        change_counts={ChangeKind(k): int(n) for k, n in data["change_counts"].items()},
        changes=tuple(
            Change(
                c["mentee_id"], tuple(c["before"]), c["after"], c["status"], ChangeKind(c["kind"])
            )
            for c in data["changes"]
        ),
    )


def result_from_dict(doc: Mapping[str, Any]) -> MatchResult:
    """The result a :func:`result_dict` document describes.

    Raises
    ------
    KeyError, TypeError, ValueError
        The document does not have the shape of ``result.json``.
    pydantic.ValidationError
        Its ``config`` is not a valid config.
    """
    rows = [_row_from(r) for r in (*doc["assignments"], *doc["unmatched"])]
    return MatchResult(
        rows=tuple(sorted(rows, key=lambda r: r.mentee_id)),
        summary=_summary_from(doc["summary"]),
        solver=_solver_from(doc["solver"]),
        as_of=date.fromisoformat(doc["as_of"]),
        config=Config.model_validate(doc["config"]),
        warnings=tuple(str(w) for w in doc["warnings"]),
        existing=tuple(
            KeptRelationship(str(k["mentee_id"]), str(k["mentor_id"]))
            for k in doc.get("existing", ())
        ),
        review=_review_from(doc["review"]) if doc.get("review") is not None else None,
    )


def load_result(path: str | Path) -> MatchResult:
    """Read a finished round back from its ``result.json`` (see ``matcher match --json``).

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    MatchResult
        Equal to the result that was saved.

    Raises
    ------
    InputError
        The file cannot be read, is not JSON, or is not a ``result.json``.
    """
    name = Path(path).name
    try:
        # As every input: a regular file only, within the size limit, any JSON shape safe.
        limit = LimitsConfig().max_file_mib
        doc = parse_json(read_text(Path(path), limit * 2**20, "limits.max_file_mib"))
    except (UnreadableFile, ValueError) as exc:
        raise InputError([RowError(name, None, None, None, str(exc))]) from None
    try:
        return result_from_dict(doc)
    except ValidationError as exc:
        problem = f"is not a valid config ({exc.error_count()} problems)"
        raise InputError([RowError(name, None, None, "config", problem)]) from None
    except KeyError as exc:
        problem = f"is not a result.json written by matcher (no {exc})"
        raise InputError([RowError(name, None, None, None, problem)]) from None
    except (TypeError, ValueError, AttributeError, RecursionError):
        # Values are not echoed: a result holds reasons and ids of real people.
        problem = "is not a result.json written by matcher (a value has the wrong type)"
        raise InputError([RowError(name, None, None, None, problem)]) from None
