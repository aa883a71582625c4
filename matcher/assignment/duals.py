"""The working set's flow with its dual prices, and the bound those prices prove over
every pair.

:class:`WorkingFlow` solves the flow that ignores hours (seats, supervisors) on a working
set by the network simplex of :mod:`matcher.assignment.simplex` and keeps its basis, so
that pairs joining or new hour prices cost only the pivots they need. The potentials of
the optimal basis give a *seat value* ``v[j]`` per mentor and a value ``w[g]`` per
supervisor (OR-Tools' ``SimpleMinCostFlow`` does not expose them).

**The bound.** For *any* ``v`` and ``w`` whatsoever, and prices ``price`` on pairs,

    max over assignments x of  f(x) - price(x)
        <= sum_i u_i + sum_j sum_{t <= seats_j} max(0, v_j - w_{g(j)} - pen_jt)
           + sum_g gcap_g max(0, w_g),
    u_i = max(0, max over the pairs (i, j) of  M p_i + s_ij - price_ij - v_j),

where the max runs over every assignment that keeps to the seats and supervisor caps
(hours ignored): it is the Lagrangian dual of that flow problem (weak duality, term by
term; ``w`` of a mentor without supervisor is 0). It is valid as long as ``u_i`` is taken
over *every* pair of the round, whatever the working set; with the optimal potentials of
a working set it equals the working set's optimum once no pair left out has a positive
reduced profit ``M p_i + s_ij - price_ij - v_j - u_i``. It separates by component.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.assignment.model import Model
from matcher.assignment.validate import BoolArray, IntArray

__all__ = ["FlowDuals", "WorkingFlow", "dual_terms", "mentee_values"]

_BLOCK_DIVISOR = 16  # block search: sqrt(arcs) / this arcs a block (see WorkingFlow._solve)


@dataclass(frozen=True)
class FlowDuals:
    """An optimal flow on a working set and its dual prices."""

    chosen: BoolArray  # per pair of the model
    v: IntArray  # per mentor: seat value (INF: no seat)
    w: IntArray  # per supervisor
    exact: bool  # the potentials are proven (no negative cycle found)


def _seat_arcs(md: Model, seats: IntArray) -> tuple[IntArray, IntArray]:
    """The mentor -> supervisor/sink arcs: (mentor, cost) per unit seat with spread, else
    one arc per mentor with seats (cost 0)."""
    has = np.flatnonzero(seats > 0)
    if md.spread_units > 0:
        who = np.repeat(has, seats[has])
        first = np.repeat(np.cumsum(seats[has]) - seats[has], seats[has])
        seat = np.arange(who.size, dtype=np.int64) - first + 1
        return who, md.seat_penalty(who, seat)
    return has, np.zeros(has.size, dtype=np.int64)


class WorkingFlow:
    """The optimal flow of a working set and its potentials, kept as pairs join or prices
    change (network simplex, :mod:`matcher.assignment.simplex`).

    Nodes: mentees ``0..n-1``, mentors ``n..n+m-1``, supervisors, then the sink (the root
    of the basis tree). Arcs: each mentee's "unmatched" arc (cost ``M p_i``), the mentors'
    seat arcs (every mentor with seats, whether a pair of the working set reaches it or
    not), an idle arc to the sink for each mentor without seats (no pair reaches it), the
    supervisors' arcs, then the working set's pairs (cost ``price - s``) in the order they
    joined. Mentee arcs need no capacity: a mentee sends one unit. The first basis has
    every mentee unmatched; it is strongly feasible.
    """

    def __init__(self, md: Model, seats: IntArray, price: IntArray | None = None) -> None:
        from matcher.assignment.simplex import UNLIMITED, index_tree

        n, m, g_n = md.n, md.m, md.n_groups
        self.md, self.seats = md, seats.copy()
        self.seats[np.append(md.gcap, 1)[md.group] <= 0] = 0  # a supervisor without room
        seats = self.seats
        self.sink = sink = n + m + g_n
        out_node = np.where(md.group >= 0, n + m + md.group, sink)
        who, seat_cost = _seat_arcs(md, seats)
        seat_cap = np.ones(who.size, np.int64) if md.spread_units > 0 else seats[who]
        idle = np.flatnonzero(seats <= 0)
        g = np.arange(g_n, dtype=np.int64)
        gcap = np.where(md.gcap > 0, md.gcap, UNLIMITED)  # a supervisor without room: idle
        src = np.concatenate([np.arange(n), n + who, n + idle, n + m + g])
        dst = np.concatenate([np.full(n, sink), out_node[who], np.full(idle.size, sink),
                              np.full(g_n, sink)])  # fmt: skip
        cap = np.concatenate([np.full(n, UNLIMITED), seat_cap, np.full(idle.size, UNLIMITED), gcap])
        cost = np.concatenate([md.weight * md.p, seat_cost, np.zeros(idle.size + g_n, np.int64)])
        self.n_fixed = src.size
        n_nodes = sink + 1
        parent = np.full(n_nodes, -1, dtype=np.int64)
        pred = np.zeros(n_nodes, dtype=np.int64)
        parent[:n], pred[:n] = sink, np.arange(n)
        # Each mentor's first seat arc (or its idle arc), each supervisor's arc.
        first_seat = n + np.flatnonzero(np.r_[True, who[1:] != who[:-1]]) if who.size else who
        has = who[first_seat - n] if who.size else who
        parent[n + has], pred[n + has] = out_node[has], first_seat
        at_idle = n + who.size
        parent[n + idle], pred[n + idle] = sink, at_idle + np.arange(idle.size)
        parent[n + m + g], pred[n + m + g] = sink, at_idle + idle.size + g
        state = np.ones(self.n_fixed, dtype=np.int64)
        state[pred[:sink]] = 0
        flow = np.zeros(self.n_fixed, dtype=np.int64)
        flow[:n] = 1  # everyone unmatched
        self._arcs = [src.astype(np.int64), dst.astype(np.int64), cap.astype(np.int64),
                      cost.astype(np.int64), flow, state]  # fmt: skip
        self.parent, self.pred = parent, pred
        self.up = np.ones(n_nodes, dtype=np.int64)
        self.thread = np.empty(n_nodes, dtype=np.int64)
        self.rev_thread = np.empty(n_nodes, dtype=np.int64)
        self.succ = np.empty(n_nodes, dtype=np.int64)
        self.last = np.empty(n_nodes, dtype=np.int64)
        self.pot = np.empty(n_nodes, dtype=np.int64)
        self.next_arc = 0
        self.pivots = 0
        if not index_tree(sink, parent, pred, self.up, self._arcs[3], self.thread,
                          self.rev_thread, self.succ, self.last, self.pot):  # fmt: skip
            raise RuntimeError("network simplex: the first basis is not a spanning tree")
        # Per pair of md: its arc (-1: its mentor has no seats, so it is left out).
        self.pair_arc = self._add(md, np.arange(md.mentee.size), price)
        self._solve()

    def _add(self, md: Model, new: IntArray, price: IntArray | None) -> IntArray:
        """Append arcs for the pairs ``new`` of ``md``; their arc ids (-1: no seats)."""
        from matcher.assignment.simplex import UNLIMITED

        src, dst, cap, cost, flow, state = self._arcs
        ok = self.seats[md.mentor[new]] > 0
        take = new[ok]
        base = src.size
        c = -md.s[take] if price is None else price[take] - md.s[take]
        self._arcs = [
            np.concatenate([src, md.mentee[take]]),
            np.concatenate([dst, md.n + md.mentor[take]]),
            np.concatenate([cap, np.full(take.size, UNLIMITED)]),
            np.concatenate([cost, c.astype(np.int64)]),
            np.concatenate([flow, np.zeros(take.size, np.int64)]),
            np.concatenate([state, np.ones(take.size, np.int64)]),
        ]
        ids = np.full(new.size, -1, dtype=np.int64)
        ids[ok] = base + np.arange(take.size)
        return ids

    def _solve(self) -> None:
        from matcher.assignment.simplex import solve_tree

        src, dst, cap, cost, flow, state = self._arcs
        # Small blocks: measured fastest on the 50k x 10k round (sqrt(arcs) / 16 vs 1x: 3.1 s
        # vs 4.3 s of CPU for the whole column generation).
        block = max(int(np.sqrt(src.size)) // _BLOCK_DIVISOR, 16)
        pivots, self.next_arc, ok = solve_tree(
            src, dst, cap, cost, flow, state, self.parent, self.pred, self.up, self.thread,
            self.rev_thread, self.succ, self.last, self.pot, src.size, self.next_arc, block,
        )  # fmt: skip
        if not ok:
            raise RuntimeError("network simplex: unbounded (never expected)")
        self.pivots += int(pivots)

    def grow(
        self, md: Model, old_pos: IntArray, new_pos: IntArray, price: IntArray | None = None
    ) -> None:
        """Add the pairs of ``new_pos`` that ``old_pos`` lacks (``md`` is the model of
        ``new_pos``, ``price`` its pairs' prices, unchanged for the old pairs) and
        re-optimise from the current basis."""
        at = np.searchsorted(new_pos, old_pos)
        pair_arc = np.full(new_pos.size, -1, dtype=np.int64)
        pair_arc[at] = self.pair_arc
        is_new = np.ones(new_pos.size, dtype=bool)
        is_new[at] = False
        new = np.flatnonzero(is_new)
        pair_arc[new] = self._add(md, new, price)
        self.pair_arc, self.md = pair_arc, md
        self._solve()

    def reprice(self, price: IntArray | None) -> None:
        """New prices on the working set's pairs, re-solved from the current basis (new
        costs keep the tree's flow feasible and strongly feasible; only the potentials are
        recomputed): 0.2-1 s a step of the hour-price search of
        :mod:`matcher.assignment.hours` on the 50k x 10k round, against 2-2.5 s for a new
        ``WorkingFlow`` solved afresh (from every mentee unmatched).
        """
        from matcher.assignment.simplex import index_tree

        cost = self._arcs[3]
        ok = self.pair_arc >= 0
        c = -self.md.s if price is None else price - self.md.s
        cost[self.pair_arc[ok]] = c[ok]
        if not index_tree(self.sink, self.parent, self.pred, self.up, cost, self.thread,
                          self.rev_thread, self.succ, self.last, self.pot):  # fmt: skip
            raise RuntimeError("network simplex: the basis is not a spanning tree")
        self._solve()

    def duals(self) -> FlowDuals:
        """The flow's pairs and dual prices (seat values from the potentials)."""
        from matcher.assignment.kernels import INF

        md, n, m = self.md, self.md.n, self.md.m
        flow = self._arcs[4]
        chosen = np.zeros(md.mentee.size, dtype=bool)
        ok = self.pair_arc >= 0
        chosen[ok] = flow[self.pair_arc[ok]] > 0
        d = self.pot[self.sink] - self.pot  # pi(sink) = 0: a seat value is -pi
        v = d[n : n + m].copy()
        v[self.seats <= 0] = INF
        w = d[n + m : self.sink].copy()
        w[md.gcap <= 0] = INF
        return FlowDuals(chosen, v, w, True)


