"""Fuzz the loaders and the config loader for a fixed time budget (not part of the tests).

Usage (from the repository root)::

    python benchmarks/fuzz_inputs.py --seconds 300 [--seed 1]

Hypothesis generates broken inputs: valid CSV, JSON and TOML files mutated byte by byte
or cell by cell with values that break spreadsheets and parsers (quotes, separators,
NUL, control characters, huge and non-finite numbers, placeholder dates, formula
characters), random JSON shapes, random config tables, and saved ``result.json`` files with
values replaced anywhere in their tree. Two properties:

1. Loading raises nothing but :class:`~matcher.errors.MatcherError`.
2. A caseload that loads (with its config) runs through every command's library call
   (the round, its three writers, the candidates writer, a shortlist) without any
   exception at all: what validates runs.

It prints one line per target and exits 1 with the failing example (Hypothesis shrinks
it) as soon as a property breaks. ``--seed`` makes a run repeatable.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher.candidates import find_candidates, write_candidates  # noqa: E402
from matcher.config import config_from_dict, load_config  # noqa: E402
from matcher.errors import MatcherError  # noqa: E402
from matcher.io import load_caseload  # noqa: E402
from matcher.outputs import OutputTransaction  # noqa: E402
from matcher.report import write_report  # noqa: E402
from matcher.round import (  # noqa: E402
    load_result,
    match,
    write_matches_csv,
    write_result_json,
)
from matcher.shortlist import shortlist  # noqa: E402

BASE = ROOT / "tests" / "data" / "bad" / "base"
KINDS = ("mentees", "mentors", "existing", "supervisors", "prisons")
TEXTS = {k: (BASE / f"{k}.csv").read_text(encoding="utf-8") for k in KINDS}
AS_OF = date(2026, 1, 5)

# Values that have broken, or could break, a loader or the engine.
NASTY = [
    "",
    " ",
    ",",
    ";",
    '"',
    '""',
    "\n",
    "\r\n",
    "\r",
    "\x00",
    "\x1b[31m",
    "\u202e",
    "\u2028",
    "\ufeff",
    "\ud7ff",
    "=1+1",
    "-1",
    "+1",
    "@x",
    "\t",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e400",
    "1e308",
    "1e20",
    "-0",
    "0",
    "1",
    "2",
    "0.5",
    "1.005",
    "168",
    "169",
    "1000",
    "1001",
    str(2**63),
    str(2**64),
    "9" * 400,
    "true",
    "false",
    "TRUE",
    "yes",
    "off",
    "9999-12-31",
    "2199-12-31",
    "2200-01-01",
    "1899-12-31",
    "0001-01-01",
    "2026-02-30",
    "2026-13-01",
    "20260101",
    "custody",
    "community",
    "none",
    "required",
    "mon_am",
    "E1",
    "M1",
    "S1",
    "HMP1",
    "X1",
    "english",
    "employment",
    "a;b;;",
    "x" * 70,
    "x" * 200_000,
]
nasty = st.sampled_from(NASTY) | st.text(max_size=12)


def _cells(text: str) -> list[list[str]]:
    return [line.split(",") for line in text.splitlines()]


@st.composite
def mutated_csv(draw: st.DrawFn, kind: str) -> bytes:
    """A base file with some cells replaced and some bytes flipped, inserted or dropped."""
    rows = _cells(TEXTS[kind])
    for _ in range(draw(st.integers(0, 4))):
        r = draw(st.integers(0, len(rows) - 1))
        c = draw(st.integers(0, len(rows[r]) - 1))
        rows[r][c] = draw(nasty)
    if draw(st.booleans()):
        rows.append(draw(st.lists(nasty, max_size=30)))
    data = bytearray("\n".join(",".join(r) for r in rows).encode("utf-8", "surrogatepass"))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        op = draw(st.sampled_from(["flip", "insert", "delete"]))
        if op == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "insert":
            data[at:at] = draw(st.binary(max_size=4))
        elif data:
            del data[at]
    return bytes(data)


json_values = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | nasty,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nasty, inner, max_size=4),
    max_leaves=12,
)


@st.composite
def mutated_json(draw: st.DrawFn, kind: str) -> bytes:
    """The base file as JSON objects with some values replaced, or any JSON at all."""
    head, *rows = _cells(TEXTS[kind])
    objs: list[Any] = [dict(zip(head, r, strict=False)) for r in rows]
    for _ in range(draw(st.integers(0, 4))):
        obj = draw(st.sampled_from(objs)) if objs else {}
        obj[draw(st.sampled_from(head) | nasty)] = draw(json_values)
    doc: Any = objs if draw(st.integers(0, 4)) else draw(json_values)
    text = json.dumps(doc, allow_nan=True)
    if draw(st.booleans()):
        text = text.replace('"id": ', '"id": "dup", "id": ', 1)
    return text.encode("utf-8", "surrogatepass")


config_tables = st.dictionaries(
    st.sampled_from(
        [
            "weights",
            "rules",
            "scoring",
            "support_hours",
            "priority",
            "objective",
            "solver",
            "limits",
            "nope",
        ]
    ),  # fmt: skip
    st.dictionaries(
        st.sampled_from(
            [
                "goals",
                "location",
                "min_shared_slots",
                "same_region",
                "location_half_km",
                "weekly",
                "existing",
                "custody",
                "release_window_days",
                "mode",
                "spread_load",
                "score_resolution",
                "relationship_months",
                "time_limit_seconds",
                "workers",
                "max_candidates_per_mentee",
                "cp_sat",
                "max_rows",
                "max_file_mib",
                "typo",
            ]
        ),  # fmt: skip
        json_values
        | st.dictionaries(
            st.sampled_from(["random_seed", "num_workers", "subsolvers", "relative_gap_limit"]),
            json_values,
            max_size=2,
        ),
        max_size=4,
    ),
    max_size=4,
)


def _saved_result() -> str:
    """The base caseload's result.json, as ``match --json`` writes it."""
    folder = Path(tempfile.mkdtemp(prefix="matcher-fuzz-"))
    try:
        c = load_caseload(*(BASE / f"{k}.csv" for k in KINDS))
        write_result_json(folder / "r.json", match(c.mentees, c.mentors, None, c.existing,
                                                     c.supervisors, c.prisons, AS_OF))  # fmt: skip
        return (folder / "r.json").read_text(encoding="utf-8")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@st.composite
