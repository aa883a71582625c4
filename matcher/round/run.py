"""One matching round: records → candidate pairs → optimal assignment → one result value.

:func:`match` is the library entry point; the CLI's ``match``, ``explain`` and ``demo``
commands are thin wrappers over it and the writers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt

from matcher._gc import paused_gc
from matcher.assignment import SolveResult, solve_round
from matcher.candidates import Candidates, find_candidates
from matcher.config import Config, load_config
from matcher.errors import ParameterError
from matcher.explain import Loads, RoundState
from matcher.io import load_caseload, load_proposals
from matcher.memory import pair_check
from matcher.models import (
    DATE_MAX,
    DATE_MIN,
    Decision,
    Existing,
    Mentee,
    Mentor,
    Prison,
    Proposal,
    Supervisor,
)
from matcher.progress import Stages, stage
from matcher.round.plan import ReviewPlan, plan_review, running_loads
from matcher.round.result import KeptRelationship, MatchResult, SolverInfo
from matcher.round.review import build_review
from matcher.round.rows import accepted_row, existing_row, round_rows
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
    loads = running_loads(mentors, existing, supervisors, config)
    seats_used, hours_used = loads.seats, loads.hours
    warnings: list[str] = []
    cap = np.array([m.capacity for m in mentors], dtype=np.int64)
    max_hours = np.array([m.max_hours for m in mentors], dtype=np.float64)
    for j in np.flatnonzero((seats_used > cap) | (hours_used > max_hours + 1e-9)).tolist():
        warnings.append(
            f"mentor {mentors[j].id}: existing relationships exceed capacity or hours "
            f"({seats_used[j]} of {cap[j]} mentees, {hours_used[j]:g} of {max_hours[j]:g} h); "
            "takes no one new"
        )
    sup_used, sup_cap = loads.sup_used, loads.sup_cap
    for g in np.flatnonzero(sup_used > sup_cap).tolist():
        warnings.append(
            f"supervisor {supervisors[g].id}: existing relationships exceed the cap "
            f"({sup_used[g]} of {sup_cap[g]}); their mentors take no one new"
        )
    return loads, warnings


def _with_accepted(loads: Loads, plan: ReviewPlan, mentors: Sequence[Mentor]) -> Loads:
    """The loads, told which seats are accepted pairs (so a full mentor's phrase names them)."""
    if not plan.accepted:
        return loads
    index = {m.id: j for j, m in enumerate(mentors)}
    taken = np.bincount([index[a.mentor_id] for a in plan.accepted], minlength=len(mentors))
    return dataclasses.replace(loads, accepted=taken.astype(np.int64))


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
        pricing_rounds=int(result.pricing_rounds),
        columns=int(result.columns),
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
        # A review excludes rejected and ended pairs and lifts some priorities: the pairs
        # must be those of the mentees as the review left them.
        and me.exclude == tuple(m.exclude_mentors for m in to_match)
        and all(
            me.priority[i] == m.priority for i, m in enumerate(to_match) if m.priority is not None
        )
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
    decisions: Sequence[Decision] | None = None,
    previous: Sequence[Proposal] | None = None,
    *,
    decisions_source: str = "decisions",
    candidates: Candidates | None = None,
    reasons: bool = True,
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
        are never broken, and their mentees are not matched again. One that has ended
        by ``as_of`` no longer counts (see :mod:`matcher.inputs.relationships`).
    supervisors : sequence of Supervisor
        Caps on the relationships each supervisor oversees.
    prisons : sequence of Prison
        Prison sites (names only; used by the report).
    as_of : date, optional
        The run date; default today.
    explain_top : int
        How many of each mentee's best candidates the result keeps, with what became of
        each, for :func:`matcher.explain_mentee` (0 keeps none).
    decisions : sequence of Decision, optional
        A review of earlier proposals: accepted pairs are kept (or dropped, with a
        warning, when they no longer fit), rejected pairs never proposed again, and the
        rest re-solved (see :mod:`matcher.round.plan` and ``docs/review.md``).
    previous : sequence of Proposal, optional
        The previous round's rows (its ``matches.csv``), to say what changed.
    decisions_source : str
        The decisions' file name, for messages.
    candidates : Candidates, optional
        The round's pairs when already found: those of the mentees the round solves
        (:attr:`~matcher.round.plan.ReviewPlan.to_match`: no running relationship, no
        accepted pair kept, rejected and ended pairs excluded), in input order, with every
        mentor, scored with ``config`` as of ``as_of`` (as
        :func:`~matcher.candidates.find_candidates` gives them, or
        :mod:`matcher.tuning`'s rescoring). ``None`` (default) finds them.
    reasons : bool
        False skips the per-mentee reasons of the mentees matched in this round: their
        rows carry an empty reason and an unmatched one the rule ``unexplained``. For
        callers that read only outcomes, counts and scores (a sweep); every output of the
        CLI keeps the default.

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
    if not DATE_MIN <= as_of <= DATE_MAX:  # planned ends must stay valid dates
        raise ParameterError(
            f"The 'as_of' parameter of match must be a date from {DATE_MIN} to {DATE_MAX}, "
            f"got {as_of} instead"
        )
    # Canonical order (by id), so ties between equally good assignments, and float sums of
    # hours, never depend on the order of the input rows.
    mentees = tuple(sorted(mentees, key=lambda e: e.id))
    mentors = tuple(sorted(mentors, key=lambda m: m.id))
    existing = sorted(existing, key=lambda r: (r.mentee_id, r.mentor_id))
    supervisors = sorted(supervisors, key=lambda s: s.id)
    plan = plan_review(
        mentees, mentors, existing, decisions or (), supervisors, config, as_of,
        decisions_source=decisions_source,
    )  # fmt: skip
    running = {rel.mentee_id: rel for rel in plan.running}
    to_match = plan.to_match
    # Running relationships and kept accepted pairs take seats, hours and caps alike.
    loads, warnings = _loads(mentors, plan.load, supervisors, config)
    warnings += plan.warnings
    loads = _with_accepted(loads, plan, mentors)
    cap = np.array([m.capacity for m in mentors], dtype=np.int64)
    max_hours = np.array([m.max_hours for m in mentors], dtype=np.float64)

    solver = config.solver
    prune = solver.max_candidates_per_mentee
    stages = Stages()  # each stage's time on a terminal (matcher.progress)
    stages.next("finding candidates")
    if candidates is None:
        # Rounds of at least pricing_min_pairs pairs are solved on a working set (pricing);
        # smaller ones, or working_set_per_mentee = 0, hold every pair in the solver.
        pricing_from = solver.pricing_min_pairs if solver.working_set_per_mentee else None
        check = pair_check(solver.memory_limit_gib, len(mentees), len(to_match), len(mentors),
                           pricing_from)  # fmt: skip
        cands = find_candidates(
            to_match, mentors, config, as_of=as_of, max_per_mentee=prune or None,
            check_pairs=check,
        )  # fmt: skip
    else:
        cands = _given_candidates(candidates, to_match, mentors, config, as_of)
    ma = cands.mentee_arrays
    stages.next("solving")
    # Every pair when the round is small, else a working set proven over every pair.
    solved = solve_round(
        cands,
        mentee_load=ma.support_hours,
        working_set=solver.working_set_per_mentee,
        pricing_min_pairs=solver.pricing_min_pairs,
        n_mentees=len(to_match),
        n_mentors=len(mentors),
        mentor_capacity=np.maximum(cap - loads.seats, 0),
        priority=ma.priority,
        mentor_hours=np.maximum(max_hours - loads.hours, 0.0),
        mentor_group=loads.group,
        group_capacity=np.maximum(loads.sup_cap - loads.sup_used, 0),
        objective=config.objective.mode,
        spread_load=config.objective.spread_load,
        seat_offset=loads.seats,
        time_limit=solver.time_limit_seconds,
        workers=solver.workers,
        score_resolution=config.objective.score_resolution,
        cp_sat_parameters=solver.cp_sat,
        gap_limit=solver.gap_limit,
    )

    stages.next("explaining")
    state = RoundState.of(cands, solved, to_match, mentors, loads)
    with paused_gc():  # a row and its top candidates per mentee (see matcher._gc)
        rows_made = round_rows(state, explain_top, reasons)
    by_id = {r.mentee_id: plan.annotate(r) for r in rows_made}
    by_id.update((m.id, existing_row(running[m.id], config)) for m in mentees if m.id in running)
    by_id.update((a.mentee_id, accepted_row(a)) for a in plan.accepted)
    rows = tuple(by_id[m.id] for m in sorted(mentees, key=lambda m: m.id))
    used = _used(loads, solved.mentor_of, len(mentors))
    summary = summarise(mentees, mentors, rows, used, len(cands), len(plan.running))
    kept = tuple(
        KeptRelationship(rel.mentee_id, rel.mentor_id)
        for rel in sorted(plan.running, key=lambda r: (r.mentee_id, r.mentor_id))
    )
    reviewed = decisions is not None or previous is not None or bool(plan.endings)
    stages.end()
    return MatchResult(
        rows, summary, _solver_info(solved, prune > 0), as_of, config, tuple(warnings), kept,
        review=build_review(rows, plan, previous) if reviewed else None,
    )  # fmt: skip


def match_files(
    mentees: str | Path,
    mentors: str | Path,
    existing: str | Path | None = None,
    supervisors: str | Path | None = None,
    prisons: str | Path | None = None,
    config: str | Path | Config | None = None,
    as_of: date | None = None,
    explain_top: int = EXPLAIN_TOP,
    decisions: str | Path | None = None,
    previous: str | Path | None = None,
) -> MatchResult:
    """Load a round's files (and config path), validate them and run :func:`match`.

    ``decisions`` is a coordinator's review of earlier proposals, ``previous`` the
    earlier ``matches.csv`` to compare with (see :func:`match`).

    Raises
    ------
    InputError, ConfigError
        Bad input, each problem naming file, row and field.
    """
    cfg = config if isinstance(config, Config) else load_config(config)
    as_of = as_of or date.today()
    with stage("reading files"):
        c = load_caseload(
            mentees, mentors, existing, supervisors, prisons, decisions=decisions,
            as_of=as_of, config=cfg,
        )  # fmt: skip
    return match(
        c.mentees,
        c.mentors,
        cfg,
        existing=c.existing,
        supervisors=c.supervisors,
        prisons=c.prisons,
        as_of=as_of,
        explain_top=explain_top,
        decisions=c.decisions if decisions is not None else None,
        previous=load_proposals(previous) if previous is not None else None,
        decisions_source=Path(decisions).name if decisions is not None else "decisions",
    )
