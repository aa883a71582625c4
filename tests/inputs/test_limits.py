"""Ranges and limits: what validates at the edge of every range runs through every command;
a round too big for the engine is refused at validation, not in the middle of a run."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.cli import main
from matcher.config import config_from_dict
from matcher.errors import InputError, ParameterError
from matcher.inputs.limits import check_round
from matcher.io import load_caseload
from matcher.round import match
from tests.factories import AS_OF
from tests.strategies import rounds

BASE = Path(__file__).parents[1] / "data" / "bad" / "base"
KINDS = ("mentees", "mentors", "existing", "supervisors", "prisons")


def _set(path: Path, row: int, column: str, value: str) -> None:
    lines = path.read_text().splitlines()
    head = lines[0].split(",")
    cells = lines[row].split(",")
    cells[head.index(column)] = value
    lines[row] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")


# Each edit puts one value at the edge of its range (or in a form only just allowed).
EDGES = {
    "capacity_max": ("mentors", 1, "capacity", "1000"),
    "max_hours_max": ("mentors", 1, "max_hours", "168"),
    "support_hours_max": ("mentees", 1, "support_hours", "168"),
    "priority_max": ("mentees", 1, "priority", "1000"),
    "priority_two_decimals": ("mentees", 3, "priority", "2.75"),
    "travel_max": ("mentors", 2, "max_travel_km", "40000"),
    "until_no_date": ("mentors", 1, "available_until", "9999-12-31"),
    "until_last_date": ("mentors", 2, "available_until", "2199-12-31"),
    "release_last_date": ("mentees", 2, "release_date", "2199-12-31"),
    "release_first_date": ("mentees", 2, "release_date", "1900-01-01"),
    "boolean_upper_case": ("mentors", 1, "lived_experience", "TRUE"),
    "list_trailing_semicolon": ("mentees", 1, "goals", "employment;"),
    "latitude_pole": ("mentees", 3, "lat", "90"),
    "exponent_number": ("mentors", 2, "max_hours", "6e0"),
    "supervisor_max": ("supervisors", 1, "capacity", "100000"),
    "existing_hours_max": ("existing", 1, "hours", "168"),
}
CONFIGS = {
    "defaults": "",
    "extremes": (
        "[weights]\ngoals = 1000.0\n[objective]\nspread_load = 10.0\nscore_resolution = 1000000\n"
        "relationship_months = 120\n[priority]\ncustody = 1000.0\n[solver.cp_sat]\n"
        "random_seed = 7\nrelative_gap_limit = 0.0\n"
    ),
}
COMMANDS = {
    "validate": KINDS,
    "match": KINDS,
    "candidates": ("mentees", "mentors", "prisons"),
    "shortlist": ("mentees", "mentors", "existing", "supervisors"),
    "explain": KINDS,
}


@pytest.mark.parametrize("config", sorted(CONFIGS))
@pytest.mark.parametrize("edge", sorted(EDGES))
def test_what_validate_accepts_every_command_accepts(
    edge: str, config: str, tmp_path: Path
) -> None:
    files = {k: tmp_path / f"{k}.csv" for k in KINDS}
    for k in KINDS:
        shutil.copyfile(BASE / f"{k}.csv", files[k])
    kind, row, column, value = EDGES[edge]
    _set(files[kind], row, column, value)
    cfg = tmp_path / "c.toml"
    cfg.write_text(CONFIGS[config])
    runner = CliRunner()
    for command, reads in COMMANDS.items():
        args = [
            command,
            *(a for k in reads for a in (f"--{k}", str(files[k]))),
            "--config",
            str(cfg),
        ]
        if command in ("shortlist", "explain"):
            args += ["--mentee", "E2"]
        if command != "validate":
            args += ["--as-of", "2199-12-31" if "last" in edge else "2026-01-05"]
        if command == "match":
            args += [
                "--out",
                str(tmp_path / "o" / "m.csv"),
                "--json",
                str(tmp_path / "o" / "r.json"),
            ]
            args += ["--report", str(tmp_path / "o" / "r.html")]
        if command == "candidates":
            args += ["--out", str(tmp_path / "o" / "pairs.csv")]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (command, result.output)


def test_no_date_placeholder_means_open_ended(tmp_path: Path) -> None:
    path = tmp_path / "mentors.csv"
    shutil.copyfile(BASE / "mentors.csv", path)
    _set(path, 1, "available_until", "9999-12-31")
    c = load_caseload(BASE / "mentees.csv", path)
    assert c.mentors[0].available_until is None


def _big_round(tmp_path: Path, n: int) -> tuple[Path, Path, Path]:
    """n mentees of priority 20 and n mentors of capacity n, all in one place."""
    head_e, row_e = (BASE / "mentees.csv").read_text().splitlines()[:2]
    row_e = row_e.replace(",low,,,,", ",low,,,20,")
    head_m, row_m = (BASE / "mentors.csv").read_text().splitlines()[:2]
    row_m = row_m.replace(",S1,", ",,").replace(",2,6.0,", f",{n},168,")
    mentees, mentors = tmp_path / "mentees.csv", tmp_path / "mentors.csv"
    mentees.write_text(
        "\n".join([head_e, *(row_e.replace("E1,", f"E{i},", 1) for i in range(n))]) + "\n"
    )
    mentors.write_text(
        "\n".join([head_m, *(row_m.replace("M1,", f"M{j},", 1) for j in range(n))]) + "\n"
    )
    cfg = tmp_path / "c.toml"
    cfg.write_text("[objective]\nspread_load = 10.0\nscore_resolution = 1000000\n")
    return mentees, mentors, cfg


def test_a_round_too_big_for_int64_is_refused_when_it_loads(tmp_path: Path) -> None:
    mentees, mentors, cfg = _big_round(tmp_path, 400)
    args = ["validate", "--mentees", str(mentees), "--mentors", str(mentors), "--config", str(cfg)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: mentees.csv: with 400 mentees and 400 mentors, this round is too large for the "
        "optimiser's exact integer arithmetic at objective.score_resolution 1000000 and "
        "objective.spread_load 10"
    )
    # The check is not over-cautious here: the optimiser itself cannot take this round.
    config = config_from_dict({"objective": {"spread_load": 10.0, "score_resolution": 1_000_000}})
    c = load_caseload(mentees, mentors)
    with pytest.raises(ParameterError, match="int64"):
        match(c.mentees, c.mentors, config, as_of=AS_OF)


def test_the_same_round_at_the_default_resolution_loads(tmp_path: Path) -> None:
    mentees, mentors, cfg = _big_round(tmp_path, 400)
    cfg.write_text("[objective]\nspread_load = 10.0\n")
    args = ["validate", "--mentees", str(mentees), "--mentors", str(mentors), "--config", str(cfg)]
    assert CliRunner().invoke(main, args).exit_code == 0


_EXTREME = st.fixed_dictionaries(
    {
        "objective": st.fixed_dictionaries(
            {
                "score_resolution": st.sampled_from([1, 10_000, 1_000_000]),
                "spread_load": st.sampled_from([0.0, 0.01, 10.0]),
                "mode": st.sampled_from(["coverage_first", "score_only"]),
                "relationship_months": st.sampled_from([1, 120]),
            }
        ),
        "priority": st.fixed_dictionaries(
            {
                "custody": st.sampled_from([0.0, 1000.0]),
                "community": st.sampled_from([0.01, 999.99]),
            }
        ),
        "weights": st.fixed_dictionaries({"goals": st.sampled_from([0.0, 1000.0])}),
    }
)


@settings(max_examples=30)
@given(rounds(max_mentees=6, max_mentors=4), _EXTREME)
def test_any_round_the_checks_accept_runs(
    case: dict[str, object], extreme: dict[str, object]
) -> None:
    config = config_from_dict(extreme)
    names = {k: f"{k}.csv" for k in KINDS}
    assert check_round(case["mentees"], case["mentors"], case["existing"], case["supervisors"],  # type: ignore[arg-type]
                       config, names) == []  # fmt: skip
    result = match(
        case["mentees"],  # type: ignore[arg-type]
        case["mentors"],  # type: ignore[arg-type]
        config,
        existing=case["existing"],  # type: ignore[arg-type]
        supervisors=case["supervisors"],  # type: ignore[arg-type]
        as_of=AS_OF,
    )
    assert result.solver.status == "optimal"


def test_too_many_distinct_languages(tmp_path: Path) -> None:
    head, row = (BASE / "mentees.csv").read_text().splitlines()[:2]
    langs = ";".join(f"lang{k:04d}" for k in range(20))
    rows = [
        row.replace("E1,", f"E{i},", 1).replace(",english,", f",{langs},", 1) for i in range(60)
    ]
    path = tmp_path / "mentees.csv"
    path.write_text("\n".join([head, *(r.replace("lang", f"l{i}x") for i, r in enumerate(rows))]))
    with pytest.raises(InputError, match="names 1201 distinct languages; at most 1000"):
        load_caseload(path, BASE / "mentors.csv", config=config_from_dict({}))


def test_match_refuses_a_run_date_outside_the_range() -> None:
    c = load_caseload(BASE / "mentees.csv", BASE / "mentors.csv")
    with pytest.raises(ParameterError, match="The 'as_of' parameter of match must be a date"):
        match(c.mentees, c.mentors, as_of=date(9999, 1, 1))
