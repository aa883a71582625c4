"""The memory plan of a round: its peak estimated from its counts, refused up front if too big.

A national round's memory is dominated by its candidate pairs (8 bytes each, for the
whole round) and, when every pair is in the solver, the solver's model of them (about
200 bytes each); the per-mentee records, rows and outputs come next. :func:`pair_check`
returns the check the candidate search runs once it knows the most pairs the round can
have (its grid entries, an upper bound) and *before* it allocates anything per pair:
the estimated peak is the process's resident memory at that moment plus what the rest
of the round adds (:func:`estimate_peak`). Above the limit the round is refused with one
line (:class:`~matcher.errors.MemoryLimitError`, exit 2) instead of being killed by the
system's out-of-memory killer halfway.

The limit is ``solver.memory_limit_gib`` or, when it is 0 (the default), the memory
available to the process: its resident memory plus what the system can still give it
(``MemAvailable`` in ``/proc/meminfo``, and the room left under the process's cgroup
limit, v2 or v1). Elsewhere than Linux no limit is known and nothing is refused.

The coefficients were measured (peak resident memory of ``matcher match`` on generated
caseloads of 10k, 25k and 50k mentees, both solver paths; ``benchmarks/results/memory.md``)
and carry a margin; the pair arrays are counted at their upper bound, so the candidate
search never relies on the system overcommitting memory.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from matcher.errors import MemoryLimitError

__all__ = [
    "PeakEstimate",
    "available_bytes",
    "estimate_peak",
    "memory_limit",
    "pair_check",
    "resident_bytes",
]

GIB = 2**30
#: Bytes per candidate pair kept for the whole round (mentor, score steps; the mentees are
#: CSR offsets, per mentee).
PAIR_BYTES = 8
#: Bytes per pair of the all-pairs solver (its integer model, flow arcs and copies).
SOLVER_PAIR_BYTES = 240
#: Bytes per mentee of the solver by pricing (working set, simplex, sweeps' outputs).
PRICING_MENTEE_BYTES = 3_000
#: Bytes per mentee of the rows, explanations and written outputs (``result.json``).
OUTPUT_MENTEE_BYTES = 9_000
#: Bytes per mentor of the mentor-side arrays and their share of the outputs.
MENTOR_BYTES = 3_000
#: Relative margin and a fixed allowance on top of the estimate.
MARGIN = 0.10
ALLOWANCE = 64 * 2**20


@dataclass(frozen=True)
class PeakEstimate:
    """A round's estimated peak resident memory, from its counts."""

    resident: int  # bytes resident when estimated
    mentees: int  # mentees in the round (rows written)
    to_match: int  # mentees the solver matches
    mentors: int
    pairs: int  # most candidate pairs the round can have
    pricing_from: int | None  # rounds of this many pairs or more are solved by pricing

    @property
    def solver(self) -> int:
        """Bytes the solver adds: every pair's model, or (pricing) a working set; a round
        under the pricing threshold may still hold every one of its fewer pairs."""
        every = SOLVER_PAIR_BYTES * self.pairs
        if self.pricing_from is None or self.pairs < self.pricing_from:
            return every
        below = SOLVER_PAIR_BYTES * max(self.pricing_from - 1, 0)
        return max(PRICING_MENTEE_BYTES * self.to_match, below)

    @property
    def peak(self) -> int:
        """Estimated peak resident bytes of the process."""
        store = PAIR_BYTES * self.pairs
        outputs = OUTPUT_MENTEE_BYTES * self.mentees + self.pairs  # + 1 byte a pair (limits)
        extra = store + max(self.solver, outputs) + MENTOR_BYTES * self.mentors
        return int(self.resident + extra * (1 + MARGIN) + ALLOWANCE)


def estimate_peak(
    mentees: int, to_match: int, mentors: int, pairs: int, pricing_from: int | None
) -> PeakEstimate:
    """The estimate for a round of these counts, from the memory resident now."""
    return PeakEstimate(resident_bytes(), mentees, to_match, mentors, pairs, pricing_from)


def resident_bytes(statm: str | Path = "/proc/self/statm") -> int:
    """This process's resident memory in bytes (0 where ``/proc`` is not there)."""
    try:
        fields = Path(statm).read_text().split()
    except OSError:
        return 0
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE") if len(fields) > 1 else 0


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None  # "max" (no limit) is not a number


def _cgroup_room(proc_cgroup: Path, root: Path) -> int | None:
    """Bytes left under this process's cgroup memory limit (v2, else v1), if any."""
    try:
        lines = proc_cgroup.read_text().splitlines()
    except OSError:
        return None
    room: int | None = None
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        rel = path.lstrip("/")
        if controllers == "":  # v2: limits on every level up to the root count
            here = root / rel
            while True:
                limit = _read_int(here / "memory.max")
                used = _read_int(here / "memory.current")
                if limit is not None and used is not None:
                    left = max(limit - used, 0)
                    room = left if room is None else min(room, left)
                if here == root or root not in here.parents:
                    break
                here = here.parent
        elif "memory" in controllers.split(","):  # v1
            base = root / "memory" / rel
            limit = _read_int(base / "memory.limit_in_bytes")
            used = _read_int(base / "memory.usage_in_bytes")
            if limit is not None and used is not None and limit < 2**60:
                left = max(limit - used, 0)
                room = left if room is None else min(room, left)
    return room


def available_bytes(
    meminfo: str | Path = "/proc/meminfo",
    proc_cgroup: str | Path = "/proc/self/cgroup",
    cgroup_root: str | Path = "/sys/fs/cgroup",
) -> int | None:
    """Bytes the system can still give this process: ``MemAvailable``, capped by the room
    left under its cgroup's memory limit. None when neither is known."""
    avail: int | None = None
    try:
        for line in Path(meminfo).read_text().splitlines():
            if line.startswith("MemAvailable:"):
                avail = int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        avail = None
    room = _cgroup_room(Path(proc_cgroup), Path(cgroup_root))
    known = [v for v in (avail, room) if v is not None]
    return min(known) if known else None


def memory_limit(limit_gib: float) -> int | None:
    """The limit in bytes: ``limit_gib`` GiB, or (0) resident plus available memory."""
    if limit_gib > 0:
        return int(limit_gib * GIB)
    avail = available_bytes()
    return None if avail is None else resident_bytes() + avail


def pair_check(
    limit_gib: float, mentees: int, to_match: int, mentors: int, pricing_from: int | None
) -> Callable[[int], None]:
    """The check the candidate search runs with the most pairs the round can have.

    ``pricing_from``: rounds with at least this many pairs are solved by pricing (None:
    never). The check raises :class:`~matcher.errors.MemoryLimitError` when the estimated
    peak exceeds the limit (:func:`memory_limit`).
    """

    def check(pairs: int) -> None:
        limit = memory_limit(limit_gib)
        if limit is None:
            return
        est = estimate_peak(mentees, to_match, mentors, pairs, pricing_from)
        if est.peak > limit:
            source = "solver.memory_limit_gib" if limit_gib > 0 else (
                "the memory available; solver.memory_limit_gib sets it")  # fmt: skip
            raise MemoryLimitError(
                f"this round needs an estimated {est.peak / GIB:.1f} GiB of memory at its "
                f"peak ({mentees} mentees, {mentors} mentors, up to {pairs} candidate "
                f"pairs), over the limit of {limit / GIB:.1f} GiB ({source}); keep fewer "
                "pairs (solver.max_candidates_per_mentee), split the round (by region), "
                "or run it where more memory is free"
            )

    return check
