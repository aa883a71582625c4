"""Review, lock and re-solve: decisions as invariants, and what a review reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings

from matcher.candidates import RULES, find_candidates
from matcher.config import Config
from matcher.errors import ParameterError
from matcher.io import Caseload
from matcher.models import Decision, Existing, Proposal, Supervisor
from matcher.report import explain_mentee
from matcher.round import (
    ChangeKind,
    MatchResult,
    MatchStatus,
    load_result,
    match,
    write_result_json,
)
from matcher.tuning import grid_from_dict, sweep
from matcher.vocab import ROW_STATUSES
from tests.factories import AS_OF, make_mentee, make_mentor
from tests.reference import Instance, plain_cp_sat
from tests.strategies import ReviewedRound, reviewed_rounds

HOURS = {"weekly": 2.0, "fortnightly": 1.0, "monthly": 0.5}  # the config's defaults
LIMITS = ("capacity", "hours", "supervisor")


def _runs(rel: Existing, as_of: date) -> bool:
    """A relationship runs until its end date, or its planned end when it has none."""
    if rel.end_date is not None:
        return rel.end_date > as_of
    return rel.planned_end is None or rel.planned_end > as_of


def _ended_early(rel: Existing) -> bool:
    return rel.end_date is not None and (rel.planned_end is None or rel.end_date < rel.planned_end)


@settings(max_examples=60)
@given(reviewed_rounds())
def test_decisions_hold_and_the_rest_is_optimal(case: ReviewedRound) -> None:
    config = Config()
    result = match(
        case.mentees, case.mentors, config, existing=case.existing,
        supervisors=case.supervisors, as_of=case.as_of, decisions=case.decisions,
    )  # fmt: skip
    assert result.review is not None and result.solver.status == "optimal"
    rows = {r.mentee_id: r for r in result.rows}
    assert sorted(rows) == sorted(e.id for e in case.mentees) == [r.mentee_id for r in result.rows]
    mentors = {m.id: m for m in case.mentors}
    by_id = {e.id: e for e in case.mentees}
    # The hard rules alone, decisions ignored: what could ever be proposed or kept.
    base = find_candidates(case.mentees, case.mentors, config, as_of=case.as_of)
    ids_e, ids_m = base.mentee_arrays.ids, base.mentor_arrays.ids
    score = {
        (str(ids_e[i]), str(ids_m[j])): float(s)
        for i, j, s in zip(base.mentee, base.mentor, base.score, strict=True)
    }
    running = {r.mentee_id: r for r in case.existing if _runs(r, case.as_of)}
    ended = {r.mentee_id: r for r in case.existing if not _runs(r, case.as_of)}
    accepted = {d.mentee_id: d.mentor_id for d in case.decisions if d.decision == "accept"}
    rejected = {(d.mentee_id, d.mentor_id) for d in case.decisions if d.decision == "reject"}

    seats = dict.fromkeys(mentors, 0)
    hours = dict.fromkeys(mentors, 0.0)
    for r in running.values():
        seats[r.mentor_id] += 1
        hours[r.mentor_id] += 1.0 if r.hours is None else r.hours
    for e, r in running.items():
        if e in rows:
            assert rows[e].status == "existing" and rows[e].mentor_id == r.mentor_id
    # Accepted pairs: kept as they are, or dropped plainly (warning, reason, review).
    dropped = {d.mentee_id: d for d in result.review.dropped}
    kept = {}
    for e, j in accepted.items():
        if e in running:
            continue
        row = rows[e]
        if row.status == "accepted":
            assert row.mentor_id == j and (e, j) in score and e not in dropped
            kept[e] = j
        else:
            assert dropped[e].mentor_id == j
            assert row.reason.startswith(f"accepted pair {e}-{j} dropped")
            assert any(
                w.startswith(f"decisions: accepted pair {e}-{j} dropped") for w in result.warnings
            )
    assert set(kept) | set(dropped) == {e for e in accepted if e not in running}
    for e, j in kept.items():
        seats[j] += 1
        hours[j] += HOURS[by_id[e].contact_frequency]
    sup = [m.id for m in case.mentors if m.supervisor == "S1"]
    sup_used, sup_cap = sum(seats[j] for j in sup), case.supervisors[0].capacity
    for e, d in dropped.items():
        need = HOURS[by_id[e].contact_frequency]
        if d.rule not in LIMITS:  # breaks a hard rule
            assert (e, d.mentor_id) not in score and d.rule in {r.name for r in RULES}
            continue
        # would not fit even now, on top of everything kept
        assert (e, d.mentor_id) in score
        m = mentors[d.mentor_id]
        over = {
            "capacity": seats[m.id] + 1 > m.capacity,
            "hours": hours[m.id] + need > m.max_hours + 1e-9,
            "supervisor": m.supervisor == "S1" and sup_used + 1 > sup_cap,
        }
        assert over[d.rule], (d, seats, hours, sup_used)
    # The kept pairs and running relationships fit, except where running ones alone do not.
    for j, m in mentors.items():
        kept_here = sum(v == j for v in kept.values())
        if kept_here:
            assert seats[j] <= m.capacity and hours[j] <= m.max_hours + 1e-9
    if any(mentors[j].supervisor == "S1" for j in kept.values()):
        assert sup_used <= sup_cap

    # Everyone else is re-solved: never a rejected pair, never an ended one (unless accepted),
    # and optimal against an independent model over what is left.
    rest = [e for e in case.mentees if rows[e.id].status in ("matched", "unmatched")]
    assert result.review.resolved == len(rest)
    banned = set(rejected) | {
        (e, r.mentor_id) for e, r in ended.items() if accepted.get(e) != r.mentor_id
    }
    index = {e.id: k for k, e in enumerate(rest)}
    col = {j: k for k, j in enumerate(mentors)}
    pairs = sorted(p for p in score if p[0] in index and p not in banned)
    priority = np.array(
        [
            (1.0 if e.priority is None else e.priority)
            + (1.0 if e.id in ended and _ended_early(ended[e.id]) else 0.0)
            for e in rest
        ]
    )
    for e in rest:
        assert rows[e.id].priority == priority[index[e.id]]
        if rows[e.id].status == "matched":
            assert (e.id, rows[e.id].mentor_id) in pairs
    group = np.array([0 if m.supervisor == "S1" else -1 for m in case.mentors])
    inst = Instance(
        n=len(rest), m=len(mentors),
        mentee=np.array([index[e] for e, _ in pairs], dtype=np.int64),
        mentor=np.array([col[j] for _, j in pairs], dtype=np.int64),
        score=np.array([score[p] for p in pairs]),
        load=np.array([HOURS[by_id[e].contact_frequency] for e, _ in pairs]),
        cap=np.array([max(m.capacity - seats[j], 0) for j, m in mentors.items()]),
        priority=priority,
        hours=np.array([max(m.max_hours - hours[j], 0.0) for j, m in mentors.items()]),
        group=group, gcap=np.array([max(sup_cap - sup_used, 0)]), spread=0.0,
        offset=np.zeros(len(mentors), dtype=np.int64),
    )  # fmt: skip
    best = plain_cp_sat(inst)
    assert best is not None
    got = [rows[e.id] for e in rest if rows[e.id].status == "matched"]
    assert sum(r.priority or 0.0 for r in got) == best[0]
    total = sum(round(score[(r.mentee_id, r.mentor_id or "")] * 10_000) for r in got)
    assert total == round(best[1] * 10_000)


def test_rejected_pair_never_comes_back_and_accepted_one_is_kept() -> None:
    mentees = [make_mentee("E1"), make_mentee("E2", lat=51.6)]
    mentors = [make_mentor("M1", capacity=1), make_mentor("M2", capacity=1, lat=51.6)]
    first = match(mentees, mentors, as_of=AS_OF)
    assert first.row("E1").mentor_id == "M1" and first.row("E2").mentor_id == "M2"
    decisions = [
        Decision(mentee_id="E2", mentor_id="M2", decision="accept"),
        Decision(mentee_id="E1", mentor_id="M1", decision="reject", note="secret words"),
    ]
    again = match(mentees, mentors, as_of=AS_OF, decisions=decisions)
    assert again.row("E2").status == "accepted" and again.row("E2").mentor_id == "M2"
    assert again.row("E1").status == "unmatched"  # its only other mentor is taken
    assert again.row("E1").reason.startswith("rejected in review: M1; ")
    assert again.summary.counts.accepted == 1 and again.summary.counts.matched == 1
    assert "secret words" not in repr(again.review) + "".join(r.reason for r in again.rows)


def test_accepted_pair_over_a_limit_is_dropped_by_priority_then_id() -> None:
    mentees = [make_mentee("E1"), make_mentee("E2", priority=3.0), make_mentee("E3")]
    mentors = [make_mentor("M1", capacity=1), make_mentor("M2", capacity=3)]
    decisions = [
        Decision(mentee_id=e, mentor_id="M1", decision="accept") for e in ("E3", "E1", "E2")
    ]
    result = match(mentees, mentors, as_of=AS_OF, decisions=decisions)
    assert result.row("E2").status == "accepted"  # the highest priority keeps the place
    assert [d.mentee_id for d in result.review.dropped] == ["E1", "E3"]
    assert {d.rule for d in result.review.dropped} == {"capacity"}
    assert result.row("E1").mentor_id == "M2" and result.row("E1").status == "matched"
    # the decisions' row order changes nothing
    again = match(mentees, mentors, as_of=AS_OF, decisions=decisions[::-1])
    assert again.rows == result.rows


def test_accepted_pair_breaking_a_rule_or_the_supervisor_cap_is_dropped() -> None:
    mentees = [make_mentee("E1", risk="very_high"), make_mentee("E2"), make_mentee("E3")]
    mentors = [make_mentor("M1", supervisor="S1", capacity=3), make_mentor("M2", capacity=0)]
    decisions = [
        Decision(mentee_id="E1", mentor_id="M1", decision="accept"),
        Decision(mentee_id="E2", mentor_id="M1", decision="accept"),
        Decision(mentee_id="E3", mentor_id="M1", decision="accept"),
    ]
    result = match(
        mentees, mentors, as_of=AS_OF, decisions=decisions,
        supervisors=[Supervisor(id="S1", capacity=1)],
    )  # fmt: skip
    rules = {d.mentee_id: d.rule for d in result.review.dropped}
    assert rules == {"E1": "risk", "E3": "supervisor"}
    assert result.row("E2").status == "accepted"
    assert "hard rule" in result.row("E1").reason and "supervisor S1" in result.row("E3").reason


def test_accepted_pair_already_running_is_kept_as_existing() -> None:
    mentees = [make_mentee("E1")]
    existing = [Existing(mentee_id="E1", mentor_id="M1")]
    decisions = [Decision(mentee_id="E1", mentor_id="M1", decision="accept")]
    result = match(
        mentees, [make_mentor("M1")], existing=existing, as_of=AS_OF, decisions=decisions
    )
    assert result.row("E1").status == "existing"
    assert result.review is not None and result.review.already_running == (("E1", "M1"),)
    assert any("already running" in w for w in result.warnings)


def test_changes_against_previous_proposals() -> None:
    mentees = [make_mentee(f"E{i}") for i in range(4)]
    mentors = [make_mentor("M1", capacity=2), make_mentor("M2", capacity=1, lat=51.6)]
    first = match(mentees, mentors, as_of=AS_OF)
    previous = [
        Proposal(mentee_id=r.mentee_id, mentor_id=r.mentor_id, status=r.status) for r in first.rows
    ] + [Proposal(mentee_id="E9", status="unmatched")]
    proposed = {r.mentee_id: r.mentor_id for r in first.rows if r.mentor_id}
    target = next(e for e, j in proposed.items() if j == "M1")
    decisions = [Decision(mentee_id=target, mentor_id="M1", decision="reject")]
    again = match(mentees, mentors, as_of=AS_OF, decisions=decisions, previous=previous)
    review = again.review
    assert review is not None and review.compared_with == "previous"
    kinds = {c.mentee_id: c.kind for c in review.changes}
    assert kinds["E9"] is ChangeKind.LEFT
    assert kinds[target] in (ChangeKind.MOVED, ChangeKind.LOST)
    assert sum(review.change_counts.values()) == 5  # four mentees and one that left
    # without the previous file, only the decided mentees are compared
    alone = match(mentees, mentors, as_of=AS_OF, decisions=decisions).review
    assert alone is not None and alone.compared_with == "decisions"
    assert [c.mentee_id for c in alone.changes] == [target]


def test_no_review_without_decisions_or_endings() -> None:
    result = match([make_mentee("E1")], [make_mentor("M1")], as_of=AS_OF)
    assert result.review is None


def test_explain_an_accepted_pair() -> None:
    decisions = [Decision(mentee_id="E1", mentor_id="M1", decision="accept")]
    result = match([make_mentee("E1")], [make_mentor("M1")], as_of=AS_OF, decisions=decisions)
    assert explain_mentee(result, "E1").startswith("E1: accepted in review; kept (rank 1 of 1")


def _reviewed_round() -> MatchResult:
    """Kept, dropped and rejected pairs, an ended relationship and one past its planned end."""
    mentees = [make_mentee("E1"), make_mentee("E2"), make_mentee("E3", lat=51.6)]
    mentors = [make_mentor("M1", capacity=1), make_mentor("M2", capacity=2, lat=51.6)]
    existing = [
        Existing(mentee_id="E3", mentor_id="M1", end_date=AS_OF, end_reason="private words"),
        Existing(mentee_id="X1", mentor_id="M2", planned_end=AS_OF),
    ]
    decisions = [
        Decision(mentee_id="E1", mentor_id="M1", decision="accept", note="a private note"),
        Decision(mentee_id="E2", mentor_id="M1", decision="accept"),
        Decision(mentee_id="E2", mentor_id="M2", decision="reject"),
    ]
    previous = [Proposal(mentee_id="E2", mentor_id="M1", status="matched")]
    return match(
        mentees, mentors, existing=existing, as_of=AS_OF, decisions=decisions, previous=previous
    )


def test_review_reads_back_from_result_json(tmp_path: Path) -> None:
    result = _reviewed_round()
    assert result.review is not None and result.review.endings and result.review.dropped
    write_result_json(tmp_path / "r.json", result)
    assert load_result(tmp_path / "r.json") == result
    text = (tmp_path / "r.json").read_text()
    assert "private" not in text  # neither notes nor end reasons reach an output
    assert '"status": "accepted"' in text and '"hours": 2.0' in text


def test_full_mentor_names_the_accepted_pairs() -> None:
    result = _reviewed_round()
    e2 = result.row("E2")  # M1 holds E1's accepted pair; M2 was rejected
    assert e2.status == "unmatched"
    assert "accepted pair E2-M1 dropped: M1 has no place left (1 of 1 taken)" in e2.reason
    assert e2.reason.endswith("best candidate M1 is full with existing relationships and pairs "
                              "accepted in review")  # fmt: skip
    e3 = result.row("E3")  # its relationship with M1 ended: M1 is not proposed again anyway
    assert e3.reason.startswith("relationship with M1 ended 2026-01-05; not proposed again")
    assert e3.mentor_id == "M2"


def test_given_candidates_must_be_those_the_review_left() -> None:
    mentees, mentors = [make_mentee("E1")], [make_mentor("M1"), make_mentor("M2")]
    decisions = [Decision(mentee_id="E1", mentor_id="M1", decision="reject")]
    stale = find_candidates(mentees, mentors, Config(), as_of=AS_OF)  # M1 still a candidate
    with pytest.raises(ParameterError, match="The 'candidates' parameter of match must hold"):
        match(mentees, mentors, as_of=AS_OF, decisions=decisions, candidates=stale)


def test_a_sweep_sees_relationships_end() -> None:
    mentees = [make_mentee("E1"), make_mentee("E2")]
    mentors = [make_mentor("M1", capacity=1)]
    ended = Existing(mentee_id="E1", mentor_id="M1", end_date=AS_OF)  # E1 back, M1 free
    caseload = Caseload(tuple(mentees), tuple(mentors), existing=(ended,))
    grid = grid_from_dict({"vary": {"weights": {"goals": [1.0, 2.0]}}})
    rows = sweep(caseload, grid, as_of=AS_OF, workers=1).rows
    alone = match(mentees, mentors, existing=[ended], as_of=AS_OF, explain_top=0)
    assert alone.row("E2").mentor_id == "M1"  # E1 lifted but never with M1 again
    assert [(r.figures.to_match, r.figures.matched) for r in rows] == [(2, 1), (2, 1)]


def test_every_ended_mentor_of_a_mentee_is_excluded() -> None:
    # Two relationships of E1 have ended (the library takes any list of relationships):
    # neither mentor is proposed again, not only the last one read.
    ended = [Existing(mentee_id="E1", mentor_id=m, end_date=AS_OF) for m in ("M1", "M2")]
    mentors = [make_mentor("M1"), make_mentor("M2")]
    result = match([make_mentee("E1")], mentors, existing=ended, as_of=AS_OF)
    assert result.row("E1").status == "unmatched"
    assert "relationship with M1 ended" in result.row("E1").reason
    assert "relationship with M2 ended" in result.row("E1").reason


def test_a_sweep_may_vary_the_ended_early_lift() -> None:
    # E1's relationship ended early: each config lifts E1 by its own ended_early, so
    # each config's round has its own priorities on the same pairs (once a crash).
    mentees = [make_mentee("E1"), make_mentee("E2")]
    mentors = [make_mentor("M1", capacity=1), make_mentor("M2", capacity=1)]
    ended = Existing(mentee_id="E1", mentor_id="M1", end_date=AS_OF)
    caseload = Caseload(tuple(mentees), tuple(mentors), existing=(ended,))
    grid = grid_from_dict({"vary": {"priority": {"ended_early": [1.0, 2.0]}}})
    rows = sweep(caseload, grid, as_of=AS_OF, workers=1).rows
    alone = [
        match(mentees, mentors, c, existing=[ended], as_of=AS_OF, explain_top=0)
        for c in grid.configs
    ]
    got = [r.figures.total_priority for r in rows]
    assert got == [a.solver.total_priority for a in alone] == [3.0, 4.0]


def test_an_earlier_matches_file_reads_every_row_status() -> None:
    assert set(ROW_STATUSES) == {s.value for s in MatchStatus}