def mutated_result(draw: st.DrawFn, saved: str) -> bytes:
    """A saved result.json with values replaced anywhere in its tree, or bytes changed."""
    doc = json.loads(saved)
    for _ in range(draw(st.integers(1, 4))):
        node: Any = doc
        while isinstance(node, dict | list) and node and draw(st.booleans()):
            key = draw(
                st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node)))
            )
            if not isinstance(node[key], dict | list) or not node[key]:
                node[key] = draw(json_values)
                break
            node = node[key]
    data = bytearray(json.dumps(doc, allow_nan=True).encode("utf-8", "surrogatepass"))
    if draw(st.booleans()) and data:
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


def _run_everything(folder: Path, files: dict[str, Path], config_path: Path | None) -> None:
    """Load; if that succeeds, every command's library path must succeed too."""
    config = load_config(config_path)
    c = load_caseload(*(files.get(k) for k in KINDS), config=config)  # type: ignore[arg-type]
    out = folder / "out"
    inputs = [*files.values(), config_path]
    with OutputTransaction([out / "m.csv", out / "r.json", out / "r.html"], inputs=inputs):
        result = match(c.mentees, c.mentors, config, c.existing, c.supervisors, c.prisons, AS_OF)
        write_matches_csv(out / "m.csv", result)
        write_result_json(out / "r.json", result)
        write_report(out / "r.html", result)
    cands = find_candidates(c.mentees, c.mentors, config, as_of=AS_OF)
    write_candidates(out / "pairs.csv", cands, c.mentees, c.mentors)
    if c.mentees:
        shortlist(c.mentees[0], c.mentors, config, k=3, existing=c.existing, as_of=AS_OF,
                  supervisors=c.supervisors)  # fmt: skip


#: Examples per Hypothesis run; the budget is checked between runs.
BATCH = 20
#: Examples that took longer than SLOW seconds: (seconds, what they were).
SLOW = 10.0
slow: list[tuple[float, str]] = []
#: How many examples were refused with a MatcherError, and how many loaded and then ran.
outcomes = {"refused": 0, "ran": 0}


