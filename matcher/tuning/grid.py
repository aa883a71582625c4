"""``grid.toml``: the configs a sweep runs, checked like a config file.

A grid names an optional base config and, under ``[vary]``, a list of values per dotted
config key; the sweep runs every combination (the first key varying slowest), or
``samples`` of them drawn at random (``seed``), each at most once::

    base = "configs/default.toml"   # optional; relative to this file
    samples = 12                    # optional: this many combinations at random
    seed = 0                        # optional: the draw (default 0)

    [vary.weights]
    goals = [1.0, 3.0, 12.0]
    location = [0.5, 1.0]

    [vary.rules]
    same_region = [false, true]

Every key is checked: a misspelt or unknown key is an error naming it, and a value a
config would refuse is an error naming the key and the value, as the config loader does.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

from matcher.config import MAX_CONFIG_BYTES, Config, config_from_dict, load_config
from matcher.errors import ConfigError
from matcher.inputs.files import UnreadableFile, read_text

__all__ = ["Grid", "MAX_CONFIGS", "grid_from_dict", "load_grid"]

#: The most configs one grid may expand to (a guard against a runaway product).
MAX_CONFIGS = 10_000
_TOP_KEYS = ("base", "samples", "seed", "vary")
#: Keys a sweep cannot vary: they change how the files load, not how a round scores.
_FIXED = {"rules.allow_unknown_columns"}


@dataclass(frozen=True)
class Grid:
    """The configs of a sweep.

    Attributes
    ----------
    base : Config
        What every config starts from.
    keys : tuple of str
        The varied dotted keys, in file order (the sweep's first columns).
    values : tuple of tuple
        Each key's values, in file order.
    configs : tuple of Config
        One per combination run, in order.
    combinations : tuple of tuple
        The varied values of each config, in ``keys`` order.
    """

    base: Config
    keys: tuple[str, ...]
    values: tuple[tuple[Any, ...], ...]
    configs: tuple[Config, ...]
    combinations: tuple[tuple[Any, ...], ...]


def _leaves(table: dict[str, Any], prefix: str) -> Iterator[tuple[str, Any]]:
    for key, value in table.items():
        dotted = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            yield from _leaves(value, dotted)
        else:
            yield dotted, value


def _known(key: str) -> bool:
    """Whether a dotted key names a config setting (``solver.cp_sat.*`` passes through)."""
    parts = key.split(".")
    model: type[BaseModel] = Config
    for k, part in enumerate(parts):
        field = model.model_fields.get(part)
        if field is None:
            return False
        ann = field.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            model = ann
            continue
        if model.__name__ == "SolverConfig" and part == "cp_sat":
            return k == len(parts) - 2
        return k == len(parts) - 1
    return False


def _nested(key: str, value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    node = out
    parts = key.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return out


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _int(data: dict[str, Any], key: str, name: str, low: int) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ConfigError(f"{name}: '{key}' must be an integer >= {low}; got {value!r}")
    return value


def _sample(total: int, k: int, seed: int) -> list[int]:
    """``k`` distinct combination numbers of ``total``, at random (Floyd's algorithm)."""
    rng = np.random.default_rng(seed)
    chosen: set[int] = set()
    for t in range(total - k, total):
        pick = int(rng.integers(0, t + 1))
        chosen.add(t if pick in chosen else pick)
    return sorted(chosen)


def _combination(index: int, values: tuple[tuple[Any, ...], ...]) -> tuple[Any, ...]:
    out = []
    for vals in reversed(values):  # the last key varies fastest
        index, k = divmod(index, len(vals))
        out.append(vals[k])
    return tuple(reversed(out))


def grid_from_dict(data: dict[str, Any], name: str = "grid", base_dir: Path | None = None) -> Grid:
    """Check a grid given as nested dicts (as TOML parses it) and expand its configs.

    Parameters
    ----------
    data : dict
        The parsed file.
    name : str
        The file's name, for messages.
    base_dir : Path, optional
        Where a relative ``base`` path is looked up (default: the working directory).

    Raises
    ------
    ConfigError
        An unknown key, a value that is not a list, a value a config refuses, a base
        config that does not load, or more than :data:`MAX_CONFIGS` configs.
    """
    for key in data:
        if key not in _TOP_KEYS:
            raise ConfigError(f"{name}: unknown key '{key}' (check the spelling)")
    base_path = data.get("base")
    if base_path is not None and not isinstance(base_path, str):
        raise ConfigError(f"{name}: 'base' must be a path to a config file; got {base_path!r}")
    base = Config()
    if base_path is not None:
        path = Path(base_path)
        base = load_config(path if path.is_absolute() or base_dir is None else base_dir / path)
    vary = data.get("vary", {})
    if not isinstance(vary, dict):
        raise ConfigError(f"{name}: 'vary' must be a table of keys and lists of values")
    keys: list[str] = []
    values: list[tuple[Any, ...]] = []
    base_dict = base.model_dump(mode="python")
    for key, vals in _leaves(vary, ""):
        where = f"vary.{key}"
        if not _known(key):
            raise ConfigError(f"{name}: unknown key '{where}' (check the spelling)")
        if key in _FIXED:
            raise ConfigError(f"{name}: '{where}' cannot be varied (it changes how files load)")
        if not isinstance(vals, list) or not vals:
            raise ConfigError(f"{name}: '{where}' must be a non-empty list of values; got {vals!r}")
        for v in vals:  # each value alone, so the message names the one a config refuses
            config_from_dict(_merge(base_dict, _nested(key, v)), source=f"{name} [{where}]")
        keys.append(key)
        values.append(tuple(vals))
    total = int(np.prod([len(v) for v in values], dtype=object)) if values else 1
    samples = _int(data, "samples", name, 1)
    seed = _int(data, "seed", name, 0) or 0
    count = total if samples is None else min(samples, total)
    if count > MAX_CONFIGS:
        raise ConfigError(
            f"{name}: {count} configs is more than {MAX_CONFIGS}; vary fewer values or set "
            "'samples'"
        )
    picks = range(total) if samples is None or samples >= total else _sample(total, count, seed)
    vals_t = tuple(values)
    combos = tuple(_combination(k, vals_t) for k in picks)
    configs = []
    for n, combo in enumerate(combos, start=1):
        over: dict[str, Any] = {}
        for key, v in zip(keys, combo, strict=True):
            over = _merge(over, _nested(key, v))
        configs.append(config_from_dict(_merge(base_dict, over), source=f"{name} config {n}"))
    return Grid(base, tuple(keys), vals_t, tuple(configs), combos)


def load_grid(path: str | Path) -> Grid:
    """Read and check ``grid.toml`` (see the module docstring).

    Raises
    ------
    ConfigError
        The file is missing or not TOML, or anything :func:`grid_from_dict` refuses.
    """
    path = Path(path)
    try:  # as a config: a small regular file only
        data = tomllib.loads(read_text(path, MAX_CONFIG_BYTES, "a grid is at most 1 MiB"))
    except UnreadableFile as exc:
        raise ConfigError(f"{path.name}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: not valid TOML ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path.name}: not valid TOML (nested too deeply)") from None
    return grid_from_dict(data, name=path.name, base_dir=path.parent)
