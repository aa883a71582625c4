"""Compiled inner loop of :func:`matcher.candidates.find_candidates` (numba).

One pass over the grid entries of a chunk of mentees applies every hard rule and
scores the survivors, instead of some forty numpy passes over pair arrays. It reads
the round's arrays and lookup tables built by :mod:`matcher.candidates` and writes one
sort key per feasible pair. Rules and scores follow :mod:`matcher.candidates` and
:mod:`matcher.criteria` exactly; the kernel never rounds a comparison it cannot decide:
a pair whose distance rule, location score or release-area test falls within the
tolerance of the chord distance is handed back as *pending*, for the caller to decide
with :func:`matcher.arrays.haversine_km` and :func:`matcher.criteria.score_pairs`.

Compiled on first use and cached on disk (``cache=True``); ``nogil=True`` lets two
threads run chunks at once.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["chunk_keys", "emit"]


@njit(inline="always")
def _popcount32(x):  # type: ignore[no-untyped-def]
    x = x - ((x >> 1) & 0x55555555)
    x = (x & 0x33333333) + ((x >> 2) & 0x33333333)
    x = (x + (x >> 4)) & 0x0F0F0F0F
    return ((x * 0x01010101) & 0xFFFFFFFF) >> 24


@njit(inline="always")
def _clip(x, lo, hi):  # type: ignore[no-untyped-def]
    # np.clip for one float (the builtins min and max compile to calls here).
    return lo if x < lo else (hi if x > hi else x)


@njit(nogil=True, cache=True, error_model="numpy")
def chunk_keys(  # type: ignore[no-untyped-def]
    start, stop, cells, grid_ptr, grid_mentors, entry_class, mentee_offset, table,
    me_lang, mo_lang, me_slots, mo_slots, min_slots,
    me_faith_strength, me_faith, mo_faith, required, preferred,
    rule_prison, rule_commitment, rule_region,
    custody, me_prison, mo_prisons, until, planned_end, me_start, me_region, mo_region,
    excl_ptr, excl,
    me_xyz, mo_xyz, two_r, reach_lo, reach_hi, d_tol_abs, d_tol_rel, far_km, poly_x,
    weights, total, grid, goals_code, specialisms, t_goals, exp_mentee, exp_mentor, t_exp,
    t_gender, t_ethnicity, t_faith, first_language, t_language, slots_code, t_avail,
    half_km, release_km, t_ttg, t_lived,
    rank, i_shift, r_bits,
    keys, pend_i, pend_j, counts,
):  # fmt: skip
    """Sort keys of the feasible pairs of mentees ``start:stop``; the undecided ones apart.

    Each key packs ``(mentee − start) << i_shift | score steps << r_bits | mentor rank``.
    ``weights`` are in registry order (goals, expectations, gender, ethnicity, faith,
    language, availability, location, through_the_gate, continuity, lived_experience);
    ``t_*`` hold each discrete criterion's exact term ``w · float64(float32 s)``. Every
    constant comes in as an argument (strength codes, ``two_r`` = 2 × Earth's radius):
    numba freezes globals into the cached machine code, which a change elsewhere would
    not invalidate.

    Returns
    -------
    (n_keys, n_pending)
        Keys written to ``keys[:n_keys]``; pending pairs to ``pend_i/pend_j[:n_pending]``.
        ``counts[i - start]`` is set to the number of keys of mentee ``i``.
    """
    n_words = min(me_lang.shape[1], mo_lang.shape[1])
    ln2_half = math.log(2.0) / half_km * (1 + 1e-6)
    area_tol = d_tol_abs + d_tol_rel * release_km
    w_loc, w_ttg, w_cont = weights[7], weights[8], weights[9]
    # One mentee's entries are narrowed in three stages, each a branch-free compaction into
    # these buffers (the rules' outcomes are too mixed for branches to predict). Indices
    # are unsigned where it is cheap: numba adds no negative-index wraparound for them.
    width = 0
    for i in range(start, stop):
        if grid_ptr[cells[i] + 1] - grid_ptr[cells[i]] > width:
            width = grid_ptr[cells[i] + 1] - grid_ptr[cells[i]]
    bj = np.empty(width, dtype=np.uint64)
    btab = np.empty(width, dtype=np.uint64)
    bshared = np.empty(width, dtype=np.uint64)
    bd = np.empty(width, dtype=np.float64)
    bfar = np.empty(width, dtype=np.bool_)
    bloc = np.empty(width, dtype=np.float64)
    n_keys = 0
    n_pend = 0
    for i in range(start, stop):
        counts[i - start] = 0
        cell = cells[i]
        fstr = me_faith_strength[i]
        f_i = me_faith[i]
        if fstr == required and f_i < 0:
            continue  # a required faith match that no one can meet
        custody_i = custody[i]
        pr = me_prison[i]
        pr_ok = 0 <= pr < mo_prisons.shape[1] * 64
        pr_word, pr_bit = (pr >> 6, np.uint64(pr & 63)) if pr_ok else (0, np.uint64(0))
        prison_req = rule_prison and custody_i
        if prison_req and not pr_ok:
            continue
        faith_req = fstr == required
        end_i = planned_end[i]
        reg_i = me_region[i]
        region_req = rule_region and reg_i >= 0
        ex_lo, ex_hi = excl_ptr[i], excl_ptr[i + 1]
        moff = mentee_offset[i]
        slots_i = me_slots[i]
        # 1. The rules on codes and masks.
        a = 0
        for pos in range(grid_ptr[cell], grid_ptr[cell + 1]):
            j = grid_mentors[pos]
            tab = np.uint64(table[np.uint64(moff + entry_class[pos])])
            sp = np.uint64(0)
            for w in range(n_words):
                sp |= me_lang[i, w] & mo_lang[j, w]
            shared = np.uint64(_popcount32(np.uint32(slots_i & mo_slots[j])))
            ok = (tab & np.uint64(1) != 0) & (sp != 0) & (shared >= min_slots)
            if faith_req:
                ok &= f_i == mo_faith[j]
            if prison_req:
                ok &= (mo_prisons[j, pr_word] >> pr_bit) & np.uint64(1) != 0
            if rule_commitment:
                ok &= until[j] >= end_i
            if region_req:
                ok &= (mo_region[j] < 0) | (mo_region[j] == reg_i)
            bj[a] = j
            btab[a] = tab
            bshared[a] = shared
            a += ok
        if ex_hi > ex_lo:  # few mentees exclude anyone
            kept = 0
            for k in range(a):
                hit = False
                for e in range(ex_lo, ex_hi):
                    hit |= excl[e] == bj[k]
                bj[kept], btab[kept], bshared[kept] = bj[k], btab[k], bshared[k]
                kept += not hit
            a = kept
        # 2. Distance: the chord 2R·asin(|Δ|/2) decides outside the tolerance band.
        ax, ay, az = me_xyz[i, 0], me_xyz[i, 1], me_xyz[i, 2]
        m = 0
        for k in range(a):
            j = bj[k]
            dx, dy, dz = ax - mo_xyz[j, 0], ay - mo_xyz[j, 1], az - mo_xyz[j, 2]
            x = 0.5 * math.sqrt(dx * dx + dy * dy + dz * dz)
            x = x if x < 1.0 else 1.0
            if x <= poly_x:
                x2 = x * x
                x = x + x * x2 * (1 / 6 + x2 * (3 / 40 + x2 * (5 / 112 + x2 * (35 / 1152))))
            else:
                x = math.asin(x)
            d = two_r * x
            far = d > far_km  # asin is ill-conditioned near antipodes: always undecided
            bj[m], btab[m], bshared[m] = j, btab[k], bshared[k]
            bd[m] = d
            bfar[m] = far | (d > reach_lo[j])
            m += (d <= reach_hi[j]) | far
        # 3. Scores: each criterion adds its term in registry order, as score_pairs does.
        g_code, e_code, s_code = goals_code[i], exp_mentee[i], slots_code[i]
        faith_pref = fstr == preferred
        fl = first_language[i]
        fl_ok = 0 <= fl < mo_lang.shape[1] * 64
        fl_word, fl_bit = (fl >> 6, np.uint64(fl & 63)) if fl_ok else (0, np.uint64(0))
        st = me_start[i]
        span = np.float64(end_i - st)
        hi_key = np.uint64(i - start) << np.uint64(i_shift)
        # A criterion of weight 0 has all-zero terms: adding +0.0 leaves the sum as it is
        # (it is never -0.0), so every term is added without a branch. Location calls exp2,
        # which would spill the sum around the call: its terms come first, in a loop apart.
        if w_loc > 0:
            for k in range(m):
                d = bd[k]
                s = np.exp2(d * (-1.0 / half_km))
                tol = (d_tol_abs + d_tol_rel * d) * ln2_half + 1e-15
                s32 = np.float32(s + tol)
                bfar[k] |= np.float32(s - tol) != s32
                bloc[k] = np.float64(s32) * w_loc
        else:
            bloc[:m] = 0.0
        not_pref = not faith_pref
        faith_ok = f_i >= 0
        kept = 0
        for k in range(m):
            j = bj[k]
            tab = btab[k]
            d = bd[k]
            acc = t_goals[g_code + specialisms[j]]  # 0.0 + term, exactly
            acc += t_exp[e_code + exp_mentor[j]]
            acc += t_gender[tab]
            acc += t_ethnicity[tab]
            acc += t_faith[np.uint64(not_pref | (faith_ok & (f_i == mo_faith[j])))]
            acc += t_language[
                np.uint64(fl_ok & ((mo_lang[j, fl_word] >> fl_bit) & np.uint64(1) != 0))
            ]
            acc += t_avail[s_code + bshared[k]]
            acc += bloc[k]
            cleared = pr_ok & ((mo_prisons[j, pr_word] >> pr_bit) & np.uint64(1) != 0)
            near = d <= release_km
            code = np.uint64(1) + np.uint64(2) * np.uint64(cleared) + np.uint64(near)
            acc += t_ttg[np.uint64(custody_i) * code]
            # The scorer's expression (1 wherever the commitment covers the span).
            cont = _clip(np.float64(until[j] - st) / span, 0.0, 1.0)
            acc += w_cont * np.float64(np.float32(cont))
            acc += t_lived[tab]
            unsure = bfar[k] | (custody_i & (w_ttg > 0) & (abs(d - release_km) <= area_tol))
            steps = np.uint64(grid - _clip(np.rint(acc / total * grid), 0.0, grid))
            keys[n_keys] = hi_key | (steps << np.uint64(r_bits)) | np.uint64(rank[j])
            pend_i[n_pend] = i
            pend_j[n_pend] = j
            n_keys += not unsure
            n_pend += unsure
            kept += not unsure
        counts[i - start] = kept
    return n_keys, n_pend


@njit(nogil=True, cache=True)
def emit(  # type: ignore[no-untyped-def]
    keys, counts, start, r_bits, grid_bits, inv_rank, mentee, mentor, steps, at,
):  # fmt: skip
    """Decode a chunk's sorted keys into the round's pair arrays from position ``at``.

    Writes ``mentee`` (``start`` onwards, ``counts`` pairs each), ``mentor`` (the caller's
    index of the rank in each key) and ``steps``; returns the position after the last.
    """
    mask = np.uint64((1 << r_bits) - 1)
    gmask = np.uint64((1 << grid_bits) - 1)
    shift = np.uint64(r_bits)
    for k in range(len(keys)):
        key = keys[k]
        mentor[at + k] = inv_rank[key & mask]
        steps[at + k] = (key >> shift) & gmask
    pos = at
    for c in range(len(counts)):
        for _ in range(counts[c]):
            mentee[pos] = start + c
            pos += 1
    return at + len(keys)
