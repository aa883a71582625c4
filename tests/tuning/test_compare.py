"""compare: who changes between two configs, why, and the figures side by side."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import matcher
from matcher.cli import main
from matcher.config import Config, config_from_dict
from matcher.errors import ParameterError
from matcher.io import Caseload, load_caseload
from matcher.round import POOLED_GROUP, MatchResult
from matcher.synth.demo import DEMO_AS_OF
from matcher.tuning import compare, figures
from tests.factories import AS_OF, make_mentee, make_mentor, north

DEMO = Path(matcher.__file__).parent / "data" / "demo"
KINDS = ("mentees", "mentors", "existing", "supervisors", "prisons")


@pytest.fixture(scope="module")
def demo() -> Caseload:
    return load_caseload(*(DEMO / f"{n}.csv" for n in KINDS))


def _round(c: Caseload, config: Config) -> MatchResult:
    return matcher.match(
        c.mentees,
        c.mentors,
        config,
        existing=c.existing,
        supervisors=c.supervisors,
        prisons=c.prisons,
        as_of=DEMO_AS_OF,
    )


def _files(d: Path) -> list[str]:
    return [a for k in KINDS for a in (f"--{k}", str(d / f"{k}.csv"))]


def test_a_config_compared_with_itself_lists_no_one(demo: Caseload) -> None:
    out = compare(
        _round(demo, Config()), _round(demo, Config()), mentees=demo.mentees, mentors=demo.mentors
    )
    assert out.changes == ()
    assert out.a == out.b
    assert all(g.delta in (0, None) for g in out.groups)


def test_a_weight_change_lists_exactly_the_mentees_whose_match_differs(tmp_path: Path) -> None:
    b = tmp_path / "b.toml"
    b.write_text("[weights]\ngoals = 12.0\nlocation = 0.2\n")
    runner, day = CliRunner(), ["--as-of", DEMO_AS_OF.isoformat()]
    outcome = {}
    for name, cfg in (("a", []), ("b", ["--config", str(b)])):
        out = tmp_path / f"{name}.csv"
        res = runner.invoke(main, ["match", *_files(DEMO), *cfg, *day, "--out", str(out)])
        assert res.exit_code == 0, res.output
        with out.open() as fh:
            outcome[name] = {
                r["mentee_id"]: (r["status"], r["mentor_id"]) for r in csv.DictReader(fh)
            }
    differ = sorted(k for k in outcome["a"] if outcome["a"][k] != outcome["b"][k])
    assert differ  # the weight change moves someone
    changes = tmp_path / "changes.csv"
    res = runner.invoke(
        main,
        [
            "compare",
            *_files(DEMO),
            "--config",
            "configs/default.toml",
            "--config",
            str(b),
            *day,
            "--out",
            str(changes),
            "--json",
            str(tmp_path / "c.json"),
            "--report",
            str(tmp_path / "c.html"),
        ],
    )
    assert res.exit_code == 0, res.output
    with changes.open() as fh:
        rows = list(csv.DictReader(fh))
    assert [r["mentee_id"] for r in rows] == differ
    for r in rows:
        assert (r["status_a"], r["mentor_a"]) == outcome["a"][r["mentee_id"]]
        assert (r["status_b"], r["mentor_b"]) == outcome["b"][r["mentee_id"]]
        assert r["reason"]
    data = json.loads((tmp_path / "c.json").read_text())
    assert data["changes"] == len(differ)
    assert data["deltas"]["match_rate"] == pytest.approx(
        data["b"]["figures"]["match_rate"] - data["a"]["figures"]["match_rate"]
    )
    page = (tmp_path / "c.html").read_text()
    assert "<svg" in page and f"Mentees whose outcome changes ({len(differ)})" in page
    for external in ("http://", "https://", "<script", "src=", "<link"):
        assert external not in page


def test_the_reason_names_the_weight_that_moved_the_mentee() -> None:
    mentee = make_mentee("E1", goals=("employment", "accommodation"))
    near = make_mentor("M1", lat=north(1), lon=-0.12, specialisms=("finance",))
    far = make_mentor("M2", lat=north(12), lon=-0.12, specialisms=("employment", "accommodation"))
    a_cfg = config_from_dict({"weights": {"goals": 0.1, "location": 10.0}})
    b_cfg = config_from_dict({"weights": {"goals": 12.0, "location": 1.0}})
    a = matcher.match([mentee], [near, far], a_cfg, as_of=AS_OF)
    b = matcher.match([mentee], [near, far], b_cfg, as_of=AS_OF)
    (change,) = compare(a, b).changes
    assert (change.mentor_a, change.mentor_b) == ("M1", "M2")
    assert change.reason == (
        "B weights shared goals more: mentor M2 covers 2 of 2 goals (M1 covers 0 of 2 goals)"
    )
    assert "goals" in {m.criterion for m in change.moved}


def test_a_mentee_left_without_a_mentor_gets_the_round_reason() -> None:
    mentee = make_mentee("E1")
    mentor = make_mentor("M1", lat=north(8), lon=-0.12)
    a = matcher.match([mentee], [mentor], Config(), as_of=AS_OF)
    b = matcher.match(
        [mentee], [mentor], config_from_dict({"rules": {"min_shared_slots": 4}}), as_of=AS_OF
    )
    (change,) = compare(a, b).changes
    assert (change.status_a, change.status_b) == ("matched", "unmatched")
    assert change.reason == f"unmatched under B: {b.rows[0].reason}"


def test_group_rates_are_the_round_summary_with_its_disclosure_control(demo: Caseload) -> None:
    result = _round(demo, Config())
    fig = figures(result, demo.mentees, demo.mentors)
    summary = result.summary.by_group
    assert set(fig.by_group) == set(summary)
    for dim, groups in summary.items():
        assert list(fig.by_group[dim]) == list(groups)
        for key, g in groups.items():
            shown = fig.by_group[dim][key]
            assert (shown.n, shown.match_rate) == (g.n, g.match_rate)  # suppressed: None
    rates = [g.match_rate for g in fig.by_group["ethnicity"].values() if g.match_rate is not None]
    assert fig.spread["ethnicity"] == pytest.approx(max(rates) - min(rates))


def test_a_group_under_5_is_never_shown_apart() -> None:
    mentees = [make_mentee(f"E{k}", ethnicity="white") for k in range(7)]
    mentees += [make_mentee(f"F{k}", ethnicity="black") for k in range(2)]
    result = matcher.match(mentees, [make_mentor(capacity=3)], as_of=AS_OF)
    fig = compare(result, result).a
    assert "black" not in fig.by_group["ethnicity"]
    assert POOLED_GROUP in fig.by_group["ethnicity"]
    assert all("black" not in g.group for g in compare(result, result).groups)


def test_rounds_of_other_mentees_are_refused() -> None:
    a = matcher.match([make_mentee("E1")], [make_mentor()], as_of=AS_OF)
    b = matcher.match([make_mentee("E2")], [make_mentor()], as_of=AS_OF)
    with pytest.raises(ParameterError, match="same mentees"):
        compare(a, b)


def test_compare_needs_two_configs(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        main,
        [
            "compare",
            *_files(DEMO),
            "--config",
            "configs/default.toml",
            "--out",
            str(tmp_path / "c.csv"),
        ],
    )
    assert res.exit_code == 2
    assert "Traceback" not in res.output
