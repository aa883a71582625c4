"""Feasible mentor–mentee pairs: hard rules as vectorised filters over a sparse set.

:func:`find_candidates` never builds a dense mentees × mentors matrix. Mentors are
indexed by a k-d tree on 3-D unit vectors, split into bands of similar reach, and each
chunk of mentees is joined against each band within the band's largest reach (chord
distance), so only pairs near each other are ever looked at. The remaining hard rules
are numpy masks over those pairs, and survivors are scored by :mod:`matcher.criteria`.

:func:`rule_cascade` evaluates the same rules for one mentee against every mentor, one
after another, to say which rule left no mentor and in plain words.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from matcher.arrays import (
    EARTH_RADIUS_KM,
    STRENGTH_REQUIRED,
    MenteeArrays,
    MentorArrays,
    existing_load,
    has_bit,
    haversine_km,
    overlap,
    popcount,
)
from matcher.config import Config
from matcher.criteria import (
    SCORE_GRID,
    Pairs,
    ethnicity_met,
    faith_met,
    gender_met,
    score_pairs,
)
from matcher.errors import ParameterError
from matcher.io import PathLike, atomic_writer
from matcher.models import Existing, Mentee, Mentor
from matcher.registry import CRITERION_NAMES

__all__ = [
    "RULES",
    "SCORE_GRID",
    "Candidates",
    "Cascade",
    "Rule",
    "RuleStep",
    "active_rules",
    "find_candidates",
    "rule_cascade",
    "write_candidates",
]

Mask = npt.NDArray[np.bool_]
G = TypeVar("G", bound=np.generic)

# Relative slack on the chord radius of the k-d tree pre-filter; the exact haversine
# test afterwards decides, so the slack only has to cover rounding.
_CHORD_SLACK = 1e-9
_GRID_BITS = 31  # steps 0 ..= SCORE_GRID
# Mentors are split into this many bands of similar reach, so each band's search
# radius (its largest reach) is close to every member's own reach.
_REACH_BANDS = 8


# --- hard rules ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One hard rule.

    Attributes
    ----------
    name : str
        Machine name, used as key of per-rule counts.
    label : str
        Short plain-words name, for reports.
    test : callable
        ``test(pairs, excluded_keys) -> bool mask``: which pairs pass.
    active : callable
        ``active(config) -> bool``: whether the config switches the rule on.
    """

    name: str
    label: str
    test: Callable[[Pairs, npt.NDArray[np.int64]], Mask]
    active: Callable[[Config], bool] = lambda config: True


