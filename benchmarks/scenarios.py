"""The benchmark scenarios and the caseloads they run on.

Every caseload comes from ``matcher generate`` (:func:`matcher.generate_caseload`, with its
running relationships, supervisors and prisons), cached under ``benchmarks/_work/``
(git-ignored), then changed by at most these documented steps:

- **counts only** (``regional``, ``national``, ``stress``, ``scaling``): weekly hours cannot
  bind. The mentees' own ``support_hours`` column is emptied and the config's
  ``[support_hours]`` are all 0, so every relationship takes 0 hours; seats and supervisor
  caps still bind. The ``-hours`` variants keep the generated files and the default config:
  there weekly hours bind.
- **fixed density** (``scaling``): the generator places mentors over England and Wales with a
  reach in km, so at a fixed mentees : mentors ratio the pairs per mentee grow with the
  number of mentors (51 at 10k x 2k, 264 at 50k x 10k). The scaling series holds the
  candidate graph's density instead: each mentor's ``max_travel_km`` is multiplied by
  ``(2000 / mentors) ** 0.75`` (about the density of 10k x 2k at every size). The exponent
  is measured, not geometric: with ``sqrt`` (uniform geography) pairs per mentee still grew
  as ``mentors ** 0.33`` (24 at 1k to 65 at 20k), since people cluster in towns.
- **weekly**: 400 new referrals against 2 000 mentors; the generator gives about 640
  running relationships for 2 000 mentors, so more are added (seeded, one at a time to a
  random mentor with a seat and the default hours left) up to 1 500.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "NAMES",
    "SCALING_SIZES",
    "SCENARIOS",
    "WORK",
    "Caseload",
    "Scenario",
    "caseload_for",
]

WORK = Path(__file__).resolve().parent / "_work"
#: The run date of every generated round (the generator's default reference date).
AS_OF = "2026-01-05"
#: Mentees in the scaling series (mentors one fifth as many).
SCALING_SIZES: tuple[int, ...] = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000)
_DENSITY_MENTORS = 2_000  # scaling: each size at about the pair density of 10k x 2k
_REACH_EXPONENT = 0.75  # measured: see the module docstring
_COUNTS_ONLY = {"support_hours": {"weekly": 0.0, "fortnightly": 0.0, "monthly": 0.0,
                                  "existing": 0.0}}  # fmt: skip


@dataclass(frozen=True)
class Caseload:
    """One caseload a scenario runs: its generation parameters and changes."""

    mentees: int
    mentors: int
    seed: int
    hours: bool  # weekly hours as generated (True) or 0 hours per relationship (False)
    reach_scale: float = 1.0
    existing_total: int = 0  # top the running relationships up to this many (0: as generated)

    @property
    def key(self) -> str:
        parts = [f"{self.mentees}x{self.mentors}", f"s{self.seed}", "h" if self.hours else "c"]
        if self.reach_scale != 1.0:
            parts.append(f"r{self.reach_scale:.4f}")
        if self.existing_total:
            parts.append(f"x{self.existing_total}")
        return "-".join(parts)

    def config(self, time_limit: float) -> dict[str, Any]:
        """The round's config (a ``matcher.Config`` as a dict): default, or counts only."""
        cfg: dict[str, Any] = {"solver": {"time_limit_seconds": time_limit}}
        if not self.hours:
            cfg.update(_COUNTS_ONLY)
        return cfg


@dataclass(frozen=True)
class Scenario:
    """A named benchmark: the caseloads it runs, or OR-Library, or an estimate only."""

    name: str
    description: str
    kind: str  # "caseload", "orlib" or "estimate"
    caseloads: tuple[Caseload, ...] = ()
    methods: tuple[str, ...] = ("greedy", "scipy_sparse", "hospital_resident", "min_cost_flow",
                                "cp_sat")  # fmt: skip
    options: dict[str, Any] = field(default_factory=dict)


