"""Compiled passes (numba) over every pair of a round, for :mod:`matcher.assignment.pricing`.

The pairs live in a *store* sorted by mentee (CSR ``indptr``), 8 bytes each: ``mentor``
(int32) and ``steps`` (uint32, the score as grid steps below 1, see
:class:`matcher.candidates.Candidates`). Every pass reads them in one sweep and keeps only
per-mentee or per-mentor results: no pass allocates anything per pair.

A pair is *usable* when it survives the exact filters of
:func:`matcher.assignment.model.integer_model`: its load fits the mentor's hours and the
mentor (and its supervisor) has room (``mentor_ok``). Integer score units are computed as
``integer_model`` computes them, ``rint((grid - steps) / grid * res)``, bit for bit.

Imported only when a round is solved by pricing (importing :mod:`matcher` loads no numba).
Compiled on first use and cached on disk.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "INF",
    "best_k",
    "best_per_mentor",
    "label_components",
    "mentor_scan",
    "price_pass",
    "select_mentees",
    "shortest_to_sink",
    "store_extent",
]

#: "Unreachable" in the integer distance arrays; far above any real path length.
INF = np.int64(2**62)


@njit(inline="always")
def _units(step, grid, res):  # type: ignore[no-untyped-def]
    return np.int64(np.rint((grid - np.float64(step)) / grid * res))


@njit(inline="always")
def _usable(i, j, load, hours, mentor_ok):  # type: ignore[no-untyped-def]
    return mentor_ok[j] and load[i] <= hours[j]


@njit(inline="always")
def _sift_down(buf, lo, size, k):  # type: ignore[no-untyped-def]
    # Max-heap in buf[lo:lo + size]: move buf[lo + k] down to its place.
    while True:
        c = 2 * k + 1
        if c >= size:
            return
        if c + 1 < size and buf[lo + c + 1] > buf[lo + c]:
            c += 1
        if buf[lo + k] >= buf[lo + c]:
            return
        buf[lo + k], buf[lo + c] = buf[lo + c], buf[lo + k]
        k = c


@njit(inline="always")
def _keep_smallest(buf, lo, size, cap, key):  # type: ignore[no-untyped-def]
    """Keep the ``cap`` smallest keys seen in a max-heap at ``buf[lo:]``; return its size."""
    if size < cap:
        k = size
        buf[lo + k] = key
        while k > 0:
            parent = (k - 1) // 2
            if buf[lo + parent] >= buf[lo + k]:
                break
            buf[lo + parent], buf[lo + k] = buf[lo + k], buf[lo + parent]
            k = parent
        return size + 1
    if cap > 0 and key < buf[lo]:
        buf[lo] = key
        _sift_down(buf, lo, size, 0)
    return size


@njit(cache=True, nogil=True)
def store_extent(mentee, mentor, steps):  # type: ignore[no-untyped-def]
    """One read of a non-empty store for its checks: ``(smallest mentee, largest mentee,
    smallest mentor, largest mentor, largest steps, sorted by mentee)`` (numpy's
    reductions and ``diff`` took 3.6 s and a 0.8 GB temporary at 211 M pairs). An empty
    ``mentee`` (a store read through its offsets) checks the mentors and steps only."""
    rows = mentee.size > 0
    lo_i = hi_i = np.int64(mentee[0]) if rows else np.int64(0)
    lo_j = hi_j = np.int64(mentor[0])
    top = np.int64(steps[0])
    ordered = True
    for t in range(1, mentor.size):
        if rows:
            i = np.int64(mentee[t])
            ordered &= i >= mentee[t - 1]
            lo_i, hi_i = min(lo_i, i), max(hi_i, i)
        j = np.int64(mentor[t])
        lo_j, hi_j = min(lo_j, j), max(hi_j, j)
        top = max(top, np.int64(steps[t]))
    return lo_i, hi_i, lo_j, hi_j, top, ordered


@njit(cache=True, nogil=True)
def mentor_scan(  # type: ignore[no-untyped-def]
    indptr, mentor, steps, grid, res, load, hours, mentor_ok, capacity, limited, code, n_codes
):
    """One sweep: what the integer model needs from every usable pair.

    Returns ``(s_best, degree, n_usable, s_total, fit_small, fit_large)``: per mentee the
    largest score units of its usable pairs (0 if none); per mentor its usable pairs; their
    count and total score units; and, per mentor with ``limited`` hours, the most seats
    (at most ``min(capacity, degree)``) whose smallest (``fit_small``) or largest
    (``fit_large``) loads among its pairs fit its hours (``capacity`` elsewhere), as
    :func:`matcher.assignment.flow.seats_where_loads_fit` counts them.

    ``code[i]`` ranks mentee ``i``'s load among the ``n_codes`` distinct loads: with
    ``n_codes > 0`` the limited mentors count their pairs per load in the same sweep (a few
    distinct weekly hours in practice); with 0, a second sweep keeps heaps of loads.
    """
    n = indptr.size - 1
    m = capacity.size
    s_best = np.zeros(n, dtype=np.int64)
    degree = np.zeros(m, dtype=np.int64)
    per_load = np.zeros((m if n_codes > 0 else 0, max(n_codes, 1)), dtype=np.int64)
    n_usable = 0
    s_total = 0
    for i in range(n):
        c = code[i]
        for pos in range(indptr[i], indptr[i + 1]):
            j = mentor[pos]
            if _usable(i, j, load, hours, mentor_ok):
                s = _units(steps[pos], grid, res)
                s_best[i] = max(s_best[i], s)
                degree[j] += 1
                n_usable += 1
                s_total += s
                if n_codes > 0 and limited[j]:
                    per_load[j, c] += 1
    cap = np.minimum(capacity, degree)
    if n_codes > 0:
        values = np.zeros(n_codes, dtype=np.int64)
        for i in range(n):
            values[code[i]] = load[i]
        fit_small, fit_large = _fit_by_counts(per_load, values, cap, hours, limited)
    else:
        fit_small, fit_large = _fit_by_heaps(indptr, mentor, load, hours, mentor_ok, cap,
                                             limited)  # fmt: skip
    return s_best, degree, n_usable, s_total, fit_small, fit_large


@njit(cache=True, nogil=True)
def _fit_by_counts(per_load, values, cap, hours, limited):  # type: ignore[no-untyped-def]
    """``fit_small``/``fit_large`` of :func:`mentor_scan` from each limited mentor's pairs
    counted per load (``values`` ascending)."""
    m, n_codes = per_load.shape[0], values.size
    fit_small = cap.copy()
    fit_large = cap.copy()
    for j in range(m):
        if not limited[j]:
            continue
        for side in range(2):
            taken = 0
            total = 0
            fit = 0
            for q in range(n_codes):
                c = q if side == 0 else n_codes - 1 - q
                for _ in range(min(per_load[j, c], cap[j] - taken)):
                    taken += 1
                    total += values[c]
                    fit += total <= hours[j]
            if side == 0:
                fit_small[j] = fit
            else:
                fit_large[j] = fit
    return fit_small, fit_large


@njit(cache=True, nogil=True)
def _fit_by_heaps(indptr, mentor, load, hours, mentor_ok, cap, limited):  # type: ignore[no-untyped-def]  # noqa: E501
    """``fit_small``/``fit_large`` of :func:`mentor_scan` in a second sweep: the ``cap``
    smallest loads of each limited mentor (a max-heap) and the ``cap`` largest (a max-heap
    of -load)."""
    n = indptr.size - 1
    m = cap.size
    lo = np.zeros(m + 1, dtype=np.int64)
    for j in range(m):
        lo[j + 1] = lo[j] + (cap[j] if limited[j] else 0)
    small = np.empty(lo[m], dtype=np.int64)
    large = np.empty(lo[m], dtype=np.int64)
    n_small = np.zeros(m, dtype=np.int64)
    n_large = np.zeros(m, dtype=np.int64)
    for i in range(n):
        for pos in range(indptr[i], indptr[i + 1]):
            j = mentor[pos]
            if limited[j] and _usable(i, j, load, hours, mentor_ok):
                n_small[j] = _keep_smallest(small, lo[j], n_small[j], cap[j], load[i])
                n_large[j] = _keep_smallest(large, lo[j], n_large[j], cap[j], -load[i])
    fit_small = cap.copy()
    fit_large = cap.copy()
    for j in range(m):
        if not limited[j]:
            continue
        a = np.sort(small[lo[j] : lo[j] + n_small[j]])
        b = np.sort(-large[lo[j] : lo[j] + n_large[j]])[::-1]
        total_a = 0
        total_b = 0
        fa = 0
        fb = 0
        for t in range(a.size):
            total_a += a[t]
            total_b += b[t]
            fa += total_a <= hours[j]
            fb += total_b <= hours[j]
        fit_small[j] = fa
        fit_large[j] = fb
    return fit_small, fit_large


@njit(cache=True, nogil=True)
def best_k(indptr, mentor, steps, load, hours, mentor_ok, k):  # type: ignore[no-untyped-def]
    """Store positions of each mentee's ``k`` best usable pairs (score, then position),
    ascending."""
    n = indptr.size - 1
    out = np.empty(n * k, dtype=np.int64)
    at = 0
    top_pos = np.empty(k, dtype=np.int64)
    top_step = np.empty(k, dtype=np.int64)
    for i in range(n):
        size = 0
        for pos in range(indptr[i], indptr[i + 1]):
            if not _usable(i, mentor[pos], load, hours, mentor_ok):
                continue
            st = np.int64(steps[pos])  # fewer steps is a better score
            if size == k and st >= top_step[size - 1]:
                continue
            q = size if size < k else k - 1
            while q > 0 and top_step[q - 1] > st:
                top_step[q] = top_step[q - 1]
                top_pos[q] = top_pos[q - 1]
                q -= 1
            top_step[q] = st
            top_pos[q] = pos
            size = min(size + 1, k)
        chosen = np.sort(top_pos[:size])
        out[at : at + size] = chosen
        at += size
    return out[:at]


@njit(inline="always")
def _worse(va, pa, vb, pb):  # type: ignore[no-untyped-def]
    # (value, position) a ranks below b: lower value, or equal value and later position.
    return va < vb or (va == vb and pa > pb)


@njit(cache=True, nogil=True)
def best_per_mentor(indptr, mentor, steps, grid, res, weight, p, load, hours, mentor_ok, keep):  # type: ignore[no-untyped-def]  # noqa: E501
    """Store positions, ascending, of each mentor's ``keep[j]`` most valuable usable pairs
    (value ``weight * p[i] + s``, then position)."""
    n = indptr.size - 1
    m = keep.size
    lo = np.zeros(m + 1, dtype=np.int64)
    for j in range(m):
        lo[j + 1] = lo[j] + max(keep[j], 0)
    hv = np.empty(lo[m], dtype=np.int64)  # a heap per mentor, its worst pair on top
    hp = np.empty(lo[m], dtype=np.int64)
    size = np.zeros(m, dtype=np.int64)
    # Each full heap's top, side by side: most pairs lose to it, read without touching
    # the heaps (26 MB at 200k x 40k, out of cache); a heap not yet full never rejects.
    top_v = np.full(m, np.iinfo(np.int64).min, dtype=np.int64)
    top_p = np.full(m, np.iinfo(np.int64).max, dtype=np.int64)
    for i in range(n):
        base = weight * p[i]
        for pos in range(indptr[i], indptr[i + 1]):
            j = mentor[pos]
            if keep[j] <= 0 or not _usable(i, j, load, hours, mentor_ok):
                continue
            val = base + _units(steps[pos], grid, res)
            if not _worse(top_v[j], top_p[j], val, pos):
                continue
            o = lo[j]
            if size[j] < keep[j]:
                k = size[j]
                size[j] += 1
                hv[o + k] = val
                hp[o + k] = pos
                while k > 0:
                    q = (k - 1) // 2
                    if not _worse(hv[o + k], hp[o + k], hv[o + q], hp[o + q]):
                        break
                    hv[o + k], hv[o + q] = hv[o + q], hv[o + k]
                    hp[o + k], hp[o + q] = hp[o + q], hp[o + k]
                    k = q
            elif _worse(hv[o], hp[o], val, pos):
                hv[o] = val
                hp[o] = pos
                k = 0
                c_n = size[j]
                while True:
                    c = 2 * k + 1
                    if c >= c_n:
                        break
                    if c + 1 < c_n and _worse(hv[o + c + 1], hp[o + c + 1], hv[o + c], hp[o + c]):
                        c += 1
                    if not _worse(hv[o + c], hp[o + c], hv[o + k], hp[o + k]):
                        break
                    hv[o + k], hv[o + c] = hv[o + c], hv[o + k]
                    hp[o + k], hp[o + c] = hp[o + c], hp[o + k]
                    k = c
            if size[j] == keep[j]:
                top_v[j], top_p[j] = hv[o], hp[o]
    total = 0
    for j in range(m):
        total += size[j]
    out = np.empty(total, dtype=np.int64)
    at = 0
    for j in range(m):
        out[at : at + size[j]] = hp[lo[j] : lo[j] + size[j]]
        at += size[j]
    return np.sort(out)


@njit(cache=True, nogil=True)
def price_pass(  # type: ignore[no-untyped-def]
    indptr, mentor, steps, grid, res, load, hours, mentor_ok, weight, p, v, lam, den,
    price_cap, top_price, threshold, region, k_add, i_lo, i_hi,
):  # fmt: skip
    """Price every usable pair of the mentees ``i_lo <= i < i_hi`` in ``region`` against
    seat values ``v``.

    A pair's reduced profit is ``weight * p[i] + s - price - v[j] - threshold[i]``, its
    price ``min(floor(lam[j] * load[i] / den), price_cap)`` (0 when ``lam`` is 0), as
    :func:`matcher.assignment.pricing` prices hours. ``v[j] >= INF`` marks a mentor
    without seats (never priced in).

    Returns ``(best, cols, n_cols)``: per mentee of the range the largest reduced profit (0
    if none is positive), and the store positions of at most ``k_add`` pairs per mentee
    with positive reduced profit (the largest first), ascending, in ``cols[:n_cols]``.
    """
    best = np.zeros(i_hi - i_lo, dtype=np.int64)
    cols = np.empty((i_hi - i_lo) * k_add, dtype=np.int64)
    n_cols = 0
    top_rp = np.empty(k_add, dtype=np.int64)
    top_pos = np.empty(k_add, dtype=np.int64)
    for i in range(i_lo, i_hi):
        if not region[i]:
            continue
        base = weight * p[i] - threshold[i]
        size = 0
        for pos in range(indptr[i], indptr[i + 1]):
            j = mentor[pos]
            if v[j] >= INF or not _usable(i, j, load, hours, mentor_ok):
                continue
            a = lam[j]
            price = 0
            if a > 0:
                price = price_cap if a > top_price // max(load[i], 1) else (a * load[i]) // den
            rp = base + _units(steps[pos], grid, res) - price - v[j]
            if rp <= 0:
                continue
            best[i - i_lo] = max(best[i - i_lo], rp)
            if size == k_add and rp <= top_rp[size - 1]:
                continue
            q = size if size < k_add else k_add - 1
            while q > 0 and top_rp[q - 1] < rp:
                top_rp[q] = top_rp[q - 1]
                top_pos[q] = top_pos[q - 1]
                q -= 1
            top_rp[q] = rp
            top_pos[q] = pos
            size = min(size + 1, k_add)
        cols[n_cols : n_cols + size] = np.sort(top_pos[:size])
        n_cols += size
    return best, cols, n_cols


@njit(inline="always")
def _find(parent, x):  # type: ignore[no-untyped-def]
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:
        parent[x], x = root, parent[x]
    return root


@njit(cache=True, nogil=True)
def label_components(indptr, mentor, load, hours, mentor_ok, group, n_groups):  # type: ignore[no-untyped-def]  # noqa: E501
    """Connected components of mentees, mentors and supervisors joined by usable pairs.

    Returns ``(labels, n_comp, pairs)``: labels of the ``n + m + n_groups`` nodes (numbered
    by their smallest node), the number of components and the usable pairs of each.
    """
    n = indptr.size - 1
    m = hours.size
    size = n + m + n_groups
    parent = np.arange(size, dtype=np.int64)
    for i in range(n):
        for pos in range(indptr[i], indptr[i + 1]):
            j = mentor[pos]
            if _usable(i, j, load, hours, mentor_ok):
                a, b = _find(parent, i), _find(parent, n + j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    for j in range(m):
        if group[j] >= 0:
            a, b = _find(parent, n + j), _find(parent, n + m + group[j])
            if a != b:
                parent[max(a, b)] = min(a, b)
    labels = np.empty(size, dtype=np.int64)
    n_comp = 0
    for x in range(size):
        r = _find(parent, x)
        if r == x:
            labels[x] = n_comp
            n_comp += 1
        else:
            labels[x] = labels[r]
    pairs = np.zeros(n_comp, dtype=np.int64)
    for i in range(n):
        for pos in range(indptr[i], indptr[i + 1]):
            if _usable(i, mentor[pos], load, hours, mentor_ok):
                pairs[labels[i]] += 1
    return labels, n_comp, pairs


@njit(cache=True, nogil=True)
def select_mentees(indptr, mentor, load, hours, mentor_ok, take):  # type: ignore[no-untyped-def]
    """Store positions, ascending, of every usable pair of the mentees with ``take[i]``."""
    n = indptr.size - 1
    count = 0
    for i in range(n):
        if take[i]:
            for pos in range(indptr[i], indptr[i + 1]):
                count += _usable(i, mentor[pos], load, hours, mentor_ok)
    out = np.empty(count, dtype=np.int64)
    at = 0
    for i in range(n):
        if take[i]:
            for pos in range(indptr[i], indptr[i + 1]):
                if _usable(i, mentor[pos], load, hours, mentor_ok):
                    out[at] = pos
                    at += 1
    return out


@njit(cache=True, nogil=True)
def shortest_to_sink(n_nodes, sink, tail, head, cost):  # type: ignore[no-untyped-def]
    """Length of the shortest path from every node to ``sink`` over arcs ``tail -> head``.

    Label-correcting (a FIFO queue, from the sink over the reversed arcs); there must be
    no negative cycle, as on the residual graph of an optimal flow. Unreachable: ``INF``.
    Returns ``(dist, ok)``; ``ok`` is False if a node was corrected ``n_nodes`` times (a
    negative cycle: then ``dist`` is meaningless).
    """
    # Reversed CSR: the arcs entering each node.
    start = np.zeros(n_nodes + 1, dtype=np.int64)
    for a in range(head.size):
        start[head[a] + 1] += 1
    for v in range(n_nodes):
        start[v + 1] += start[v]
    fill = start[:-1].copy()
    src = np.empty(head.size, dtype=np.int64)
    arc_cost = np.empty(head.size, dtype=np.int64)
    for a in range(head.size):
        h = head[a]
        src[fill[h]] = tail[a]
        arc_cost[fill[h]] = cost[a]
        fill[h] += 1
    dist = np.full(n_nodes, INF, dtype=np.int64)
    queued = np.zeros(n_nodes, dtype=np.bool_)
    times = np.zeros(n_nodes, dtype=np.int64)
    queue = np.empty(n_nodes + 1, dtype=np.int64)
    q_head = 0
    q_tail = 0
    dist[sink] = 0
    queue[q_tail] = sink
    q_tail += 1
    queued[sink] = True
    size = n_nodes + 1
    while q_head != q_tail:
        b = queue[q_head]
        q_head = (q_head + 1) % size
        queued[b] = False
        db = dist[b]
        for e in range(start[b], start[b + 1]):
            a = src[e]
            d = db + arc_cost[e]
            if d < dist[a]:
                dist[a] = d
                if not queued[a]:
                    times[a] += 1
                    if times[a] > n_nodes:
                        return dist, False
                    queued[a] = True
                    queue[q_tail] = a
                    q_tail = (q_tail + 1) % size
    return dist, True