def _not_excluded(p: Pairs, keys: npt.NDArray[np.int64]) -> Mask:
    out = np.ones(len(p.i), dtype=bool)
    if len(keys) == 0:
        return out
    # Few mentees exclude anyone: look up only their pairs.
    rows = np.flatnonzero(np.isin(p.i, np.unique(keys // max(len(p.mo), 1))))
    k = p.i[rows].astype(np.int64) * max(len(p.mo), 1) + p.j[rows]
    pos = np.minimum(np.searchsorted(keys, k), len(keys) - 1)
    out[rows] = keys[pos] != k
    return out


def _mentor_takes_gender(p: Pairs, _: object) -> Mask:
    wanted = p.mo.mentee_gender[p.j]
    return (wanted < 0) | (wanted == p.me.gender[p.i])


def _required(p: Pairs, strength: npt.NDArray[np.int8], met: Callable[[Pairs], Mask]) -> Mask:
    out = np.ones(len(p.i), dtype=bool)
    rows = np.flatnonzero(strength[p.i] == STRENGTH_REQUIRED)
    if len(rows):  # only pairs whose mentee requires it are tested
        out[rows] = met(p.subset(rows))
    return out


def _gender_wish(p: Pairs, _: object) -> Mask:
    return _required(p, p.me.gender_strength, gender_met)


def _risk(p: Pairs, _: object) -> Mask:
    return p.me.risk[p.i] <= p.mo.max_risk[p.j]


def _language(p: Pairs, _: object) -> Mask:
    return overlap(p.me.languages, p.i, p.mo.languages, p.j)


def _ethnicity(p: Pairs, _: object) -> Mask:
    return _required(p, p.me.ethnicity_strength, ethnicity_met)


def _faith(p: Pairs, _: object) -> Mask:
    return _required(p, p.me.faith_strength, faith_met)


def _lived(p: Pairs, _: object) -> Mask:
    return _required(p, p.me.lived_strength, lambda q: q.mo.lived_experience[q.j])


def _prison(p: Pairs, _: object) -> Mask:
    return ~p.me.custody[p.i] | has_bit(p.mo.prisons, p.j, p.me.prison[p.i])


def _commitment(p: Pairs, _: object) -> Mask:
    return p.mo.available_until[p.j] >= p.me.planned_end[p.i]


def _region(p: Pairs, _: object) -> Mask:
    a, b = p.me.region[p.i], p.mo.region[p.j]
    return (a < 0) | (b < 0) | (a == b)


def _availability(p: Pairs, _: object) -> Mask:
    need = p.config.rules.min_shared_slots
    return popcount(p.me.slots[p.i] & p.mo.slots[p.j]) >= need


def _distance(p: Pairs, _: object) -> Mask:
    return p.distance_km <= p.mo.reach_km[p.j]


#: Every hard rule, in cascade order (distance last: "nearest eligible" needs the others).
RULES: tuple[Rule, ...] = (
    Rule("excluded", "mentor excluded by the mentee", _not_excluded),
    Rule("mentee_gender", "mentor's own mentee-gender requirement", _mentor_takes_gender),
    Rule("mentor_gender", "mentee's required mentor gender", _gender_wish),
    Rule("risk", "mentor trained for the mentee's risk level", _risk),
    Rule("language", "a shared language", _language),
    Rule("ethnicity", "mentee's required same-ethnicity mentor", _ethnicity),
    Rule("faith", "mentee's required same-faith mentor", _faith),
    Rule("lived_experience", "mentee's required mentor with lived experience", _lived),
    Rule("prison_clearance", "mentor cleared for the mentee's prison", _prison,
         lambda c: c.rules.require_prison_clearance),
    Rule("commitment", "mentor's commitment covers the relationship", _commitment,
         lambda c: c.rules.require_commitment_cover),
    Rule("region", "same region", _region, lambda c: c.rules.same_region),
    Rule("availability", "enough shared availability slots", _availability,
         lambda c: c.rules.min_shared_slots > 0),
    Rule("distance", "within the mentor's travel distance", _distance),
)  # fmt: skip


def active_rules(config: Config) -> tuple[Rule, ...]:
    """The rules the config switches on, in cascade order."""
    return tuple(r for r in RULES if r.active(config))


def _exclusion_keys(me: MenteeArrays, mo: MentorArrays) -> npt.NDArray[np.int64]:
    """Sorted pair keys ``i * n_mentors + j`` of every excluded pair."""
    if not any(me.exclude):
        return np.zeros(0, dtype=np.int64)
    index = {str(m): k for k, m in enumerate(mo.ids)}
    n = max(len(mo), 1)
    keys = [i * n + index[x] for i, ex in enumerate(me.exclude) for x in ex if x in index]
    return np.unique(np.asarray(keys, dtype=np.int64))


# --- batch candidates --------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Candidates:
    """Every feasible pair of a round with its scores.

    Attributes
    ----------
    mentee, mentor : ndarray of int32
        Index of each pair's mentee / mentor in the sequences given.
    score : ndarray of float64
        Weighted score in [0, 1].
    criteria : dict of str to ndarray of float32
        Each criterion's score, registry order; all-NaN for a criterion of weight 0.
    distance_km : ndarray of float32
        Haversine distance from the mentor's home to the mentee's (release) address.
    mentee_arrays, mentor_arrays : MenteeArrays, MentorArrays
        The columnar views the pairs index into.

    Pairs are ordered by mentee index, then score descending, then mentor id, whatever
    the order of the input rows.
    """

    mentee: npt.NDArray[np.int32]
    mentor: npt.NDArray[np.int32]
    score: npt.NDArray[np.float64]
    criteria: dict[str, npt.NDArray[np.float32]]
    distance_km: npt.NDArray[np.float32]
    mentee_arrays: MenteeArrays
    mentor_arrays: MentorArrays

    def __len__(self) -> int:
        return len(self.mentee)

    @cached_property
    def indptr(self) -> npt.NDArray[np.int64]:
        """CSR offsets: mentee ``i``'s pairs are rows ``indptr[i]:indptr[i + 1]``."""
        n = len(self.mentee_arrays)
        return np.searchsorted(self.mentee, np.arange(n + 1)).astype(np.int64)


def _chord(km: npt.NDArray[np.float64] | float) -> npt.NDArray[np.float64]:
    """Chord length on the unit sphere of a great-circle distance (capped at a diameter)."""
    half_angle = np.minimum(np.asarray(km, dtype=np.float64) / (2 * EARTH_RADIUS_KM), np.pi / 2)
    return 2.0 * np.sin(half_angle)


@dataclass(frozen=True)
class _Band:
    tree: cKDTree
    mentors: npt.NDArray[np.int32]
    radius: float


def _reach_bands(mo: MentorArrays) -> list[_Band]:
    order = np.argsort(mo.reach_km, kind="stable").astype(np.int32)
    chord = _chord(mo.reach_km) * (1 + _CHORD_SLACK) + _CHORD_SLACK
    bands = []
    for part in np.array_split(order, min(_REACH_BANDS, max(len(order), 1))):
        if len(part):
            bands.append(_Band(cKDTree(mo.xyz[part]), part, float(chord[part].max())))
    return bands


@dataclass(frozen=True)
class _Chunk:
    i: npt.NDArray[np.int32]
    j: npt.NDArray[np.int32]
    score: npt.NDArray[np.float64]
    distance: npt.NDArray[np.float32]
    criteria: dict[str, npt.NDArray[np.float32]]


def _chunk_pairs(
    me: MenteeArrays,
    mo: MentorArrays,
    config: Config,
    bands: list[_Band],
    chord_reach: npt.NDArray[np.float64],
    keys: npt.NDArray[np.int64],
    max_per_mentee: int | None,
    start: int,
    stop: int,
) -> _Chunk:
    """Feasible, scored and sorted pairs of mentees ``start:stop``."""
    tree = cKDTree(me.xyz[start:stop])
    parts_i, parts_j = [], []
    for band in bands:
        # C++ dual-tree join; returns (mentee-in-chunk, mentor-in-band, chord) records.
        hits = tree.sparse_distance_matrix(band.tree, band.radius, output_type="ndarray")
        j = band.mentors[hits["j"]]
        near = hits["v"] <= chord_reach[j]
        parts_i.append(hits["i"][near].astype(np.int32) + np.int32(start))
        parts_j.append(j[near])
        del hits, j, near
    i = np.concatenate(parts_i) if parts_i else np.zeros(0, np.int32)
    j = np.concatenate(parts_j) if parts_j else np.zeros(0, np.int32)
    del parts_i, parts_j
    nan = np.zeros(0, dtype=np.float64)
    ok = np.ones(len(i), dtype=bool)
    for rule in active_rules(config):
        if rule.name == "distance":
            continue
        ok &= rule.test(Pairs(me, mo, i, j, nan, config), keys)
    i, j = i[ok], j[ok]
    d = haversine_km(me.lat[i], me.lon[i], me.cos_lat[i], mo.lat[j], mo.lon[j], mo.cos_lat[j])
    ok = d <= mo.reach_km[j]
    i, j, d = i[ok], j[ok], d[ok]
    score, crit = score_pairs(Pairs(me, mo, i, j, d, config))
    order = _pair_order(i - np.int32(start), stop - start, score, mo.rank[j], len(mo))
    if max_per_mentee is not None:
        # Pairs are now grouped by mentee, best first: keep each group's first k.
        i_sorted = i[order]
        first = np.searchsorted(i_sorted, i_sorted)
        order = order[np.arange(len(order)) - first < max_per_mentee]
    return _Chunk(
        i=i[order], j=j[order], score=score[order], distance=d[order].astype(np.float32),
        criteria={k: (v[order] if v.strides != (0,) else v) for k, v in crit.items()},
    )  # fmt: skip


def _pair_order(
    i_local: npt.NDArray[np.int32],
    n_local: int,
    score: npt.NDArray[np.float64],
    rank: npt.NDArray[np.int32],
    n_mentors: int,
) -> npt.NDArray[np.intp]:
    """Permutation ordering pairs by mentee, then score descending, then mentor id.

    Scores are on the grid of :data:`SCORE_GRID`, so (mentee, grid steps below 1, mentor
    rank) packs exactly into one ``uint64`` key and one argsort replaces a much slower
    three-key lexsort.
    """
    i_bits = max(int(n_local - 1).bit_length(), 1)
    r_bits = max(int(n_mentors - 1).bit_length(), 1)
    if i_bits + r_bits + _GRID_BITS > 64:  # pragma: no cover - beyond 4M mentors per chunk
        return np.lexsort((rank, -score, i_local))
    steps_below_one = (SCORE_GRID - np.rint(score * SCORE_GRID)).astype(np.uint64)
    key = i_local.astype(np.uint64) << np.uint64(64 - i_bits)
    key |= steps_below_one << np.uint64(r_bits)
    key |= rank.astype(np.uint64)
    return np.argsort(key)


def _chunks(n: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, size):
        yield start, min(n, start + size)


def _concat(parts: list[npt.NDArray[G]], dtype: type[G]) -> npt.NDArray[G]:
    out: npt.NDArray[G] = np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)
    parts.clear()  # free the pieces as soon as the whole exists
    return out


def find_candidates(
    mentees: Sequence[Mentee] | MenteeArrays,
    mentors: Sequence[Mentor] | MentorArrays,
    config: Config | None = None,
    *,
    as_of: date,
    chunk_size: int = 2048,
    workers: int | None = None,
    max_per_mentee: int | None = None,
) -> Candidates:
    """Find and score every feasible pair.

    Parameters
    ----------
    mentees, mentors : sequence of records, or their prebuilt arrays
    config : Config, optional
        ``None`` means ``Config()``.
    as_of : date
        Run date (relationship start, continuity, priority).
    chunk_size : int
        Mentees per chunk; bounds the memory of the pair join.
    workers : int, optional
        Threads working on chunks (numpy and the k-d tree release the GIL).
        Default: ``min(2, cpu count)``.
    max_per_mentee : int, optional
        Keep only each mentee's best ``k`` pairs (score, then mentor id). Every feasible
        pair is still found and scored; this only bounds what is kept, for caseloads
        whose full feasible set does not fit in memory. ``None`` (default) keeps all.

    Returns
    -------
    Candidates
    """
    config = Config() if config is None else config
    if chunk_size < 1:
        raise ParameterError(
            f"The 'chunk_size' parameter of find_candidates must be >= 1, got {chunk_size} instead"
        )
    if max_per_mentee is not None and max_per_mentee < 1:
        raise ParameterError(
            "The 'max_per_mentee' parameter of find_candidates must be >= 1 or None, "
            f"got {max_per_mentee} instead"
        )
    me = (
        mentees
        if isinstance(mentees, MenteeArrays)
        else MenteeArrays.from_records(mentees, config, as_of)
    )
    mo = (
        mentors if isinstance(mentors, MentorArrays) else MentorArrays.from_records(mentors, config)
    )
    chunks: list[_Chunk] = []
    if len(me) and len(mo):
        bands = _reach_bands(mo)
        chord_reach = _chord(mo.reach_km) * (1 + _CHORD_SLACK) + _CHORD_SLACK
        keys = _exclusion_keys(me, mo)
        workers = workers or min(2, os.cpu_count() or 1)

        def run(span: tuple[int, int]) -> _Chunk:
            return _chunk_pairs(me, mo, config, bands, chord_reach, keys, max_per_mentee, *span)

        if workers > 1:
            with ThreadPoolExecutor(workers) as pool:
                chunks = list(pool.map(run, _chunks(len(me), chunk_size)))
        else:
            chunks = [run(span) for span in _chunks(len(me), chunk_size)]
    n = sum(len(c.i) for c in chunks)
    criteria: dict[str, npt.NDArray[np.float32]] = {}
    for name in CRITERION_NAMES:
        parts = [c.criteria.pop(name) for c in chunks]
        if parts and parts[0].strides == (0,):  # weight 0: not computed
            criteria[name] = np.broadcast_to(np.float32(np.nan), (n,))
        else:
            criteria[name] = _concat(parts, np.float32)
    return Candidates(
        mentee=_concat([c.i for c in chunks], np.int32),
        mentor=_concat([c.j for c in chunks], np.int32),
        score=_concat([c.score for c in chunks], np.float64),
        criteria=criteria,
        distance_km=_concat([c.distance for c in chunks], np.float32),
        mentee_arrays=me,
        mentor_arrays=mo,
    )


def _fmt(values: npt.NDArray[np.floating]) -> list[str]:
    # Fixed 6 decimals; a criterion that was not computed (weight 0) is an empty cell.
    return ["" if v != v else f"{v:.6f}" for v in values.tolist()]


def write_candidates(
    path: PathLike,
    candidates: Candidates,
    mentees: Sequence[Mentee] | None = None,
    mentors: Sequence[Mentor] | None = None,
    *,
    block: int = 200_000,
) -> None:
    """Write the candidates CSV atomically.

    Columns ``mentee_id, mentor_id, score`` then one per criterion (registry order);
    rows sorted by mentee id, then score descending, then mentor id; scores with fixed
    6 decimals; a criterion of weight 0 is left empty. Ids are taken from the arrays
    the candidates carry; ``mentees`` / ``mentors`` are accepted for symmetry.
    """
    me_ids, mo_ids = candidates.mentee_arrays.ids, candidates.mentor_arrays.ids
    # Pairs are grouped by mentee index; reorder whole groups by mentee id.
    ptr = candidates.indptr
    by_id = np.argsort(me_ids, kind="stable")
    lengths = (ptr[1:] - ptr[:-1])[by_id]
    starts = ptr[:-1][by_id]
    offsets = np.cumsum(lengths) - lengths
    perm = np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum()), dtype=np.int64)
    with atomic_writer(path) as fh:
        fh.write(",".join(("mentee_id", "mentor_id", "score", *CRITERION_NAMES)) + "\n")
        for lo in range(0, len(perm), block):
            rows = perm[lo : lo + block]
            cols = [
                me_ids[candidates.mentee[rows]].tolist(),
                mo_ids[candidates.mentor[rows]].tolist(),
                _fmt(candidates.score[rows]),
                *(_fmt(candidates.criteria[name][rows]) for name in CRITERION_NAMES),
            ]
            fh.write("".join(",".join(r) + "\n" for r in zip(*cols, strict=True)))