def _scaling(sizes: Sequence[int]) -> tuple[Caseload, ...]:
    return tuple(
        Caseload(n, n // 5, 1, False, reach_scale=(_DENSITY_MENTORS / (n // 5)) ** _REACH_EXPONENT)
        for n in sizes
    )


def _pair(
    name: str, n: int, m: int, seed: int, what: str, kind: str = "caseload"
) -> list[Scenario]:
    return [
        Scenario(name, f"{what}, {n:,} x {m:,}, counts only (hours cannot bind)", kind,
                 (Caseload(n, m, seed, False),)),
        Scenario(f"{name}-hours", f"{what}, {n:,} x {m:,}, weekly hours bind", kind,
                 (Caseload(n, m, seed, True),)),
    ]  # fmt: skip


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in [
        Scenario("smoke", "tiny: 60 x 15, weekly hours bind (runs in the test suite)",
                 "caseload", (Caseload(60, 15, 1, True),), options={"time_limit": 10.0}),
        *_pair("regional", 10_000, 2_000, 3, "one region"),
        *_pair("national", 50_000, 10_000, 5, "England and Wales"),
        *_pair("stress", 200_000, 40_000, 7, "stress", kind="estimate"),
        Scenario("weekly", "a weekly round: 400 referrals, 2,000 mentors carrying 1,500 "
                 "running relationships, weekly hours bind", "caseload",
                 (Caseload(400, 2_000, 4, True, existing_total=1_500),)),
        Scenario("scaling", "1k to 200k mentees (mentors a fifth), fixed pair density, "
                 "counts only", "caseload", _scaling(SCALING_SIZES)),
        Scenario("orlib", "OR-Library generalised assignment gap1-12, gapa-d", "orlib",
                 methods=("greedy", "scipy_sparse", "hospital_resident", "min_cost_flow",
                          "cp_sat")),
    ]
}  # fmt: skip
#: Scenario names in the order ``make bench`` runs them (stress last: it extrapolates).
NAMES: tuple[str, ...] = tuple(SCENARIOS)


def scaling(sizes: Sequence[int]) -> Scenario:
    """The scaling scenario restricted to ``sizes`` mentees."""
    base = SCENARIOS["scaling"]
    return Scenario(base.name, base.description, base.kind, _scaling(sizes), base.methods)


# --- building the files -----------------------------------------------------------------


def _rewrite(path: Path, change: Any) -> None:
    """Rewrite a CSV file row by row: ``change(row)`` edits each dict in place."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        names = list(reader.fieldnames or [])
        rows = list(reader)
    for row in rows:
        change(row)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, names, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    tmp.replace(path)


def _top_up_existing(folder: Path, total: int, seed: int) -> None:
    """Add running relationships (1 h each) to random mentors with room, up to ``total``."""
    with (folder / "mentors.csv").open(newline="", encoding="utf-8") as fh:
        mentors = list(csv.DictReader(fh))
    with (folder / "existing.csv").open(newline="", encoding="utf-8") as fh:
        existing = list(csv.DictReader(fh))
    index = {m["id"]: j for j, m in enumerate(mentors)}
    seats = np.array([int(m["capacity"]) for m in mentors])
    hours = np.array([float(m["max_hours"]) for m in mentors])
    for rel in existing:
        j = index[rel["mentor_id"]]
        seats[j] -= 1
        hours[j] -= float(rel["hours"] or 1.0)
    rng = np.random.default_rng(seed)
    k = 0
    while len(existing) < total:
        room = np.flatnonzero((seats > 0) & (hours >= 1.0))
        if room.size == 0:
            break
        j = int(rng.choice(room))
        k += 1
        existing.append({"mentee_id": f"W{k:06d}", "mentor_id": mentors[j]["id"], "hours": "1"})
        seats[j] -= 1
        hours[j] -= 1.0
    with (folder / "existing.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["mentee_id", "mentor_id", "hours"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(existing)


def caseload_for(c: Caseload, work: Path = WORK) -> Path:
    """The folder holding caseload ``c`` (generated and changed once, then cached)."""
    folder = work / c.key
    if (folder / "done").exists():
        return folder
    from matcher import generate_caseload

    generate_caseload(c.mentees, c.mentors, c.seed, folder)
    if not c.hours:
        _rewrite(folder / "mentees.csv", lambda r: r.update(support_hours=""))
    if c.reach_scale != 1.0:
        scale = c.reach_scale

        def reach(row: dict[str, str]) -> None:
            row["max_travel_km"] = f"{float(row['max_travel_km']) * scale:.2f}"

        _rewrite(folder / "mentors.csv", reach)
    if c.existing_total:
        _top_up_existing(folder, c.existing_total, c.seed)
    (folder / "done").write_text(c.key + "\n")
    return folder
