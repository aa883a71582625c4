"""Find a round's pairs once, then rescore them for each weighting.

Weights decide a pair's score, never whether it is feasible, so a sweep over weightings
finds the feasible pairs once (:func:`~matcher.candidates.find_candidates`), keeps each
criterion's float32 scores, and for each config combines them with that config's weights
(:func:`~matcher.criteria.combine_scores`, the reference path's own arithmetic) and
re-sorts: the result is, bit for bit, the pairs, scores and order a fresh
``find_candidates`` gives with that config.

What a config changes decides what is recomputed:

- the rules it switches on and their parameters (each rule's ``parameters``) decide the
  pairs: configs that differ there get a pool each (:func:`feasibility_key`);
- a criterion's parameters (``scoring.location_half_km`` …) decide its scores: computed
  once per distinct value;
- priorities, support hours and the relationship length change the mentee arrays: built
  once per distinct value;
- weights and ``solver.max_candidates_per_mentee`` only rescore, re-sort and cut.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.arrays import MenteeArrays, MentorArrays
from matcher.arrays.csr import row_starts
from matcher.candidates import RULES, Candidates, find_candidates
from matcher.config import Config
from matcher.criteria import CRITERIA, SCORE_GRID, Pairs, combine_scores
from matcher.criteria.base import F32
from matcher.errors import ParameterError
from matcher.models import Mentee, Mentor

__all__ = ["PairPool", "config_value", "feasibility_key"]

#: Config sections and keys the mentee arrays are built from (besides the records).
_ARRAY_SECTIONS = ("priority", "support_hours", "scoring")
_ARRAY_KEYS = ("objective.relationship_months",)
_STEP_BITS = 31  # score steps 0 ..= SCORE_GRID


def config_value(config: Config, key: str) -> Any:
    """The value at a dotted key of a config, e.g. ``"weights.goals"``."""
    value: Any = config
    for part in key.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return value


def feasibility_key(config: Config) -> tuple[Any, ...]:
    """What decides a round's feasible pairs: each active rule and its parameters.

    Two configs with the same key have the same feasible pairs (the rules not switched on
    test nothing); the weights and every other setting only score or choose among them.
    """
    return tuple(
        (r.name, tuple(config_value(config, k) for k in r.parameters))
        for r in RULES
        if r.active(config)
    )


def _array_key(config: Config) -> tuple[Any, ...]:
    sections = tuple(tuple(getattr(config, s).model_dump().items()) for s in _ARRAY_SECTIONS)
    return sections + tuple(config_value(config, k) for k in _ARRAY_KEYS)


def _criterion_key(name: str, config: Config) -> tuple[Any, ...]:
    c = next(c for c in CRITERIA if c.name == name)
    return (name, *(config_value(config, k) for k in c.parameters))


class PairPool:
    """The feasible pairs of one round, found once, rescored for any config of the pool.

    Every config given to :meth:`candidates_for` must have the pool's
    :func:`feasibility_key`. Build one with :meth:`build`; it pickles (to worker processes
    or a Dask cluster) with everything :meth:`candidates_for` needs for the configs it was
    prepared for.

    Attributes
    ----------
    mentee, mentor : ndarray of int32
        Each pair's mentee and mentor index (in the order of the first config's pairs).
    mentor_arrays : MentorArrays
    """

    def __init__(
        self,
        mentee: npt.NDArray[np.int32],
        mentor: npt.NDArray[np.int32],
        distance_km: npt.NDArray[np.float64],
        to_match: tuple[Mentee, ...],
        mentor_arrays: MentorArrays,
        as_of: date,
        key: tuple[Any, ...],
    ) -> None:
        self.mentee = mentee
        self.mentor = mentor
        self.mentor_arrays = mentor_arrays
        self.key = key
        self._distance = distance_km
        self._to_match = to_match
        self._as_of = as_of
        self._arrays: dict[tuple[Any, ...], MenteeArrays] = {}
        self._records: dict[tuple[Any, ...], tuple[Mentee, ...]] = {}
        self._scores: dict[tuple[Any, ...], F32] = {}

    @classmethod
    def build(
        cls,
        to_match: Sequence[Mentee],
        mentors: Sequence[Mentor],
        configs: Iterable[Config],
        *,
        as_of: date,
        mentees_of: Sequence[Sequence[Mentee]] | None = None,
    ) -> PairPool:
        """Find the pairs once and score every criterion the configs weight.

        Parameters
        ----------
        to_match : sequence of Mentee
            The mentees the round matches (those without a running relationship), as the
            first config's review leaves them.
        mentors : sequence of Mentor
        configs : iterable of Config
            At least one; all with the same :func:`feasibility_key`.
        as_of : date
        mentees_of : sequence of sequence of Mentee, optional
            Per config, its mentees to match, when their priorities differ from
            ``to_match``'s (a review lifts the mentees whose relationship ended early by
            the config's ``priority.ended_early``): the same ids and exclusions, in the
            same order. Default: ``to_match`` for every config.
        """
        configs = tuple(configs)
        first = configs[0]
        to_match = tuple(to_match)
        mo = MentorArrays.from_records(mentors, first)
        base = find_candidates(to_match, mo, first, as_of=as_of)
        n = len(base)
        d = base.distance_at(np.arange(n)) if n else np.zeros(0, dtype=np.float64)
        pool = cls(base.mentee, base.mentor, d, to_match, mo, as_of, feasibility_key(first))
        pool._arrays[_array_key(first)] = base.mentee_arrays
        pool._records[_array_key(first)] = to_match
        pool.prepare(configs, mentees_of)
        return pool

    def prepare(
        self, configs: Iterable[Config], mentees_of: Sequence[Sequence[Mentee]] | None = None
    ) -> None:
        """Score now every criterion the configs weight (so workers only combine and sort).

        ``mentees_of`` gives each config's mentees to match, as in :meth:`build`.
        """
        configs = tuple(configs)
        for n, config in enumerate(configs):
            self._check(config)
            if mentees_of is not None:
                self._set_records(config, tuple(mentees_of[n]))
            me = self._mentee_arrays(config)
            for name, w in config.weight_vector().items():
                key = _criterion_key(name, config)
                if w > 0 and key not in self._scores:
                    c = next(c for c in CRITERIA if c.name == name)
                    p = Pairs(me, self.mentor_arrays, self.mentee, self.mentor, self._distance,
                              config)  # fmt: skip
                    self._scores[key] = c.score(p)

    def _check(self, config: Config) -> None:
        if feasibility_key(config) != self.key:
            raise ParameterError(
                "The 'config' parameter of PairPool must switch on the same rules with the "
                "same parameters as the pool's, got a config with other rules instead"
            )

    def _set_records(self, config: Config, mentees: tuple[Mentee, ...]) -> None:
        """Remember the config's mentees to match (their priorities build its arrays)."""
        same = [m.id for m in mentees] == [m.id for m in self._to_match] and all(
            a.exclude_mentors == b.exclude_mentors
            for a, b in zip(mentees, self._to_match, strict=True)
        )
        if not same:
            raise ParameterError(
                "The 'mentees_of' parameter of PairPool must give the pool's mentees to "
                "match with their exclusions, in order, got other mentees instead"
            )
        key = _array_key(config)
        known = self._records.setdefault(key, mentees)
        if known != mentees:
            raise ParameterError(
                "The 'mentees_of' parameter of PairPool must give the same mentees for "
                "configs with the same priorities, got different ones instead"
            )

    def _mentee_arrays(self, config: Config) -> MenteeArrays:
        key = _array_key(config)
        if key not in self._arrays:
            records = self._records.get(key, self._to_match)
            self._arrays[key] = MenteeArrays.from_records(records, config, self._as_of)
        return self._arrays[key]

    def candidates_for(self, config: Config) -> Candidates:
        """The round's candidates under ``config``: bit for bit ``find_candidates``'.

        Pairs are rescored with the config's weights and sorted by mentee, score
        descending, then mentor id; ``solver.max_candidates_per_mentee`` keeps each
        mentee's best ``k``, as ``find_candidates(..., max_per_mentee=k)`` does.
        """
        self.prepare((config,))
        me, mo = self._mentee_arrays(config), self.mentor_arrays
        n = len(self.mentee)
        weights = config.weight_vector()
        nan = np.broadcast_to(np.float32(np.nan), (n,))
        scores = {
            name: self._scores[_criterion_key(name, config)] if w > 0 else nan
            for name, w in weights.items()
        }
        score = combine_scores(weights, scores, n)
        steps = (SCORE_GRID - score * SCORE_GRID).astype(np.uint32)  # exact: on the grid
        order = _order(self.mentee, steps, mo.rank[self.mentor], len(me), len(mo))
        mentee, mentor, steps = self.mentee[order], self.mentor[order], steps[order]
        k = config.solver.max_candidates_per_mentee
        if k > 0 and n:
            starts = row_starts(mentee, len(me))
            keep = np.arange(n) - np.repeat(starts[:-1], np.diff(starts)) < k
            mentee, mentor, steps = mentee[keep], mentor[keep], steps[keep]
        return Candidates(mentee, mentor, steps, me, mo, config)


def _order(
    mentee: npt.NDArray[np.int32],
    steps: npt.NDArray[np.uint32],
    rank: npt.NDArray[np.integer],
    n_mentees: int,
    n_mentors: int,
) -> npt.NDArray[np.int64]:
    """Positions in (mentee, score descending, mentor id) order."""
    r_bits = max(int(n_mentors - 1).bit_length(), 1)
    i_bits = max(int(n_mentees - 1).bit_length(), 1)
    if i_bits + _STEP_BITS + r_bits <= 64:  # one integer key: one sort
        key = mentee.astype(np.uint64) << np.uint64(_STEP_BITS + r_bits)
        key |= steps.astype(np.uint64) << np.uint64(r_bits)
        key |= rank.astype(np.uint64)
        return np.argsort(key, kind="stable")
    return np.lexsort((rank, steps, mentee))
