"""What a scoring criterion is, and the batch of pairs the criteria score.

A criterion is defined once, in its own module of this package, as a :class:`Criterion`:
its name, default weight and meaning, its labels (CSV column, report, explanation table,
docs), the config parameters it reads, its *reference scorer* (numpy, over a batch of
:class:`Pairs`) and its *compiled term* (what the compiled candidate pass adds to a pair's
weighted sum, read from lookup tables the criterion builds once per round). Everything else
(config weight fields, output columns, docs tables, report labels, the compiled pass) derives
from the registry in :mod:`matcher.criteria`.

The compiled term is a plain Python function in the subset numba compiles; the candidate
pass compiles it (``numba.njit(inline="always")``) only when pairs are scored, so importing
a criterion never loads numba. It is called as ``term(tables, i, j, d)`` for mentee row
``i``, mentor row ``j`` (in the numbering of the arrays the tables were built from) and
their chord distance ``d`` (km), and returns ``(value, unsure)``: ``value`` is exactly what
:func:`matcher.criteria.score_pairs` adds for the pair, ``w · float64(float32(s))``, and
``unsure`` says the pass cannot decide that float32 exactly from the chord distance (the
pair is then scored by the reference scorers). A weight of 0 must give ``(+0.0, False)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import numpy.typing as npt

from matcher.arrays import MenteeArrays, MentorArrays

if TYPE_CHECKING:  # annotations only: the config derives its weight fields from here
    from matcher.config import Config
    from matcher.models import Mentee

__all__ = [
    "F32",
    "Criterion",
    "KernelTables",
    "Pairs",
    "contiguous",
    "term_table",
]

F32 = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.integer]

#: What a criterion's ``kernel_tables`` returns: its own named tuple of arrays and numbers.
KernelTables = NamedTuple


@dataclass(frozen=True, eq=False)
class Pairs:
    """A batch of (mentee, mentor) pairs: indices into the two arrays and their distance.

    Attributes
    ----------
    me, mo : MenteeArrays, MentorArrays
    i, j : ndarray of int
        Mentee and mentor row of each pair.
    distance_km : ndarray of float64
        Haversine distance of each pair.
    config : Config
    """

    me: MenteeArrays
    mo: MentorArrays
    i: IntArray
    j: IntArray
    distance_km: npt.NDArray[np.float64]
    config: Config

    def subset(self, rows: npt.NDArray[np.integer]) -> Pairs:
        """The pairs at positions ``rows``."""
        d = self.distance_km[rows] if len(self.distance_km) else self.distance_km
        return Pairs(self.me, self.mo, self.i[rows], self.j[rows], d, self.config)


def _always(mentee: Mentee) -> bool:
    return True


@dataclass(frozen=True)
class Criterion:
    """One scoring criterion, defined once.

    Attributes
    ----------
    name : str
        Machine name: the config's ``[weights]`` key, the CSV column, the JSON key.
    default_weight : float
        Weight in ``configs/default.toml``.
    description : str
        What it measures, one line (config field description, docs).
    label : str
        Short plain-words name for the report.
    short : str
        Column header of at most 6 characters for the plain-text explanation table.
    formula : str
        How the score is computed, for the docs table (Markdown).
    parameters : tuple of str
        Dotted config keys the criterion reads besides its weight.
    score : callable
        Reference scorer: ``score(pairs) -> float32 array`` in [0, 1] ("no preference" 1).
    kernel_tables : callable
        ``kernel_tables(me, mo, config, weight) -> NamedTuple``: what :attr:`term` reads.
    term : callable
        The compiled pass's term (see the module docstring).
    informative : callable
        ``informative(mentee) -> bool``: whether the criterion says something about this
        mentee (not a "no preference" 1), so explanations never rest a match on it.
    own_loop : bool
        The compiled pass evaluates the term in a loop of its own before the sum (for a
        term that calls a math function: inlined in the sum, the call would spill it).
        The sum still adds it in registry order.
    """

    name: str
    default_weight: float
    description: str
    label: str
    short: str
    formula: str
    score: Callable[[Pairs], F32]
    kernel_tables: Callable[[MenteeArrays, MentorArrays, Config, float], Any]
    term: Callable[..., tuple[float, bool]]
    parameters: tuple[str, ...] = ()
    informative: Callable[[Mentee], bool] = _always
    own_loop: bool = False


def term_table(weight: float, scores: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Exactly what :func:`~matcher.criteria.score_pairs` adds for each score:
    ``w · float64(float32 s)``; all zeros for weight 0 (adding +0.0 changes no sum)."""
    s = np.asarray(scores, dtype=np.float32).reshape(-1)
    out = weight * s.astype(np.float64) if weight > 0 else np.zeros(s.shape)
    return np.ascontiguousarray(out, dtype=np.float64)


def contiguous(a: npt.ArrayLike, dtype: npt.DTypeLike) -> npt.NDArray[Any]:
    """One dtype and layout per kernel argument, so the compiled pass compiles once."""
    return np.ascontiguousarray(a, dtype=dtype)
