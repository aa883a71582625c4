"""Running relationships end: by their end date, or at their planned end (then listed for a
definitive ending); their mentees come back into the pool."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from matcher.cli import main
from matcher.config import config_from_dict
from matcher.errors import InputError
from matcher.inputs.relationships import EndingKind, split_relationships
from matcher.io import load_caseload, write_records
from matcher.models import Existing
from matcher.round import match, result_dict
from tests.factories import AS_OF, make_mentee, make_mentor

DAY = timedelta(days=1)


def test_which_relationships_still_run() -> None:
    rels = [
        Existing(mentee_id="A", mentor_id="M"),  # open-ended
        Existing(mentee_id="B", mentor_id="M", end_date=AS_OF),  # ends on the run date
        Existing(mentee_id="C", mentor_id="M", end_date=AS_OF + DAY),  # ends tomorrow
        Existing(mentee_id="D", mentor_id="M", planned_end=AS_OF),  # planned end reached
        Existing(mentee_id="E", mentor_id="M", planned_end=AS_OF - DAY, end_date=AS_OF + DAY),
        Existing(mentee_id="F", mentor_id="M", planned_end=AS_OF + DAY, end_date=AS_OF - DAY),
        Existing(mentee_id="G", mentor_id="M", planned_end=AS_OF - DAY, end_date=AS_OF - DAY),
    ]
    split = split_relationships(rels, AS_OF)
    assert [r.mentee_id for r in split.running] == ["A", "C", "E"]  # E: an agreed extension
    kinds = {e.mentee_id: (e.kind, e.early) for e in split.endings}
    assert kinds == {
        "B": (EndingKind.ENDED, True),  # no planned end: any end date is early
        "D": (EndingKind.PAST_PLANNED_END, False),
        "F": (EndingKind.ENDED, True),
        "G": (EndingKind.ENDED, False),
    }
    assert [e.mentee_id for e in split.past_planned_end] == ["D"]


def test_dates_must_be_in_order_and_a_reason_needs_a_date() -> None:
    with pytest.raises(ValidationError, match="must not be before start_date"):
        Existing(mentee_id="A", mentor_id="M", start_date=AS_OF, end_date=AS_OF - DAY)
    with pytest.raises(ValidationError, match="must not be before start_date"):
        Existing(mentee_id="A", mentor_id="M", start_date=AS_OF, planned_end=AS_OF - DAY)
    with pytest.raises(ValidationError, match="end_reason needs an end_date"):
        Existing(mentee_id="A", mentor_id="M", end_reason="moved away")


def test_ended_relationship_frees_the_seat_and_its_mentee_is_matched_again() -> None:
    mentees = [make_mentee("E1"), make_mentee("E2", lat=51.6, priority=1.5)]
    mentors = [make_mentor("M1", capacity=1), make_mentor("M2", capacity=1, lat=51.6)]
    ended = Existing(
        mentee_id="E1", mentor_id="M2", end_date=AS_OF - DAY, end_reason="mentor moved away"
    )
    running = Existing(mentee_id="X1", mentor_id="M1")
    result = match(mentees, mentors, existing=[ended, running], as_of=AS_OF)
    # M1 stays full with X1; M2's seat is free again, but M2 is never proposed to E1 again
    e1 = result.row("E1")
    assert e1.status == "unmatched"
    assert e1.reason.startswith(f"relationship with M2 ended {(AS_OF - DAY).isoformat()}; not ")
    assert e1.priority == 2.0  # community 1 + ended early 1
    assert result.row("E2").mentor_id == "M2"
    assert result.summary.counts.existing == 1
    review = result.review
    assert review is not None and [e.mentee_id for e in review.ended] == ["E1"]
    assert review.ended[0].early and review.ended[0].rematched
    assert "moved away" not in str(result_dict(result))  # end reasons are never shown


def test_ended_pair_can_be_accepted_again_and_bonus_is_configurable() -> None:
    from matcher.models import Decision

    ended = Existing(mentee_id="E1", mentor_id="M1", end_date=AS_OF - DAY)
    config = config_from_dict({"priority": {"ended_early": 0.0}})
    decisions = [Decision(mentee_id="E1", mentor_id="M1", decision="accept")]
    result = match(
        [make_mentee("E1")], [make_mentor("M1")], config, existing=[ended], as_of=AS_OF,
        decisions=decisions,
    )  # fmt: skip
    assert result.row("E1").status == "accepted" and result.row("E1").priority == 1.0


def test_past_planned_end_is_listed_for_a_definitive_ending() -> None:
    due = Existing(mentee_id="X1", mentor_id="M1", planned_end=AS_OF - DAY)
    result = match(
        [make_mentee("E1")], [make_mentor("M1", capacity=1)], existing=[due], as_of=AS_OF
    )
    assert result.row("E1").mentor_id == "M1"  # the seat is free
    assert any("past their planned end" in w and "X1" in w for w in result.warnings)
    assert result.review is not None
    assert [e.mentee_id for e in result.review.past_planned_end] == ["X1"]
    assert not result.review.past_planned_end[0].rematched  # X1 is not in the mentees file


def test_ended_relationship_may_name_a_mentor_who_left(caseload_dir: Path) -> None:
    files = [caseload_dir / f"{k}.csv" for k in ("mentees", "mentors", "existing")]
    left = Existing(mentee_id="E001", mentor_id="M999", end_date=date(2025, 12, 1))
    write_records(files[2], [left], Existing)
    assert load_caseload(*files, as_of=AS_OF).existing == (left,)
    with pytest.raises(
        InputError, match=r"existing.csv row 1 \(id E001\): mentor_id names mentor M999"
    ):
        load_caseload(*files, as_of=date(2025, 11, 30))  # still running then
    out = caseload_dir / "m.csv"
    args = ["match", "--mentees", str(files[0]), "--mentors", str(files[1])]
    args += ["--existing", str(files[2]), "--as-of", "2026-01-05", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "relationships: 1 ended (1 early), 0 past their planned end" in result.output
