"""Column generation on a working set of the store, and the components of every pair.

:func:`column_generation` solves the flow (hours ignored) on a working set of store
positions, prices every pair left out against its dual prices in one compiled sweep
(:func:`~matcher.assignment.kernels.price_pass`), adds the pairs with positive reduced
profit and repeats until there are none. The flow is kept from one round to the next by
the network simplex (:class:`~matcher.assignment.duals.WorkingFlow`), so a round only
costs the pivots its new pairs need. The bound it returns (see
:mod:`matcher.assignment.duals`) holds over every pair of the priced mentees after any
number of rounds, and equals the working set's optimum once a sweep adds nothing.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from matcher._cpus import split_rows, usable_cpus
from matcher.assignment.duals import FlowDuals, WorkingFlow, dual_terms, mentee_values
from matcher.assignment.model import Model
from matcher.assignment.store import StoreModel, working_model
from matcher.assignment.validate import BoolArray, IntArray
from matcher.criteria import SCORE_GRID

__all__ = [
    "ADD_PER_ROUND",
    "Columns",
    "Comps",
    "HourPrices",
    "THREADED_PAIRS",
    "column_generation",
    "components",
    "grow",
    "price_round",
]

#: At most this many pairs per mentee join the working set per pricing sweep.
ADD_PER_ROUND = 4
#: Stores of at least this many pairs are priced on two threads (the split costs more
#: than it saves on small rounds).
THREADED_PAIRS = 4_000_000
#: A safety stop; pricing converges long before (each sweep adds a pair or proves).
_MAX_ROUNDS = 1000


@dataclass(frozen=True)
class HourPrices:
    """Prices on the mentors' hours (Lagrangian multipliers), exact: mentor ``j`` charges
    ``lam[j] / den`` objective units per load unit; a pair pays
    ``min(floor(lam[j] * load / den), cap)``, never more than ``lam[j] * load / den``, so
    every bound stays valid."""

    lam: IntArray
    den: int
    cap: int
    top: int  # lam[j] above top // load: the pair pays cap (keeps int64 exact)

    @classmethod
    def none(cls, m: int) -> HourPrices:
        """No prices."""
        return cls(np.zeros(m, dtype=np.int64), 1, 0, 0)

    def of_pairs(self, md: Model) -> IntArray | None:
        """The price of each pair of ``md`` (None when nothing is priced)."""
        if not self.lam.any():
            return None
        a = self.lam[md.mentor]
        high = a > self.top // np.maximum(md.load, 1)
        out: IntArray = np.where(high, self.cap, (np.where(high, 0, a) * md.load) // self.den)
        return out

    def credit(self, sm: StoreModel, comp_of_mentor: IntArray, n_comp: int) -> IntArray:
        """Per component, ``ceil(sum_j lam[j] * hours[j] / den)``: the hours paid back."""
        priced = np.flatnonzero(self.lam > 0)
        total = np.zeros(n_comp, dtype=object)
        np.add.at(
            total,
            comp_of_mentor[priced],
            self.lam[priced].astype(object) * sm.hours[priced].astype(object),
        )
        return np.array([-(-int(t) // self.den) for t in total], dtype=np.int64)  # fmt: skip


@dataclass(frozen=True)
class Comps:
    """Connected components over every usable pair of the store (and supervisors)."""

    of_mentee: IntArray
    of_mentor: IntArray
    of_group: IntArray
    count: int
    pairs: IntArray  # usable pairs per component

    def values(self, md: Model, chosen: BoolArray) -> IntArray:
        """Exact objective of an assignment per component (``md`` of any working set)."""
        from matcher.assignment.model import objective_values

        return objective_values(md, chosen, self.of_mentee, self.of_mentor, self.count)


def components(sm: StoreModel) -> Comps:
    """The components of every usable pair (one compiled sweep, union-find)."""
    from matcher.assignment.kernels import label_components

    labels, count, pairs = label_components(
        sm.indptr, sm.mentor, sm.load, sm.hours, sm.mentor_ok, sm.group, sm.n_groups
    )
    n, m = sm.n, sm.m
    return Comps(labels[:n], labels[n : n + m], labels[n + m :], int(count), pairs)


@dataclass
class Columns:
    """A working set, its flow (kept warm) and the bound of its dual prices."""

    pos: IntArray  # store positions, ascending
    md: Model
    flow: WorkingFlow
    seats: IntArray
    duals: FlowDuals
    u: IntArray  # per mentee: its best reduced value over every priced pair
    mentor_term: IntArray
    group_term: IntArray
    rounds: int  # pricing sweeps so far
    converged: bool  # the last sweep found no pair to add

    @property
    def chosen(self) -> IntArray:
        """Store positions of the flow's pairs."""
        return self.pos[self.duals.chosen]

    def bound(self, comp: Comps) -> IntArray:
        """The bound of :mod:`matcher.assignment.duals` per component (before any hour
        credit): valid over every pair of the priced mentees; every pair of the others
        must be in the working set."""
        out = np.zeros(comp.count, dtype=np.int64)
        np.add.at(out, comp.of_mentee, self.u)
        np.add.at(out, comp.of_mentor, self.mentor_term)
        np.add.at(out, comp.of_group, self.group_term)
        return out


