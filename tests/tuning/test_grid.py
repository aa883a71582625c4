"""grid.toml: checked like a config file, expanded in a fixed order."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.errors import ConfigError
from matcher.tuning import grid_from_dict, load_grid


def _grid(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "grid.toml"
    p.write_text(text)
    return p


def test_every_combination_in_file_order(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text("[weights]\nfaith = 0.0\n")
    grid = load_grid(
        _grid(
            tmp_path,
            'base = "base.toml"\n[vary.weights]\ngoals = [1.0, 3.0]\n'
            "[vary.rules]\nsame_region = [false, true]\n",
        )
    )
    assert grid.keys == ("weights.goals", "rules.same_region")
    assert grid.combinations == ((1.0, False), (1.0, True), (3.0, False), (3.0, True))
    for combo, cfg in zip(grid.combinations, grid.configs, strict=True):
        assert (cfg.weights.goals, cfg.rules.same_region) == combo
        assert cfg.weights.faith == 0.0  # from the base, relative to the grid file


def test_dotted_keys_under_vary_read_the_same(tmp_path: Path) -> None:
    a = load_grid(_grid(tmp_path, "[vary]\nweights.goals = [1.0, 2.0]\n"))
    b = grid_from_dict({"vary": {"weights": {"goals": [1.0, 2.0]}}})
    assert a.configs == b.configs


def test_samples_are_distinct_combinations_the_same_for_a_seed() -> None:
    data = {
        "samples": 5,
        "seed": 3,
        "vary": {"weights": {"goals": [1, 2, 3, 4], "location": [1, 2, 3]}},
    }
    a, b = grid_from_dict(data), grid_from_dict(data)
    assert a.combinations == b.combinations
    assert len(set(a.combinations)) == 5
    other = grid_from_dict({**data, "seed": 4})
    assert len(other.combinations) == 5
    assert len(grid_from_dict({**data, "samples": 99}).configs) == 12  # never more than all


def test_no_vary_is_the_base_alone() -> None:
    grid = grid_from_dict({})
    assert grid.keys == () and len(grid.configs) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"vary": {"weights": {"golas": [1.0]}}},
            "grid: unknown key 'vary.weights.golas' (check the spelling)",
        ),
        (
            {"vary": {"wieghts": {"goals": [1.0]}}},
            "grid: unknown key 'vary.wieghts.goals' (check the spelling)",
        ),
        ({"varry": {}}, "grid: unknown key 'varry' (check the spelling)"),
        (
            {"vary": {"weights": {"goals": 3.0}}},
            "grid: 'vary.weights.goals' must be a non-empty list of values; got 3.0",
        ),
        (
            {"vary": {"weights": {"goals": [1.0, -2.0]}}},
            "grid [vary.weights.goals]: 'weights.goals' must be >= 0; got -2.0",
        ),
        (
            {"vary": {"rules": {"allow_unknown_columns": [True]}}},
            "grid: 'vary.rules.allow_unknown_columns' cannot be varied",
        ),
        (
            {"samples": 0, "vary": {"weights": {"goals": [1.0]}}},
            "grid: 'samples' must be an integer >= 1; got 0",
        ),
        ({"base": "missing.toml"}, "missing.toml: file not found"),
    ],
)
def test_errors_name_the_key(data: dict, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        grid_from_dict(data)
    assert str(err.value).startswith(message)


def test_a_combination_a_config_refuses_names_it() -> None:
    zero = {
        c: [0.0]
        for c in (
            "goals",
            "expectations",
            "gender",
            "ethnicity",
            "faith",
            "language",
            "availability",
            "location",
            "through_the_gate",
            "continuity",
            "lived_experience",
        )
    }
    zero["goals"] = [1.0, 0.0]
    with pytest.raises(ConfigError, match="grid config 2: at least one weight must be > 0"):
        grid_from_dict({"vary": {"weights": zero}})


def test_bad_toml_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="grid.toml: not valid TOML"):
        load_grid(_grid(tmp_path, "[vary\n"))