# --- one mentee: the rule cascade ---------------------------------------------------------


@dataclass(frozen=True)
class RuleStep:
    """How one rule of the cascade narrowed the mentors."""

    rule: str
    label: str
    removed: int
    remaining: int


@dataclass(frozen=True, eq=False)
class Cascade:
    """Every hard rule applied in turn for one mentee against all mentors.

    Attributes
    ----------
    mentee_id : str
    steps : tuple of RuleStep
        Active rules in cascade order, then ``capacity`` (spare places and hours).
    emptied_by : str or None
        The rule after which no mentor was left; ``None`` when some are available.
    reason : str or None
        Plain words a coordinator can act on, when ``emptied_by`` is set.
    feasible : ndarray of bool
        Per mentor: passes every hard rule (the pairs :func:`find_candidates` finds).
    available : ndarray of bool
        Per mentor: feasible and with a spare place and enough weekly hours.
    distance_km : ndarray of float64
        Per mentor: haversine distance to the mentee's (release) address.
    """

    mentee_id: str
    steps: tuple[RuleStep, ...]
    emptied_by: str | None
    reason: str | None
    feasible: Mask
    available: Mask
    distance_km: npt.NDArray[np.float64]

    @property
    def removed(self) -> dict[str, int]:
        """Mentors removed by each rule, cascade order."""
        return {s.rule: s.removed for s in self.steps}


