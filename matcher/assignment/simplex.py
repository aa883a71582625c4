"""Primal network simplex (numba) for the working set's flow: warm-started and exact.

Column generation re-solves the same flow again and again with a few more arcs (pairs that
pricing found) or new arc costs (hour prices). OR-Tools' ``SimpleMinCostFlow`` starts from
scratch every time and does not give the node potentials; the network simplex keeps its
*basis*, a spanning tree of the nodes, from one solve to the next: added arcs simply join
as non-basic arcs at flow 0, and new costs only change the potentials, so a re-solve
takes the pivots the change needs. The potentials of the optimal tree are exact dual
prices.

The method is the textbook one (Ahuja, Magnanti & Orlin, *Network Flows*, ch. 11; the
tree kept with parent, thread and subtree-size indices; Cunningham's strongly feasible
trees so that degenerate pivots cannot cycle; "block search" pricing, as in LEMON's
``NetworkSimplex`` by P. Kovacs). Arcs are arrays ``src, dst, cap, cost, flow, state``
(``state``: 1 at flow 0, -1 at capacity, 0 in the tree); reduced costs are
``cost + pot[src] - pot[dst]``. Tree arrays per node: ``parent``, ``pred`` (the tree arc
to the parent), ``up`` (+1 if that arc points to the parent), ``thread`` (pre-order,
circular), ``rev_thread``, ``succ`` (subtree size), ``last`` (last node of the subtree in
thread order) and ``pot``.

Imported only when a round is solved by pricing.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["UNLIMITED", "index_tree", "solve_tree"]

#: Capacity of an arc without a limit (mentee arcs: a mentee sends one unit anyway).
UNLIMITED = np.int64(2**62)


@njit(cache=True, nogil=True)
def index_tree(root, parent, pred, up, cost, thread, rev_thread, succ, last, pot):  # type: ignore[no-untyped-def]  # noqa: E501
    """Thread, subtree sizes, last successors and potentials from ``parent``/``pred``/``up``.

    Returns False if the parent pointers do not form one tree spanning every node.
    """
    n = parent.size
    first_child = np.full(n, -1, dtype=np.int64)
    sibling = np.full(n, -1, dtype=np.int64)
    for v in range(n - 1, -1, -1):
        p = parent[v]
        if p >= 0:
            sibling[v] = first_child[p]
            first_child[p] = v
    order = np.empty(n, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    stack[0] = root
    top = 1
    k = 0
    while top > 0:
        top -= 1
        v = stack[top]
        if k == n:
            return False
        order[k] = v
        k += 1
        c = first_child[v]
        while c >= 0:
            stack[top] = c
            top += 1
            c = sibling[c]
    if k != n:
        return False
    at = np.empty(n, dtype=np.int64)
    for q in range(n):
        v = order[q]
        at[v] = q
        w = order[(q + 1) % n]
        thread[v] = w
        rev_thread[w] = v
    succ[:] = 1
    for q in range(n - 1, 0, -1):
        v = order[q]
        succ[parent[v]] += succ[v]
    for v in range(n):
        last[v] = order[at[v] + succ[v] - 1]
    pot[root] = 0
    for q in range(1, n):
        v = order[q]
        pot[v] = pot[parent[v]] - up[v] * cost[pred[v]]
    return True


@njit(inline="always")
def _rehang(
    in_arc, u_in, v_in, u_out, join, src, parent, pred, up, thread, rev_thread, succ, last, dirty
):  # type: ignore[no-untyped-def]  # noqa: E501
    """Replace the tree arc above ``u_out`` by ``in_arc`` (``u_in`` below ``v_in``): the path
    from ``u_in`` up to ``u_out`` (the stem) turns over, and the subtree moves under
    ``v_in``; thread, subtree sizes and last successors follow."""
    old_rev = rev_thread[u_out]
    old_succ = succ[u_out]
    old_last = last[u_out]
    v_out = parent[u_out]
    if u_in == u_out:
        parent[u_in] = v_in
        pred[u_in] = in_arc
        up[u_in] = 1 if src[in_arc] == u_in else -1
        if thread[v_in] != u_out:  # cut the subtree's thread run out, splice it after v_in
            after = thread[old_last]
            thread[old_rev] = after
            rev_thread[after] = old_rev
            after = thread[v_in]
            thread[v_in] = u_out
            rev_thread[u_out] = v_in
            thread[old_last] = after
            rev_thread[after] = old_last
    else:
        # Where the thread resumes after the moved nodes.
        resume = thread[old_last] if old_rev == v_in else thread[v_in]
        stem = u_in
        new_parent = v_in
        end = last[u_in]  # the last node of the part of the stem's subtree moved so far
        after = thread[end]
        thread[v_in] = u_in
        n_dirty = 0
        dirty[n_dirty] = v_in
        n_dirty += 1
        while stem != u_out:
            next_stem = parent[stem]
            thread[end] = next_stem  # the next stem node follows the part moved so far
            dirty[n_dirty] = end
            n_dirty += 1
            before = rev_thread[stem]  # take the stem's own subtree out of its old place
            thread[before] = after
            rev_thread[after] = before
            parent[stem] = new_parent
            new_parent = stem
            stem = next_stem
            # The next stem node's subtree minus the branch just moved ends at `end`.
            end = rev_thread[new_parent] if last[stem] == last[new_parent] else last[stem]
            after = thread[end]
        parent[u_out] = new_parent
        thread[end] = resume
        rev_thread[resume] = end
        last[u_out] = end
        if old_rev != v_in:
            thread[old_rev] = after
            rev_thread[after] = old_rev
        for q in range(n_dirty):
            v = dirty[q]
            rev_thread[thread[v]] = v
        # Along the stem from u_out down to u_in: arcs, directions and sizes turn over.
        size = 0
        last_out = last[u_out]
        v = u_out
        p = parent[v]
        while v != u_in:
            pred[v] = pred[p]
            up[v] = -up[p]
            size += succ[v] - succ[p]
            succ[v] = size
            last[p] = last_out
            v = p
            p = parent[v]
        pred[u_in] = in_arc
        up[u_in] = 1 if src[in_arc] == u_in else -1
        succ[u_in] = old_succ
    # Last successors and sizes on the two paths up to the join node.
    limit = join if last[join] == v_in else -1
    moved_last = last[u_out]
    v = v_in
    while v != -1 and last[v] == v_in:
        last[v] = moved_last
        v = parent[v]
    if join != old_rev and v_in != old_rev:
        v = v_out
        while v != limit and last[v] == old_last:
            last[v] = old_rev
            v = parent[v]
    elif moved_last != old_last:
        v = v_out
        while v != limit and last[v] == old_last:
            last[v] = moved_last
            v = parent[v]
    v = v_in
    while v != join:
        succ[v] += old_succ
        v = parent[v]
    v = v_out
    while v != join:
        succ[v] -= old_succ
        v = parent[v]


@njit(cache=True, nogil=True)
def solve_tree(  # type: ignore[no-untyped-def]
    src, dst, cap, cost, flow, state, parent, pred, up, thread, rev_thread, succ, last, pot,
    n_arcs, next_arc, block,
):  # fmt: skip
    """Pivot until no arc among the first ``n_arcs`` has a negative reduced cost.

    The basis (tree arrays, ``flow``, ``state``, ``pot``) must be a strongly feasible
    spanning tree with potentials that make its arcs' reduced costs 0. Entering arcs are
    chosen by block search (the most negative in blocks of ``block`` arcs, wrapping
    around from ``next_arc``). Returns ``(pivots, next_arc, ok)``; ``ok`` is False if a
    cycle could carry unlimited flow at negative cost (never, with our networks).
    """
    n_nodes = parent.size
    dirty = np.empty(n_nodes + 1, dtype=np.int64)
    pivots = 0
    e = next_arc % max(n_arcs, 1)
    while True:
        best = 0
        in_arc = -1
        count = block
        for _ in range(n_arcs):
            c = state[e] * (cost[e] + pot[src[e]] - pot[dst[e]])
            if c < best:
                best = c
                in_arc = e
            e += 1
            if e == n_arcs:
                e = 0
            count -= 1
            if count == 0:
                if best < 0:
                    break
                count = block
        if in_arc < 0:
            return pivots, e, True
        # The cycle: in_arc and the tree paths from its ends up to where they meet.
        u = src[in_arc]
        v = dst[in_arc]
        while u != v:
            if succ[u] < succ[v]:
                u = parent[u]
            else:
                v = parent[v]
        join = u
        if state[in_arc] == 1:
            first, second = src[in_arc], dst[in_arc]
        else:
            first, second = dst[in_arc], src[in_arc]
        # The leaving arc: the first blocking arc met going round the cycle from the join
        # node in the direction of the flow (ties to the last on the second path keep
        # the tree strongly feasible).
        delta = cap[in_arc]
        side = 0
        u_out = -1
        u = first
        while u != join:
            a = pred[u]
            d = flow[a] if up[u] == 1 else cap[a] - flow[a]
            if d < delta:
                delta = d
                u_out = u
                side = 1
            u = parent[u]
        u = second
        while u != join:
            a = pred[u]
            d = cap[a] - flow[a] if up[u] == 1 else flow[a]
            if d <= delta:
                delta = d
                u_out = u
                side = 2
            u = parent[u]
        if delta >= UNLIMITED // 2:
            return pivots, e, False
        if delta > 0:
            val = state[in_arc] * delta
            flow[in_arc] += val
            u = src[in_arc]
            while u != join:
                flow[pred[u]] -= up[u] * val
                u = parent[u]
            u = dst[in_arc]
            while u != join:
                flow[pred[u]] += up[u] * val
                u = parent[u]
        pivots += 1
        if side == 0:  # the entering arc itself blocks: it only changes bound
            state[in_arc] = -state[in_arc]
            continue
        u_in, v_in = (first, second) if side == 1 else (second, first)
        out_arc = pred[u_out]
        state[in_arc] = 0
        state[out_arc] = 1 if flow[out_arc] == 0 else -1
        _rehang(in_arc, u_in, v_in, u_out, join, src, parent, pred, up, thread, rev_thread,
                succ, last, dirty)  # fmt: skip
        # The moved subtree's potentials shift so that in_arc's reduced cost is 0.
        shift = pot[v_in] - pot[u_in] - up[u_in] * cost[in_arc]
        stop = thread[last[u_in]]
        v = u_in
        while v != stop:
            pot[v] += shift
            v = thread[v]
