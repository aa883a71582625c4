"""The relationship files and cells: running relationships, supervisors, exclusions.

They link mentees and mentors, so they are drawn after both, from a third stream of the
seed: ``existing.csv``, ``supervisors.csv``, each mentor's ``supervisor`` and each mentee's
``exclude_mentors``.
"""

from __future__ import annotations

import math

import numpy as np

from matcher.synth.calibration import (
    EXCLUDE_SHARE,
    EXISTING_DEFAULT_HOURS,
    EXISTING_HOURS_MISSING,
    EXISTING_HOURS_VALUES,
    EXISTING_SECOND,
    EXISTING_SHARE,
    MENTORS_PER_SUPERVISOR,
    SUPERVISED_SHARE,
    SUPERVISOR_HEADROOM,
)
from matcher.synth.cells import blank, fmt_int, fmt_num, id_cells
from matcher.synth.draws import IntArray, StrArray
from matcher.synth.geography import REGIONS
from matcher.synth.mentors import MentorFacts

__all__ = ["exclusion_cells", "existing_columns", "supervisor_columns"]


def existing_columns(
    rng: np.random.Generator, facts: MentorFacts
) -> tuple[dict[str, StrArray], IntArray]:
    """Running relationships within each mentor's capacity and hours; count per mentor."""
    m = len(facts.capacity)
    k = (rng.random(m) < EXISTING_SHARE).astype(np.int64)
    k += k * (rng.random(m) < EXISTING_SECOND)
    missing = rng.random(m) < EXISTING_HOURS_MISSING
    hours = np.asarray(EXISTING_HOURS_VALUES)[rng.integers(0, len(EXISTING_HOURS_VALUES), m)]
    load = np.where(missing, EXISTING_DEFAULT_HOURS, hours)
    k = np.minimum(k, np.minimum(facts.capacity, np.floor(facts.max_hours / load).astype(np.int64)))
    mentor = np.repeat(np.arange(m), k)
    cols = {
        "mentee_id": id_cells("X", len(mentor), 6),
        "mentor_id": id_cells("M", m, 5)[mentor],
        "hours": blank(fmt_num(hours[mentor]), ~missing[mentor]),
    }
    return cols, k


def supervisor_columns(
    rng: np.random.Generator, facts: MentorFacts, existing: IntArray
) -> tuple[dict[str, StrArray], StrArray]:
    """Supervisors by region (about one per 12 mentors) and each mentor's supervisor."""
    m = len(facts.capacity)
    supervised = rng.random(m) < SUPERVISED_SHARE
    sup = np.full(m, -1, dtype=np.int64)
    n_sup = 0
    for r in range(len(REGIONS)):
        members = np.flatnonzero(supervised & (facts.region == r))
        if len(members) == 0:
            continue
        k = math.ceil(len(members) / MENTORS_PER_SUPERVISOR)
        sup[members] = n_sup + rng.permutation(np.arange(len(members)) % k)
        n_sup += k
    has = sup >= 0
    seats = np.bincount(sup[has], weights=facts.capacity[has], minlength=n_sup)
    running = np.bincount(sup[has], weights=existing[has], minlength=n_sup).astype(np.int64)
    headroom = rng.uniform(*SUPERVISOR_HEADROOM, size=n_sup)
    capacity = np.maximum(np.rint(seats * headroom).astype(np.int64), running + 1)
    ids = id_cells("S", n_sup, 4)
    cols = {"id": ids, "capacity": fmt_int(capacity)}
    return cols, blank(ids[np.maximum(sup, 0)] if n_sup else np.full(m, "", object), has)


def exclusion_cells(
    rng: np.random.Generator, mentee_region: IntArray, facts: MentorFacts
) -> StrArray:
    """A few mentees name one mentor (of their region, when it has any) never to propose."""
    n, m = len(mentee_region), len(facts.region)
    out = np.full(n, "", dtype=object)
    if m == 0:
        return out
    who = np.flatnonzero(rng.random(n) < EXCLUDE_SHARE)
    mentor_ids = id_cells("M", m, 5)
    pick = rng.integers(0, m, size=len(who))  # fallback: any mentor
    u = rng.random(len(who))
    order = np.argsort(facts.region, kind="stable")
    counts = np.bincount(facts.region, minlength=len(REGIONS))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    r = mentee_region[who]
    local = counts[r] > 0
    local_pick = order[np.minimum(starts[r] + np.floor(u * counts[r]).astype(np.int64), m - 1)]
    out[who] = mentor_ids[np.where(local, local_pick, pick)]
    return out