_GENDER_WORD = {0: "female", 1: "male", 2: "non-binary", 3: "undisclosed-gender"}


def _rule_phrase(rule: str, mentee: Mentee, me: MenteeArrays, config: Config) -> str:
    """What the rule asks, naming no special-category value beyond the mentee's wish."""
    if rule == "excluded":
        return "mentors excluded by the mentee"
    if rule == "mentee_gender":
        g = _GENDER_WORD[int(me.gender[0])]
        return f"mentors' own mentee-gender requirement (none takes a {g} mentee)"
    if rule == "mentor_gender":
        if mentee.mentor_gender == "same":
            if mentee.gender == "undisclosed":
                return "required same-gender mentor, but the mentee's gender is undisclosed"
            return "required same-gender mentor"
        return f"required {mentee.mentor_gender} mentor"
    if rule == "risk":
        return "no mentor trained for the mentee's risk level"
    if rule == "language":
        return "no mentor speaking " + " or ".join(mentee.languages)
    if rule == "ethnicity":
        if mentee.ethnicity == "undisclosed":
            return "required same-ethnicity mentor, but the mentee's ethnicity is undisclosed"
        return "required same-ethnicity mentor"
    if rule == "faith":
        if mentee.faith is None:
            return "required same-faith mentor, but the mentee's faith is not recorded"
        return "required same-faith mentor"
    if rule == "lived_experience":
        return "required mentor with lived experience"
    if rule == "prison_clearance":
        return f"prison clearance required: no mentor cleared for prison {mentee.prison}"
    if rule == "commitment":
        end = date.fromordinal(int(me.planned_end[0])).isoformat()
        return f"commitment cover required: no mentor available until {end}"
    if rule == "region":
        return f"same region required: no mentor in region {mentee.region}"
    if rule == "availability":
        k = config.rules.min_shared_slots
        return f"at least {k} shared availability slot{'s' if k != 1 else ''} required"
    raise AssertionError(rule)  # pragma: no cover


