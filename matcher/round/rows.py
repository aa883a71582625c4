"""One row per mentee, and each mentee's best candidates, from a solved round."""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

from matcher.config import Config
from matcher.criteria import CRITERION_NAMES
from matcher.explain import (
    LIMITS,
    Outcome,
    RoundState,
    explain_unmatched,
    limit_phrases,
    match_reason,
)
from matcher.models import Existing
from matcher.round.plan import AcceptedPair
from matcher.round.result import DECIMALS, MatchRow, MatchStatus, TopCandidate

__all__ = ["accepted_row", "existing_row", "round_rows", "top_candidates"]


def _published(values: npt.NDArray[np.floating]) -> list[tuple[float | None, ...]]:
    """A 2-d block of scores at DECIMALS decimals, NaN as None: one tuple per row.

    Each distinct value of a column is rounded once and shared by every cell that holds it
    (criterion scores repeat a lot: 1, 0, 0.5), which keeps many stored candidates small.
    """
    columns = []
    for col in values.T:
        uniq, inverse = np.unique(col, return_inverse=True)
        table = np.empty(len(uniq), dtype=object)
        table[:] = [None if v != v else v for v in _rounded(uniq)]
        columns.append(table[inverse.reshape(-1)].tolist())
    if not columns:
        return [() for _ in range(len(values))]
    return list(zip(*columns, strict=True))


