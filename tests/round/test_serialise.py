"""result.json: a round saved and read back is the same round; bad files say why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.config import config_from_dict
from matcher.errors import InputError, ParameterError
from matcher.models import Existing, Supervisor
from matcher.round import (
    MatchStatus,
    load_result,
    match,
    result_dict,
    result_from_dict,
    write_result_json,
)
from tests.factories import AS_OF, hand_result, make_mentee, make_mentor


def _mixed_round():  # type: ignore[no-untyped-def]
    """Matched, unmatched (hard rule and competition), existing in and out of the file."""
    mentees = [make_mentee(f"E{i}", priority=1 + i % 3, lat=51.5 + i / 300) for i in range(9)]
    mentees.append(make_mentee("E9", mentor_gender="male", mentor_gender_strength="required"))
    mentors = [make_mentor(f"M{j}", capacity=2, supervisor="S1" if j < 2 else None,
                           lat=51.5 + j / 100) for j in range(3)]  # fmt: skip
    existing = [Existing(mentee_id="E0", mentor_id="M2"), Existing(mentee_id="X1", mentor_id="M1")]
    config = config_from_dict({"weights": {"faith": 0.0}})  # a criterion of weight 0: None
    return match(mentees, mentors, config, existing=existing,
                 supervisors=[Supervisor(id="S1", capacity=3)], as_of=AS_OF)  # fmt: skip


def test_saved_result_reads_back_equal(tmp_path: Path) -> None:
    result = _mixed_round()
    statuses = {r.status for r in result.rows}
    assert statuses == {MatchStatus.MATCHED, MatchStatus.UNMATCHED, MatchStatus.EXISTING}
    assert len(result.existing) == 2 and result.summary.counts.existing_in_mentees_file == 1
    path = tmp_path / "result.json"
    write_result_json(path, result)
    saved = load_result(path)
    assert saved.rows == result.rows
    assert saved.summary == result.summary
    assert saved.solver == result.solver
    assert saved == result
    assert any(c.criteria[4] is None for r in saved.rows for c in r.top_candidates)  # faith


def test_hand_built_result_reads_back_equal() -> None:
    # Pooled and suppressed groups, warnings, a feasible solver with its gap.
    result = hand_result()
    doc = json.loads(json.dumps(result_dict(result)))
    assert doc["summary"]["by_group"]["gender"]["other (small groups pooled)"] == {"n": "<5"}
    assert result_from_dict(doc) == result


def test_stored_candidates_are_each_mentees_best_k() -> None:
    mentees = [make_mentee(f"E{i}", priority=3 - i) for i in range(3)]
    mentors = [make_mentor(f"M{j}", capacity=1, lat=51.5 + j / 50) for j in range(4)]
    result = match(mentees, mentors, as_of=AS_OF, explain_top=3)
    for row in result.rows:
        top = row.top_candidates
        assert len(top) == min(3, row.candidates) == 3
        assert [c.score for c in top] == sorted((c.score for c in top), reverse=True)
        proposed = [c.mentor_id for c in top if c.outcome == "proposed"]
        assert proposed == ([row.mentor_id] if row.rank and row.rank <= 3 else [])
        if row.rank:
            assert top[row.rank - 1].score == row.score
            assert dict(zip(row.criteria, top[row.rank - 1].criteria, strict=True)) == row.criteria
    assert all(not r.top_candidates for r in match(mentees, mentors, as_of=AS_OF,
                                                   explain_top=0).rows)  # fmt: skip
    with pytest.raises(ParameterError, match="'explain_top' parameter"):
        match(mentees, mentors, as_of=AS_OF, explain_top=-1)


def test_load_result_names_the_problem(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^nothing\.json: file not found"):
        load_result(tmp_path / "nothing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match=r"^bad\.json: is not valid JSON"):
        load_result(bad)
    pairs = tmp_path / "pairs.json"
    pairs.write_text('{"as_of": "2026-01-05"}')
    with pytest.raises(InputError, match=r"^pairs\.json: is not a result\.json .*'assignments'"):
        load_result(pairs)
    doc = result_dict(hand_result())
    doc["assignments"][0]["candidates"] = "three"
    typed = tmp_path / "typed.json"
    typed.write_text(json.dumps(doc))
    with pytest.raises(InputError, match=r"^typed\.json: .*wrong type\)$"):
        load_result(typed)
