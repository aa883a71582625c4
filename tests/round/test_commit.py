"""matcher commit: the next round's running relationships from a reviewed round."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from matcher.cli import main
from matcher.errors import InputError
from matcher.io import load_existing
from matcher.models import Decision, Existing, Proposal
from matcher.round.commit import commit_round
from tests.factories import AS_OF

DAY = timedelta(days=1)
END = date(2027, 1, 5)


def _accept(e: str, m: str) -> Decision:
    return Decision(mentee_id=e, mentor_id=m, decision="accept")


def test_next_round_keeps_running_adds_accepted_and_drops_ended() -> None:
    existing = [
        Existing(mentee_id="X1", mentor_id="M1", hours=2.0),
        Existing(mentee_id="X2", mentor_id="M1", end_date=AS_OF + DAY, end_reason="moving"),
        Existing(mentee_id="X3", mentor_id="M2", end_date=AS_OF - DAY, end_reason="left"),
        Existing(mentee_id="X4", mentor_id="M2", planned_end=AS_OF),
    ]
    proposals = [
        Proposal(mentee_id="E1", mentor_id="M1", status="accepted", planned_end=END, hours=1.0),
        Proposal(mentee_id="E2", mentor_id="M2", status="matched", planned_end=END, hours=0.5),
        Proposal(mentee_id="E3", mentor_id="M2", status="matched", planned_end=END, hours=2.0),
        Proposal(mentee_id="E4", status="unmatched"),
    ]
    decisions = [
        _accept("E1", "M1"),
        _accept("E2", "M2"),
        Decision(mentee_id="E3", mentor_id="M2", decision="reject"),
    ]
    commit = commit_round(existing, proposals, decisions, AS_OF)
    assert [(r.mentee_id, r.mentor_id) for r in commit.relationships] == [
        ("E1", "M1"), ("E2", "M2"), ("X1", "M1"), ("X2", "M1"),
    ]  # fmt: skip
    e1 = commit.relationships[0]
    assert (e1.hours, e1.start_date, e1.planned_end) == (1.0, AS_OF, END)
    assert commit.relationships[3] == existing[1]  # carried as it is, reason included
    assert commit.kept == 2 and len(commit.added) == 2
    assert [e.mentee_id for e in commit.endings] == ["X3", "X4"]
    assert [e.mentee_id for e in commit.past_planned_end] == ["X4"]


def test_accepted_pair_already_running_is_not_added_twice() -> None:
    existing = [Existing(mentee_id="E1", mentor_id="M1")]
    proposals = [Proposal(mentee_id="E1", mentor_id="M1", status="existing")]
    commit = commit_round(existing, proposals, [_accept("E1", "M1")], AS_OF)
    assert commit.relationships == tuple(existing) and commit.already_running == 1


@pytest.mark.parametrize(
    ("proposals", "decisions", "message"),
    [
        (
            [Proposal(mentee_id="E2", status="unmatched")],
            [_accept("E1", "M1")],
            "decisions row 1 (id E1): mentee_id names mentee E1, who is not in matches",
        ),
        (
            [Proposal(mentee_id="E1", mentor_id="M2", status="matched", planned_end=END)],
            [_accept("E1", "M1")],
            "decisions row 1 (id E1): mentor_id accepts M1, but matches has E1 matched with "
            "M2; run match with these decisions first",
        ),
        (
            [Proposal(mentee_id="E1", mentor_id="M1", status="accepted", planned_end=END)],
            [],
            "matches row 1 (id E1): status is accepted, but decisions does not accept E1-M1; "
            "use the decisions the round was run with",
        ),
        (
            [Proposal(mentee_id="E1", mentor_id="M1", status="accepted", planned_end=AS_OF)],
            [_accept("E1", "M1")],
            "matches row 1 (id E1): planned_end 2026-01-05 has come by the commit date 2026-01-05",
        ),
        (
            [Proposal(mentee_id="E1", mentor_id="M1", status="accepted", planned_end=END)],
            [_accept("E1", "M1"), _accept("E1", "M2")],
            "decisions row 2 (id E1): mentor_id is a second accepted mentor for this mentee",
        ),
    ],
)
def test_matches_and_decisions_that_do_not_belong_together(
    proposals: list[Proposal], decisions: list[Decision], message: str
) -> None:
    with pytest.raises(InputError) as err:
        commit_round([], proposals, decisions, AS_OF)
    assert str(err.value).startswith(message)


def _files(d: Path) -> list[str]:
    return [
        a
        for k in ("mentees", "mentors", "existing", "supervisors", "prisons")
        for a in (f"--{k}", str(d / f"{k}.csv"))
    ]


def test_review_round_trip_through_the_cli(caseload_dir: Path) -> None:
    run = CliRunner()
    first = caseload_dir / "m1.csv"
    args = ["match", *_files(caseload_dir), "--as-of", "2026-01-05"]
    assert run.invoke(main, [*args, "--out", str(first)]).exit_code == 0
    rows = [r for r in csv.DictReader(first.open()) if r["status"] == "matched"]
    assert rows
    decisions = caseload_dir / "decisions.csv"
    decisions.write_text(
        "mentee_id,mentor_id,decision,note\n"
        f"{rows[0]['mentee_id']},{rows[0]['mentor_id']},accept,agreed on the phone\n"
    )
    second = caseload_dir / "m2.csv"
    result = run.invoke(
        main,
        [*args, "--decisions", str(decisions), "--previous", str(first), "--out", str(second)],
    )
    assert result.exit_code == 0, result.output
    assert "against the previous proposals: " in result.output
    nxt = caseload_dir / "existing-next.csv"
    commit = ["commit", "--existing", str(caseload_dir / "existing.csv"), "--matches", str(second)]
    commit += ["--decisions", str(decisions), "--as-of", "2026-01-12"]
    result = run.invoke(main, [*commit, "--out", str(nxt)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2 running relationships for the next round (1 kept, 1 ")
    added = next(r for r in load_existing(nxt) if r.mentee_id == rows[0]["mentee_id"])
    assert added.start_date == date(2026, 1, 12) and added.hours == float(rows[0]["hours"])
    assert added.planned_end == date.fromisoformat(rows[0]["planned_end"])
    # the next round runs with it: the accepted pair is now a running relationship
    third = caseload_dir / "m3.csv"
    args[args.index(str(caseload_dir / "existing.csv"))] = str(nxt)
    assert run.invoke(main, [*args, "--out", str(third)]).exit_code == 0
    statuses = {r["mentee_id"]: r["status"] for r in csv.DictReader(third.open())}
    assert statuses[rows[0]["mentee_id"]] == "existing"
    # a commit never overwrites its own inputs
    result = run.invoke(main, [*commit, "--out", str(second)])
    assert result.exit_code == 2
    assert "is an input; write the output somewhere else" in result.stderr
    assert "agreed on the phone" not in result.output