def _criteria_block(state: RoundState, pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Criterion scores of the given pairs, one row per pair, columns in registry order."""
    crit = state.cands.criteria_at(pairs)
    block = np.empty((len(pairs), len(CRITERION_NAMES)), dtype=np.float64)
    for c, name in enumerate(CRITERION_NAMES):
        block[:, c] = crit[name]
    return block


def _rounded(values: npt.NDArray[np.floating], decimals: int = DECIMALS) -> list[float]:
    """``[round(v, decimals) for v in values]``, bit for bit, vectorised.

    Python's ``round`` takes the integer ``k`` nearest to ``v * 10**decimals`` (exactly,
    ties to even) and returns the double nearest to ``k / 10**decimals``; numpy's
    ``rint(v * 10**decimals) / 10**decimals`` gives the same ``k`` whenever the product,
    off by half an ulp at most, is not within 1e-6 of a tie, and its division is
    correctly rounded too. The values near a tie, huge (2**30 and up: an ulp is then
    not small against 1e-6) or not finite go through ``round`` itself.
    """
    x = np.asarray(values, dtype=np.float64).reshape(-1)
    scale = 10.0**decimals
    with np.errstate(over="ignore", invalid="ignore"):  # those go through round below
        t = x * scale
        out = (np.rint(t) / scale).tolist()
        slow = ~(np.abs(t) < 2.0**30) | (np.abs(t - np.floor(t) - 0.5) <= 1e-6)
    for q in np.flatnonzero(slow).tolist():
        out[q] = round(float(x[q]), decimals)
    return out


def top_candidates(state: RoundState, k: int) -> list[tuple[TopCandidate, ...]]:
    """Each mentee's best ``k`` candidates with what became of them, in mentee order.

    Only the first ``k`` pairs of each mentee are read (vectorised gathers, then one
    record per pair kept); never every pair of the round.
    """
    cands, starts = state.cands, state.starts
    counts = np.minimum(np.diff(starts), k)
    ends = np.cumsum(counts)
    total = int(ends[-1]) if len(ends) else 0
    pos = np.repeat(starts[:-1], counts) + np.arange(total) - np.repeat(ends - counts, counts)
    crit = _published(_criteria_block(state, pos))
    score = _rounded(cands.score_at(pos))
    dist = _rounded(cands.distance_at(pos))
    ids = [m.id for m in state.mentors]
    mentor = [ids[j] for j in cands.mentor[pos].tolist()]
    proposed = (state.mentor_of[cands.mentee_at(pos)] == cands.mentor[pos]).tolist()
    outcomes = [LIMITS[k] for k in state.kinds[pos].tolist()]
    phrases = limit_phrases(state, pos)
    kept = [
        TopCandidate(mentor[q], score[q], crit[q], dist[q], Outcome.PROPOSED, "proposed")
        if proposed[q]
        else TopCandidate(mentor[q], score[q], crit[q], dist[q], outcomes[q], phrases[q])
        for q in range(total)
    ]
    bounds = [0, *ends.tolist()]
    return [tuple(kept[bounds[i] : bounds[i + 1]]) for i in range(len(counts))]


def existing_row(rel: Existing, config: Config) -> MatchRow:
    """The row of a mentee whose running relationship is kept."""
    hours = config.support_hours.existing if rel.hours is None else rel.hours
    return MatchRow(
        rel.mentee_id,
        rel.mentor_id,
        MatchStatus.EXISTING,
        None,
        dict.fromkeys(CRITERION_NAMES),
        (),
        (),
        None,
        None,
        0,
        None,
        f"existing relationship with {rel.mentor_id} kept",
        "existing",
        hours=hours,
    )


def accepted_row(a: AcceptedPair) -> MatchRow:
    """The row of a mentee whose pair was accepted in review and kept."""
    crit = {c: None if v is None else round(v, DECIMALS) for c, v in a.criteria.items()}
    return MatchRow(
        a.mentee_id, a.mentor_id, MatchStatus.ACCEPTED, round(a.score, DECIMALS), crit,
        a.shared_goals, a.signpost_goals, a.planned_end, a.rank, a.candidates, a.priority,
        a.reason, "accepted", hours=a.hours,
    )  # fmt: skip


def round_rows(state: RoundState, explain_top: int, reasons: bool = True) -> list[MatchRow]:
    """The rows of the mentees matched in the round, in the order of the arrays.

    Parameters
    ----------
    state : RoundState
        The solved round.
    explain_top : int
        How many of each mentee's best candidates each row keeps.
    reasons : bool
        False leaves every reason empty (an unmatched row's rule is ``unexplained``):
        for callers that read only outcomes and scores, such as a sweep.
    """
    cands, starts = state.cands, state.starts
    n = len(state.mentees)
    chosen = state.chosen
    chosen_pair = np.full(n, -1, dtype=np.int64)
    chosen_pair[cands.mentee_at(chosen)] = chosen
    priority = cands.mentee_arrays.priority
    # Computed once with the arrays: start (release, or the run date) + relationship months.
    planned_end = cands.mentee_arrays.planned_end
    # Criteria of the chosen pairs only: never materialise them for every pair.
    raw = _criteria_block(state, chosen)
    chosen_crit = _published(raw)
    chosen_score = _rounded(cands.score_at(chosen))
    crit_row = np.full(n, -1, dtype=np.int64)
    crit_row[cands.mentee_at(chosen)] = np.arange(chosen.size)
    top = top_candidates(state, explain_top) if explain_top else [()] * n
    # Python values read per row from lists, not numpy scalars from arrays.
    start, pair_of, row_of = starts.tolist(), chosen_pair.tolist(), crit_row.tolist()
    prio, ends = priority.tolist(), planned_end.tolist()
    hours, raw_rows = cands.mentee_arrays.support_hours.tolist(), raw.tolist()
    rows: list[MatchRow] = []
    for i, mentee in enumerate(state.mentees):
        n_cand = start[i + 1] - start[i]
        p = pair_of[i]
        if p < 0:
            rule, reason = explain_unmatched(state, i) if reasons else ("unexplained", "")
            rows.append(
                MatchRow(
                    mentee.id,
                    None,
                    MatchStatus.UNMATCHED,
                    None,
                    dict.fromkeys(CRITERION_NAMES),
                    (),
                    tuple(mentee.goals),
                    None,
                    None,
                    n_cand,
                    float(prio[i]),
                    reason,
                    rule,
                    top[i],
                )
            )
            continue
        mentor = state.mentors[int(cands.mentor[p])]
        q = row_of[i]
        crit = dict(zip(CRITERION_NAMES, chosen_crit[q], strict=True))
        # "Strongest on" ranks the unrounded scores, as the solver saw them.
        strong = {
            c: None if v != v else v for c, v in zip(CRITERION_NAMES, raw_rows[q], strict=True)
        }
        rows.append(
            MatchRow(
                mentee.id,
                mentor.id,
                MatchStatus.MATCHED,
                chosen_score[q],
                crit,
                tuple(g for g in mentee.goals if g in mentor.specialisms),
                tuple(g for g in mentee.goals if g not in mentor.specialisms),
                date.fromordinal(int(ends[i])),
                p - start[i] + 1,
                n_cand,
                float(prio[i]),
                match_reason(state, i, p, strong) if reasons else "",
                "matched",
                top[i],
                float(hours[i]),
            )
        )
    return rows
