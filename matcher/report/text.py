"""Plain-text explanations for the command line: one mentee of a round, one shortlist.

:func:`explain_mentee` reads only a finished result (fresh, or read back from
``result.json``), so explaining a saved round needs neither the input files nor the
solver.
"""

from __future__ import annotations

from matcher.criteria import CRITERIA
from matcher.errors import ParameterError
from matcher.explain import Outcome
from matcher.round import MatchResult, MatchStatus
from matcher.shortlist import Shortlist

__all__ = ["explain_mentee", "format_shortlist"]


def explain_mentee(result: MatchResult, mentee_id: str, k: int = 5) -> str:
    """Why this mentor, and how the next best candidates compare criterion by criterion.

    Parameters
    ----------
    result : MatchResult
        A finished round (from :func:`matcher.match` or :func:`matcher.load_result`).
    mentee_id : str
        The mentee to explain.
    k : int
        How many candidates to compare. The table shows at most as many as the round
        kept per mentee (``explain_top`` of :func:`matcher.match`, 5 by default); the
        rest are counted on the last line.

    Returns
    -------
    str
        A plain-text explanation with a table of the top ``k`` candidates.
    """
    if not isinstance(k, int) or k < 1:
        raise ParameterError(
            f"The 'k' parameter of explain_mentee must be an int >= 1, got {k!r} instead"
        )
    row = result.row(mentee_id)
    lines = []
    if row.status in (MatchStatus.EXISTING, MatchStatus.ACCEPTED):  # kept: nothing compared
        return f"{mentee_id}: {row.reason}; not matched again.\n"
    if row.status == MatchStatus.MATCHED:
        lines.append(
            f"{mentee_id}: matched with {row.mentor_id} (score {row.score:.3f}, "
            f"rank {row.rank} of {row.candidates} candidates)"
        )
        lines.append(f"why: {row.reason}")
        lines.append(f"goals to agree at the first meeting: {', '.join(row.shared_goals) or '-'}")
        lines.append(f"signpost to other services for: {', '.join(row.signpost_goals) or '-'}")
        lines.append(f"planned end: {row.planned_end}")
    else:
        lines.append(f"{mentee_id}: unmatched ({row.candidates} candidates)")
        lines.append(f"why: {row.reason}")
    shown = row.top_candidates[:k]
    if not shown:
        return "\n".join(lines) + "\n"
    names = [c.short for c in CRITERIA]  # column heads of at most 6 characters
    lines.append("")
    lines.append(
        f"{'candidate':<12} {'score':>6} " + " ".join(f"{n:>6}" for n in names) + "  km     outcome"
    )
    for c in shown:
        vals = " ".join(f"{'-' if v is None else f'{v:.2f}':>6}" for v in c.criteria)
        outcome = "proposed" if c.outcome is Outcome.PROPOSED else c.reason
        lines.append(f"{c.mentor_id:<12} {c.score:>6.3f} {vals}  {c.distance_km:>5.1f}  {outcome}")
    if row.candidates > len(shown):
        lines.append(f"... and {row.candidates - len(shown)} more candidates")
    return "\n".join(lines) + "\n"


def format_shortlist(result: Shortlist) -> str:
    """Plain-text form of a shortlist: ranked mentors with reasons, or why none."""
    if not result.entries:
        return f"{result.mentee_id}: no mentor available. {result.reason}\n"
    lines = [
        f"{result.mentee_id}: {len(result.entries)} of {result.n_available} available "
        "mentors, best first"
    ]
    for rank, e in enumerate(result.entries, start=1):
        lines.append(
            f"{rank:>2}. {e.mentor_id:<12} score {e.score:.3f}  {e.distance_km:5.1f} km  {e.reason}"
        )
    return "\n".join(lines) + "\n"