def rule_cascade(
    mentee: Mentee,
    mentors: Sequence[Mentor] | MentorArrays,
    config: Config | None = None,
    *,
    as_of: date,
    existing: Sequence[Existing] = (),
    mentor_records: Sequence[Mentor] | None = None,
) -> Cascade:
    """Apply every hard rule, in order, for one mentee against every mentor.

    Dense over mentors (one mentee), vectorised. Rules run in :data:`RULES` order
    with distance last, then a ``capacity`` step (a spare place and enough weekly hours,
    existing relationships counted).

    Parameters
    ----------
    mentee : Mentee
    mentors : sequence of Mentor, or their prebuilt MentorArrays
    config : Config, optional
    as_of : date
    existing : sequence of Existing
        Relationships already running; they use mentors' places and hours.
    mentor_records : sequence of Mentor, optional
        The records behind prebuilt ``mentors`` arrays, needed only with ``existing``.

    Returns
    -------
    Cascade
    """
    config = Config() if config is None else config
    me = MenteeArrays.from_records([mentee], config, as_of)
    if isinstance(mentors, MentorArrays):
        mo, records = mentors, mentor_records
    else:
        mo, records = MentorArrays.from_records(mentors, config), mentors
    n = len(mo)
    i = np.zeros(n, dtype=np.int32)
    j = np.arange(n, dtype=np.int32)
    d = haversine_km(me.lat[i], me.lon[i], me.cos_lat[i], mo.lat, mo.lon, mo.cos_lat)
    p = Pairs(me, mo, i, j, d, config)
    keys = _exclusion_keys(me, mo)
    rules = active_rules(config)
    passes = {r.name: r.test(p, keys) for r in rules}
    alive = np.ones(n, dtype=bool)
    steps: list[RuleStep] = []
    emptied_by: str | None = None
    before_empty = alive
    for r in rules:
        after = alive & passes[r.name]
        steps.append(RuleStep(r.name, r.label, int(alive.sum() - after.sum()), int(after.sum())))
        if emptied_by is None and alive.any() and not after.any():
            emptied_by, before_empty = r.name, alive
        alive = after
    feasible = alive
    if existing:
        if records is None:
            raise ParameterError(
                "The 'mentor_records' parameter of rule_cascade must be given with "
                "prebuilt mentor arrays and existing relationships, got None instead"
            )
        seats, hours = existing_load(existing, records, config)
    else:
        seats, hours = np.zeros(n, dtype=np.int32), np.zeros(n)
    need = me.support_hours[0]
    spare = (seats + 1 <= mo.capacity) & (hours + need <= mo.max_hours + 1e-9)
    available = feasible & spare
    steps.append(RuleStep("capacity", "a spare place and weekly hours",
                          int(feasible.sum() - available.sum()), int(available.sum())))  # fmt: skip
    if emptied_by is None and feasible.any() and not available.any():
        emptied_by, before_empty = "capacity", feasible
    reason = None
    if n == 0:
        reason = "no mentors to match against"
    elif emptied_by is not None:
        reason = _reason(emptied_by, mentee, me, mo, config, before_empty, passes, d, need)
    return Cascade(mentee.id, tuple(steps), emptied_by, reason, feasible, available, d)


