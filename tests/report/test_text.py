"""Text explanations: one mentee of a round (fresh or read back), one shortlist."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.errors import ParameterError
from matcher.report import explain_mentee, format_shortlist
from matcher.round import load_result, match, write_result_json
from matcher.shortlist import Shortlist, ShortlistEntry
from tests.factories import AS_OF, make_mentee, make_mentor


def _round():  # type: ignore[no-untyped-def]
    mentees = [make_mentee(f"E{i}", priority=1 + i % 3, lat=51.5 + i / 200) for i in range(6)]
    mentors = [make_mentor(f"M{j}", capacity=1, lat=51.5 + j / 100) for j in range(4)]
    return mentees, mentors


def test_explain_mentee_compares_candidates() -> None:
    mentees = [make_mentee("E1"), make_mentee("E2", priority=3)]
    mentors = [make_mentor("M1", capacity=1), make_mentor("M2", capacity=1, lat=51.55)]
    text = explain_mentee(match(mentees, mentors, as_of=AS_OF), "E1", k=3)
    assert text.startswith("E1: matched with")
    assert "M1" in text and "M2" in text and "goals" in text


def test_saved_result_explains_the_same(tmp_path: Path) -> None:
    mentees, mentors = _round()
    result = match(mentees, mentors, as_of=AS_OF)
    write_result_json(tmp_path / "result.json", result)
    saved = load_result(tmp_path / "result.json")
    assert result.unmatched  # both kinds are explained
    for row in result.rows:
        for k in (1, 3, 5):
            assert explain_mentee(saved, row.mentee_id, k=k) == explain_mentee(
                result, row.mentee_id, k=k
            )


def test_table_shows_what_the_round_kept() -> None:
    mentees, mentors = _round()
    result = match(mentees, mentors, as_of=AS_OF, explain_top=2)
    row = result.unmatched[0]
    assert row.candidates == 4
    lines = explain_mentee(result, row.mentee_id, k=5).splitlines()
    table = lines[lines.index("") + 2 :]
    assert [t.split()[0] for t in table[:2]] == [c.mentor_id for c in row.top_candidates]
    assert table[2:] == ["... and 2 more candidates"]


def test_candidate_outcomes_in_words() -> None:
    mentees, mentors = _round()
    result = match(mentees, mentors, as_of=AS_OF)
    matched = result.matched[0]
    text = explain_mentee(result, matched.mentee_id)
    proposed = [c for c in matched.top_candidates if c.outcome == "proposed"]
    assert [c.mentor_id for c in proposed] == [matched.mentor_id]
    assert f"{matched.mentor_id} " in text and "proposed" in text
    taken = explain_mentee(result, result.unmatched[0].mentee_id)
    assert "went to E" in taken


def test_explain_mentee_parameters() -> None:
    result = match([make_mentee("E1")], [make_mentor("M1")], as_of=AS_OF)
    with pytest.raises(ParameterError, match="'k' parameter"):
        explain_mentee(result, "E1", k=0)
    with pytest.raises(ParameterError, match="'mentee_id' parameter"):
        explain_mentee(result, "NOPE")


def test_format_shortlist() -> None:
    entry = ShortlistEntry("M1", 0.8123, {}, 2.04, "strongest: goals 1.00; 2.0 km away")
    text = format_shortlist(Shortlist("E1", (entry,), None, {}, 3))
    assert text == (
        "E1: 1 of 3 available mentors, best first\n"
        " 1. M1           score 0.812    2.0 km  strongest: goals 1.00; 2.0 km away\n"
    )
    none = Shortlist("E1", (), "no mentor within travel distance", {}, 0)
    assert format_shortlist(none) == "E1: no mentor available. no mentor within travel distance\n"
