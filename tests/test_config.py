"""Config: defaults match configs/default.toml; every bad key or value fails loudly."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.config import Config, config_from_dict, load_config
from matcher.criteria import CRITERION_NAMES
from matcher.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_default_file_equals_builtin_defaults() -> None:
    assert load_config(ROOT / "configs" / "default.toml") == Config() == load_config(None)


def test_every_default_key_has_a_comment() -> None:
    for line in (ROOT / "configs" / "default.toml").read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            assert "#" in line, f"no comment on: {line}"


def test_weights_derive_from_registry() -> None:
    assert tuple(Config().weight_vector()) == CRITERION_NAMES


def test_misspelt_key_is_named(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text("[weights]\ngoal = 2.0\n")
    with pytest.raises(ConfigError, match=r"c.toml: unknown key 'weights.goal'"):
        load_config(p)
    with pytest.raises(ConfigError, match=r"unknown key 'wieghts'"):
        config_from_dict({"wieghts": {}})


def test_negative_weight_and_all_zero() -> None:
    with pytest.raises(ConfigError, match=r"'weights.goals' must be >= 0; got -1"):
        config_from_dict({"weights": {"goals": -1}})
    with pytest.raises(ConfigError, match="at least one weight must be > 0"):
        config_from_dict({"weights": dict.fromkeys(CRITERION_NAMES, 0)})


def test_partial_config_keeps_other_defaults() -> None:
    c = config_from_dict({"weights": {"goals": 5}, "rules": {"min_shared_slots": 2}})
    assert c.weights.goals == 5 and c.weights.expectations == 2.0  # type: ignore[attr-defined]
    assert c.rules.min_shared_slots == 2 and c.rules.require_prison_clearance is False


def test_bad_toml_and_missing(tmp_path: Path) -> None:
    p = tmp_path / "bad.toml"
    p.write_text("[weights\n")
    with pytest.raises(ConfigError, match="bad.toml: not valid TOML"):
        load_config(p)
    with pytest.raises(ConfigError, match="nope.toml: file not found"):
        load_config(tmp_path / "nope.toml")


def test_cp_sat_parameters_pass_through() -> None:
    c = config_from_dict({"solver": {"cp_sat": {"random_seed": 3}}})
    assert c.solver.cp_sat == {"random_seed": 3}


def test_unknown_cp_sat_parameter_fails_at_load() -> None:
    with pytest.raises(ConfigError, match="unknown CP-SAT parameter 'randm_seed'"):
        config_from_dict({"solver": {"cp_sat": {"randm_seed": 1}}})


def test_allowed_cp_sat_parameters_pass_through_and_others_are_refused() -> None:
    from matcher.config import CP_SAT_ALLOWED, CP_SAT_OWN_KEYS

    good = {"random_seed": 3, "relative_gap_limit": 0.01, "cp_model_presolve": False}
    assert config_from_dict({"solver": {"cp_sat": good}}).solver.cp_sat == good
    assert set(CP_SAT_OWN_KEYS) >= {"num_workers", "max_time_in_seconds"}
    for key, (kind, _lo, hi) in CP_SAT_ALLOWED.items():
        wrong = "text" if kind is bool else True  # a bool is not a number, text not a bool
        with pytest.raises(ConfigError, match=f"CP-SAT parameter '{key}' must be"):
            config_from_dict({"solver": {"cp_sat": {key: wrong}}})
        if kind is not bool:
            with pytest.raises(ConfigError, match="must be between"):
                config_from_dict({"solver": {"cp_sat": {key: kind(hi) * 2 + 1}}})
    with pytest.raises(ConfigError, match="'log_search_progress' is not one a config may set"):
        config_from_dict({"solver": {"cp_sat": {"log_search_progress": True}}})


def test_types_are_strict() -> None:
    for section, key, value in [
        ("weights", "goals", True),
        ("weights", "goals", "2"),
        ("rules", "min_shared_slots", 2.0),
        ("rules", "same_region", "true"),
        ("solver", "workers", 1.5),
    ]:
        with pytest.raises(ConfigError, match=f"'{section}.{key}' must be"):
            config_from_dict({section: {key: value}})
    assert config_from_dict({"weights": {"goals": 2}}).weights.goals == 2.0  # type: ignore[attr-defined]


def test_config_file_must_be_a_small_regular_file(tmp_path: Path) -> None:
    big = tmp_path / "big.toml"
    big.write_text("# padding\n" * 200_000)
    with pytest.raises(ConfigError, match="big.toml: is larger than the limit of 1 MiB"):
        load_config(big)
    with pytest.raises(ConfigError, match=r"d.toml: is a folder, not a file"):
        (tmp_path / "d.toml").mkdir()
        load_config(tmp_path / "d.toml")
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ConfigError, match="deep.toml: not valid TOML"):
        load_config(deep)


def test_gap_limit_is_a_share_below_one() -> None:
    assert config_from_dict({}).solver.gap_limit == 1e-4
    assert config_from_dict({"solver": {"gap_limit": 0}}).solver.gap_limit == 0.0
    for bad in (1.0, -0.01, "0.1"):
        with pytest.raises(ConfigError, match="'solver.gap_limit'"):
            config_from_dict({"solver": {"gap_limit": bad}})