def _with_files(contents: dict[str, bytes], suffix: dict[str, str], toml: str | None) -> None:
    folder = Path(tempfile.mkdtemp(prefix="matcher-fuzz-"))
    start = time.monotonic()
    try:
        files = {}
        for kind in KINDS:
            files[kind] = folder / f"{kind}{suffix.get(kind, '.csv')}"
            files[kind].write_bytes(contents.get(kind, TEXTS[kind].encode()))
        config_path = None
        if toml is not None:
            config_path = folder / "c.toml"
            config_path.write_text(toml, encoding="utf-8", errors="surrogatepass")
        try:
            _run_everything(folder, files, config_path)
            outcomes["ran"] += 1
        except MatcherError:
            outcomes["refused"] += 1  # refused cleanly (anything else fails the target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        took = time.monotonic() - start
        if took > SLOW:
            what = {k: v[:200] for k, v in contents.items()} | {"config": (toml or "")[:200]}
            slow.append((took, repr(what)))
            print(f"slow example ({took:.0f} s): {what!r}", file=sys.stderr, flush=True)


def _toml(table: dict[str, Any]) -> str:
    lines = []
    for section, keys in table.items():
        lines.append(f"[{section}]")
        for key, value in keys.items():
            lines.append(f"{key} = {json.dumps(value, allow_nan=True)}")
    return "\n".join(lines) + "\n"


def _targets() -> dict[str, Callable[[], None]]:
    common = settings(
        database=None, deadline=None, suppress_health_check=list(HealthCheck), max_examples=BATCH
    )

    @common
    @given(st.sampled_from(KINDS).flatmap(lambda k: st.tuples(st.just(k), mutated_csv(k))))
    def csv_files(case: tuple[str, bytes]) -> None:
        _with_files({case[0]: case[1]}, {}, None)

    @common
    @given(st.sampled_from(KINDS).flatmap(lambda k: st.tuples(st.just(k), mutated_json(k))))
    def json_files(case: tuple[str, bytes]) -> None:
        _with_files({case[0]: case[1]}, {case[0]: ".json"}, None)

    @common
    @given(config_tables)
    def config_values(table: dict[str, Any]) -> None:
        try:
            config_from_dict(table)
        except MatcherError:
            pass
        _with_files({}, {}, _toml(table))

    @common
    @given(st.text(max_size=200))
    def config_text(text: str) -> None:
        _with_files({}, {}, text)

    saved = _saved_result()

    @common
    @given(mutated_result(saved))
    def result_files(data: bytes) -> None:
        folder = Path(tempfile.mkdtemp(prefix="matcher-fuzz-"))
        try:
            (folder / "r.json").write_bytes(data)
            load_result(folder / "r.json")
        except MatcherError:
            pass
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    return {
        "result_files": result_files,
        "csv_files": csv_files,
        "json_files": json_files,
        "config_values": config_values,
        "config_text": config_text,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="time budget (default 60)")
    parser.add_argument("--seed", type=int, default=0, help="first Hypothesis seed (default 0)")
    args = parser.parse_args()
    logging.getLogger("matcher").setLevel(logging.ERROR)  # loaders' warnings are expected
    deadline = time.monotonic() + args.seconds
    targets = _targets()
    runs = dict.fromkeys(targets, 0)
    batch = args.seed
    while time.monotonic() < deadline:
        for name, target in targets.items():
            if time.monotonic() >= deadline:
                break
            seed(batch)(target)()  # up to BATCH examples; raises on a broken property
            runs[name] += 1
        batch += 1
    took = time.monotonic() - deadline + args.seconds
    print(f"fuzzed for {took:.0f} s from seed {args.seed}")
    for name, n in runs.items():
        print(f"{name}: {n} runs of up to {BATCH} examples, no exception but MatcherError")
    print(
        f"file examples: {outcomes['refused']} refused with a clear error, {outcomes['ran']} "
        "loaded and ran through every command's library path"
    )
    print(f"{len(slow)} example(s) took over {SLOW:g} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