def _reason(
    rule: str,
    mentee: Mentee,
    me: MenteeArrays,
    mo: MentorArrays,
    config: Config,
    before: Mask,
    passes: dict[str, Mask],
    d: npt.NDArray[np.float64],
    need: float,
) -> str:
    if rule == "capacity":
        k = int(before.sum())
        return (
            f"all {k} feasible mentor{'s are' if k != 1 else ' is'} full "
            f"(no spare place or {need:g} weekly hours)"
        )
    if rule == "distance":
        place = "the release area" if mentee.custody == "custody" else "the mentee's home"
        near = int(np.flatnonzero(before)[np.argmin(d[before])])
        return (
            f"no mentor within travel distance of {place} (nearest eligible "
            f"{d[near]:.0f} km; reach {mo.reach_km[near]:.0f} km)"
        )
    phrase = _rule_phrase(rule, mentee, me, config)
    in_reach = int((before & passes["distance"]).sum())
    if in_reach == 1:
        return f"{phrase}: the one mentor in reach does not meet it"
    if in_reach:
        return f"{phrase}: none of the {in_reach} mentors in reach"
    m = int(before.sum())
    left = "the one mentor left does not" if m == 1 else f"none of the {m} mentors left"
    return f"{phrase}: {left} meet it (and none is in reach either)"