def mentee_values(md: Model, fd: FlowDuals, price: IntArray | None = None) -> IntArray:
    """``u_i`` over the working set's pairs: the best reduced value of each mentee."""
    ok = fd.v[md.mentor] < _inf()
    gain = md.weight * md.p[md.mentee] + md.s - fd.v[md.mentor]
    if price is not None:
        gain = gain - price
    u = np.zeros(md.n, dtype=np.int64)
    np.maximum.at(u, md.mentee[ok], gain[ok])
    return u


def _inf() -> np.int64:
    from matcher.assignment.kernels import INF

    return INF  # type: ignore[no-any-return]


def dual_terms(md: Model, seats: IntArray, fd: FlowDuals) -> tuple[IntArray, IntArray]:
    """The mentor and supervisor terms of the bound (see the module docstring), per mentor
    and per supervisor, for ``seats`` per mentor."""
    inf = _inf()
    w_of = np.append(fd.w, 0)[md.group]  # mentors without a supervisor: w = 0 (the sink)
    who, pen = _seat_arcs(md, seats)
    ok = (fd.v[who] < inf) & (w_of[who] < inf)
    gain = np.where(ok, fd.v[who] - w_of[who] - pen, 0)
    if md.spread_units > 0:
        mentor_term = np.zeros(md.m, dtype=np.int64)
        np.add.at(mentor_term, who, np.maximum(gain, 0))
    else:
        mentor_term = np.zeros(md.m, dtype=np.int64)
        mentor_term[who] = seats[who] * np.maximum(gain, 0)
    group_term = np.where(fd.w < inf, md.gcap * np.maximum(fd.w, 0), 0).astype(np.int64)
    return mentor_term, group_term
