"""Compare two rounds of the same caseload: who changes, why, and what it does to the figures.

:func:`compare` takes two :class:`~matcher.round.MatchResult` values (config A and config
B) and lists every mentee whose outcome differs (status or mentor), with the criterion
scores that moved and a reason in plain words, beside each round's :class:`Figures` and
the deltas B − A. A round compared with itself lists no one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matcher.criteria import CRITERION_NAMES, criterion
from matcher.errors import ParameterError
from matcher.models import Mentee, Mentor
from matcher.round import MatchResult, MatchRow
from matcher.tuning.figures import Figures, figures

__all__ = ["Change", "Comparison", "GroupDelta", "MovedScore", "compare"]

_SAME = 1e-9  # weight shares closer than this are "the same weight"


@dataclass(frozen=True)
class MovedScore:
    """A criterion score that differs between the mentee's pair under A and under B."""

    criterion: str
    a: float
    b: float


@dataclass(frozen=True)
class Change:
    """One mentee whose outcome differs between the two rounds."""

    mentee_id: str
    status_a: str
    mentor_a: str | None
    score_a: float | None
    status_b: str
    mentor_b: str | None
    score_b: float | None
    moved: tuple[MovedScore, ...]
    reason: str


@dataclass(frozen=True)
class GroupDelta:
    """One group's match rate under A and B (``None`` where the summary suppresses it)."""

    dimension: str
    group: str
    n: int | None
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        """B − A, when both are shown."""
        return None if self.a is None or self.b is None else round(self.b - self.a, 4)


@dataclass(frozen=True)
class Comparison:
    """Two rounds side by side.

    Attributes
    ----------
    changes : tuple of Change
        One per mentee whose status or mentor differs, by mentee id.
    a, b : Figures
        Each round's figures.
    groups : tuple of GroupDelta
        Match rate by group under both (the groups each summary shows).
    result_a, result_b : MatchResult
    """

    changes: tuple[Change, ...]
    a: Figures
    b: Figures
    groups: tuple[GroupDelta, ...]
    result_a: MatchResult
    result_b: MatchResult

    def delta(self, name: str) -> float | None:
        """B − A of a numeric figure (e.g. ``"match_rate"``), ``None`` if either is."""
        va, vb = getattr(self.a, name), getattr(self.b, name)
        return None if va is None or vb is None else round(float(vb) - float(va), 6)


def _shares(result: MatchResult) -> dict[str, float]:
    weights = result.config.weight_vector()
    total = sum(w for w in weights.values() if w > 0)
    return {k: (w / total if w > 0 else 0.0) for k, w in weights.items()}


def _detail(name: str, row: MatchRow) -> str:
    """What the row's mentor scores on one criterion, in words."""
    if name == "goals" and (row.shared_goals or row.signpost_goals):
        n = len(row.shared_goals) + len(row.signpost_goals)
        return f"covers {len(row.shared_goals)} of {n} goal{'s' if n != 1 else ''}"
    value = row.criteria.get(name)
    return f"scores {value:.2f} on {criterion(name).label.lower()}" if value is not None else ""


def _moved(ra: MatchRow, rb: MatchRow) -> tuple[MovedScore, ...]:
    out = []
    for name in CRITERION_NAMES:
        a, b = ra.criteria.get(name), rb.criteria.get(name)
        if a is not None and b is not None and a != b:
            out.append(MovedScore(name, a, b))
    return tuple(out)