def price_round(
    sm: StoreModel, cols: Columns, prices: HourPrices, region: BoolArray, add_per_round: int,
    threads: int | None = None,
) -> IntArray:  # fmt: skip
    """One sweep over every pair of the ``region`` mentees against ``cols``' current flow:
    updates its bound, returns the positions of pairs to add (ascending).

    The sweep is split over ``threads`` (default: the usable CPUs, at most 2, on stores of
    at least :data:`THREADED_PAIRS` pairs) mentee ranges run at once; each mentee's
    result is its own, so the split never changes it."""
    from matcher.assignment.kernels import price_pass

    fd = cols.flow.duals()
    price_w = prices.of_pairs(cols.md)
    u = mentee_values(cols.md, fd, price_w)
    if threads is None:
        threads = min(2, usable_cpus()) if sm.mentor.size >= THREADED_PAIRS else 1

    def sweep(span: tuple[int, int]) -> tuple[IntArray, IntArray]:
        best, new, n_new = price_pass(
            sm.indptr, sm.mentor, sm.steps, float(SCORE_GRID), float(sm.score_resolution),
            sm.load, sm.hours, sm.mentor_ok, sm.weight, sm.p, fd.v, prices.lam, prices.den,
            prices.cap, prices.top, u, region, add_per_round, span[0], span[1],
        )  # fmt: skip
        return best, new[:n_new]

    spans = split_rows(sm.indptr, threads)
    if len(spans) > 1:
        with ThreadPoolExecutor(len(spans)) as pool:  # the kernel releases the GIL
            parts = list(pool.map(sweep, spans))
    else:
        parts = [sweep(s) for s in spans]
    best = np.concatenate([b for b, _ in parts]) if parts else np.zeros(0, np.int64)
    out: IntArray = np.concatenate([c for _, c in parts]) if parts else np.zeros(0, np.int64)
    cols.duals, cols.u = fd, u + best
    cols.mentor_term, cols.group_term = dual_terms(cols.md, cols.seats, fd)
    cols.rounds += 1
    cols.converged = out.size == 0
    return out


def grow(sm: StoreModel, cols: Columns, new: IntArray, prices: HourPrices) -> None:
    """Add the store positions ``new`` (none in the working set) and re-optimise."""
    pos = np.sort(np.concatenate([cols.pos, new]))
    md = working_model(sm, pos)
    cols.flow.grow(md, cols.pos, pos, prices.of_pairs(md))
    cols.pos, cols.md = pos, md


def column_generation(
    sm: StoreModel,
    pos: IntArray,
    seats: IntArray,
    region: BoolArray,
    prices: HourPrices | None = None,
    max_rounds: int = _MAX_ROUNDS,
    add_per_round: int = ADD_PER_ROUND,
) -> Columns:
    """Solve the flow (``seats`` per mentor, hours ignored, pairs priced by ``prices``) on
    the working set ``pos`` (ascending, usable) and price every pair of the mentees in
    ``region``; add those with positive reduced profit and repeat, at most
    ``max_rounds`` sweeps (see the module docstring)."""
    prices = HourPrices.none(sm.m) if prices is None else prices
    md = working_model(sm, pos)
    flow = WorkingFlow(md, seats, prices.of_pairs(md))
    empty = np.zeros(0, dtype=np.int64)
    cols = Columns(pos, md, flow, flow.seats, flow.duals(), empty, empty, empty, 0, False)
    while True:
        new = price_round(sm, cols, prices, region, add_per_round)
        if cols.converged or cols.rounds >= max_rounds:
            return cols
        grow(sm, cols, new, prices)
