"""One matching round: records → candidate pairs → optimal assignment → one result value.

:func:`match` is the library entry point; the CLI's ``match``, ``explain`` and ``demo``
commands are thin wrappers over it and the writers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt

from matcher.arrays import existing_load
from matcher.assignment import SolveResult, solve
from matcher.candidates import Candidates, find_candidates
from matcher.config import Config, load_config
from matcher.errors import ParameterError
from matcher.explain import Loads, RoundState
from matcher.io import load_caseload
from matcher.models import Existing, Mentee, Mentor, Prison, Supervisor
from matcher.round.result import KeptRelationship, MatchResult, SolverInfo
from matcher.round.rows import existing_row, round_rows
from matcher.round.summary import summarise

__all__ = ["EXPLAIN_TOP", "match", "match_files"]

#: How many of each mentee's best candidates a result keeps by default (for explanations).
EXPLAIN_TOP = 5


def _loads(
    mentors: Sequence[Mentor],
    existing: Sequence[Existing],
    supervisors: Sequence[Supervisor],
    config: Config,
) -> tuple[Loads, list[str]]:
    """What running relationships take, and a warning for each limit they already break."""
    known = {m.id for m in mentors}
    for rel in existing:
        if rel.mentor_id not in known:
            raise ParameterError(
                f"The 'existing' parameter of match must name mentors in 'mentors', "
                f"got mentor {rel.mentor_id!r} instead"
            )
    seats32, hours_used = existing_load(existing, mentors, config)
    seats_used = seats32.astype(np.int64)
    warnings: list[str] = []
    cap = np.array([m.capacity for m in mentors], dtype=np.int64)
    max_hours = np.array([m.max_hours for m in mentors], dtype=np.float64)
    for j in np.flatnonzero((seats_used > cap) | (hours_used > max_hours + 1e-9)).tolist():
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
    return Loads(seats_used, hours_used, group, sup_used, sup_cap), warnings


def _solver_info(result: SolveResult, pruned: bool) -> SolverInfo:
    return SolverInfo(
        status=result.status,
        method=result.method,
        objective=int(result.objective),
        bound=int(result.bound),
        gap=float(result.gap),
        total_priority=round(float(result.total_priority), 6),
        total_score=round(float(result.total_score), 6),
        components=int(result.n_components),
        score_resolution=int(result.score_resolution),
        pruned=bool(result.pruned) or pruned,
        seconds=round(float(result.seconds), 3),
    )


def _used(loads: Loads, mentor_of: npt.NDArray[np.int64], n_mentors: int) -> npt.NDArray[np.int64]:
    """Per mentor, the places filled after the round (existing and new)."""
    return loads.seats + np.bincount(mentor_of[mentor_of >= 0], minlength=n_mentors)


def _given_candidates(
    cands: Candidates,
    to_match: tuple[Mentee, ...],
    mentors: tuple[Mentor, ...],
    config: Config,
    as_of: date,
) -> Candidates:
    """Check that pairs given to :func:`match` are this round's."""
    me, mo = cands.mentee_arrays, cands.mentor_arrays
    same = (
        cands.config == config
        and me.as_of == as_of
        and me.ids.tolist() == [m.id for m in to_match]
        and mo.ids.tolist() == [m.id for m in mentors]
    )
    if not same:
        raise ParameterError(
            "The 'candidates' parameter of match must hold the pairs of this round's mentees "
            "to match and mentors, with its config and as_of, got other pairs instead"
        )
    return cands


def match(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    config: Config | None = None,
    existing: Sequence[Existing] = (),
    supervisors: Sequence[Supervisor] = (),
    prisons: Sequence[Prison] = (),
    as_of: date | None = None,
    explain_top: int = EXPLAIN_TOP,
    *,
    candidates: Candidates | None = None,
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
    explain_top : int
        How many of each mentee's best candidates the result keeps, with what became of
        each, for :func:`matcher.explain_mentee` (0 keeps none).
    candidates : Candidates, optional
        The round's pairs when already found: those of the mentees without a running
        relationship, in input order, with every mentor, scored with ``config`` as of
        ``as_of`` (as :func:`~matcher.candidates.find_candidates` gives them, or
        :mod:`matcher.tuning`'s rescoring). ``None`` (default) finds them.

    Returns
    -------
    MatchResult
        One row per mentee, the summary and the solver's status, bound and gap.
    """
    if not isinstance(explain_top, int) or explain_top < 0:
        raise ParameterError(
            f"The 'explain_top' parameter of match must be an int >= 0, got {explain_top!r} instead"
        )
    config = config or Config()
    as_of = as_of or date.today()
    mentees, mentors = tuple(mentees), tuple(mentors)
    running = {rel.mentee_id: rel for rel in existing}
    to_match = tuple(m for m in mentees if m.id not in running)
    loads, warnings = _loads(mentors, existing, supervisors, config)
    cap = np.array([m.capacity for m in mentors], dtype=np.int64)
    max_hours = np.array([m.max_hours for m in mentors], dtype=np.float64)

    prune = config.solver.max_candidates_per_mentee
    if candidates is None:
        cands = find_candidates(
            to_match, mentors, config, as_of=as_of, max_per_mentee=prune or None
        )
    else:
        cands = _given_candidates(candidates, to_match, mentors, config, as_of)
    ma = cands.mentee_arrays
    solved = solve(
        cands.mentee,
        cands.mentor,
        cands.score,
        n_mentees=len(to_match),
        n_mentors=len(mentors),
        mentor_capacity=np.maximum(cap - loads.seats, 0),
        priority=ma.priority,
        load=ma.support_hours[cands.mentee],
        mentor_hours=np.maximum(max_hours - loads.hours, 0.0),
        mentor_group=loads.group,
        group_capacity=np.maximum(loads.sup_cap - loads.sup_used, 0),
        objective=config.objective.mode,
        spread_load=config.objective.spread_load,
        seat_offset=loads.seats,
        time_limit=config.solver.time_limit_seconds,
        workers=config.solver.workers,
        score_resolution=config.objective.score_resolution,
        cp_sat_parameters=config.solver.cp_sat,
    )

    state = RoundState.of(cands, solved, to_match, mentors, loads)
    by_id = {r.mentee_id: r for r in round_rows(state, explain_top)}
    by_id.update((m.id, existing_row(running[m.id])) for m in mentees if m.id in running)
    rows = tuple(by_id[m.id] for m in sorted(mentees, key=lambda m: m.id))
    used = _used(loads, solved.mentor_of, len(mentors))
    summary = summarise(mentees, mentors, rows, used, int(cands.mentee.size), len(existing))
    kept = tuple(
        KeptRelationship(rel.mentee_id, rel.mentor_id)
        for rel in sorted(existing, key=lambda r: (r.mentee_id, r.mentor_id))
    )
    return MatchResult(
        rows, summary, _solver_info(solved, prune > 0), as_of, config, tuple(warnings), kept
    )


def match_files(
    mentees: str | Path,
    mentors: str | Path,
    existing: str | Path | None = None,
    supervisors: str | Path | None = None,
    prisons: str | Path | None = None,
    config: str | Path | Config | None = None,
    as_of: date | None = None,
    explain_top: int = EXPLAIN_TOP,
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
        explain_top=explain_top,
    )