def _why_other_mentor(
    ra: MatchRow, rb: MatchRow, wa: dict[str, float], wb: dict[str, float], taken_b: str | None
) -> str:
    """Why B gives the mentee another mentor.

    First a criterion B weights more on which B's mentor is better (the weights pulled the
    mentee over); else A's mentor being taken by someone else under B; else a criterion B
    weights less on which B's mentor is worse (the weights let it go); else the optimum.
    """
    more: list[tuple[float, int, str]] = []
    less: list[tuple[float, int, str]] = []
    for name in CRITERION_NAMES:
        sa, sb = ra.criteria.get(name), rb.criteria.get(name)
        dw = wb[name] - wa[name]
        if sa is None or sb is None or abs(dw) <= _SAME or dw * (sb - sa) <= 0:
            continue
        (more if dw > 0 else less).append((dw * (sb - sa), -CRITERION_NAMES.index(name), name))
    taken = f"{ra.mentor_id} went to {taken_b} under B" if taken_b else ""
    for gains, word in ((more, "more"), (less, "less")):
        if not gains or (word == "less" and taken):
            continue
        name = max(gains)[2]
        other = _detail(name, ra)
        text = (
            f"B weights {criterion(name).label.lower()} {word}: mentor {rb.mentor_id} "
            f"{_detail(name, rb)}" + (f" ({ra.mentor_id} {other})" if other else "")
        )
        return text + (f"; {taken}" if taken else "")
    if taken:
        return f"{taken}; mentor {rb.mentor_id} instead (rank {rb.rank})"
    return (
        f"B's optimum pairs the mentee with {rb.mentor_id} (rank {rb.rank}) instead of "
        f"{ra.mentor_id} (rank {ra.rank} under A)"
    )


def _reason(
    ra: MatchRow,
    rb: MatchRow,
    wa: dict[str, float],
    wb: dict[str, float],
    taken_b: dict[str, str],
) -> str:
    if ra.status == "matched" and rb.status == "matched":
        return _why_other_mentor(ra, rb, wa, wb, taken_b.get(ra.mentor_id or ""))
    if ra.status == "matched":
        return f"unmatched under B: {rb.reason}"
    if rb.status == "matched":
        return f"matched under B to {rb.mentor_id} ({rb.reason}); under A: {ra.reason}"
    return f"{ra.status} under A, {rb.status} under B: {rb.reason}"


def _group_deltas(a: Figures, b: Figures) -> tuple[GroupDelta, ...]:
    out = []
    for dim, groups in a.by_group.items():
        other = b.by_group.get(dim, {})
        for key, ga in groups.items():
            gb = other.get(key)
            rate_b = gb.match_rate if gb is not None else None
            out.append(GroupDelta(dim, key, ga.n, ga.match_rate, rate_b))
    return tuple(out)


def compare(
    result_a: MatchResult,
    result_b: MatchResult,
    *,
    mentees: Sequence[Mentee] = (),
    mentors: Sequence[Mentor] = (),
) -> Comparison:
    """Compare two rounds of the same caseload (config A against config B).

    Parameters
    ----------
    result_a, result_b : MatchResult
        Rounds of the same mentees (e.g. ``matcher.match`` with two configs).
    mentees, mentors : sequence of Mentee, Mentor, optional
        The round's records, for the share matched through the gate (else ``None``).

    Returns
    -------
    Comparison
        The mentees whose status or mentor differs (none when A and B agree), each with
        the criterion scores that moved and a reason; both rounds' figures.

    Raises
    ------
    ParameterError
        When the two results are not of the same mentees.
    """
    rows_b = {r.mentee_id: r for r in result_b.rows}
    if [r.mentee_id for r in result_a.rows] != [r.mentee_id for r in result_b.rows]:
        raise ParameterError(
            "The 'result_b' parameter of compare must be a round of the same mentees as "
            "'result_a', got a round of other mentees instead"
        )
    wa, wb = _shares(result_a), _shares(result_b)
    # Who each mentor took on under B that it did not have under A: where A's mentor went.
    rows_a = {r.mentee_id: r for r in result_a.rows}
    taken_b: dict[str, str] = {}
    for r in result_b.rows:
        if r.status == "matched" and r.mentor_id is not None:
            if rows_a[r.mentee_id].mentor_id != r.mentor_id:
                taken_b.setdefault(r.mentor_id, r.mentee_id)
    changes = []
    for ra in result_a.rows:
        rb = rows_b[ra.mentee_id]
        if ra.status == rb.status and ra.mentor_id == rb.mentor_id:
            continue
        changes.append(
            Change(
                ra.mentee_id,
                str(ra.status),
                ra.mentor_id,
                ra.score,
                str(rb.status),
                rb.mentor_id,
                rb.score,
                _moved(ra, rb),
                _reason(ra, rb, wa, wb, taken_b),
            )  # fmt: skip
        )
    fa = figures(result_a, mentees, mentors)
    fb = figures(result_b, mentees, mentors)
    return Comparison(tuple(changes), fa, fb, _group_deltas(fa, fb), result_a, result_b)
