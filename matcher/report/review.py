"""The report's review section: decisions kept and dropped, what changed, what ended.

Shown only for a round with a review (decisions, ended relationships or previous
proposals); a plain round's page is unchanged. Ids and dates only: no note or end reason
ever reaches the page.
"""

from __future__ import annotations

from collections.abc import Sequence

from matcher.candidates import RULES
from matcher.report.fmt import e, finite, goals_text, score_text, table, time_html
from matcher.round import MatchResult, MatchRow, MatchStatus, Review
from matcher.round.review import change_words

__all__ = ["review_nav", "review_section"]

_LIMIT_LABELS = {
    "capacity": "Mentor has no place left",
    "hours": "Mentor has too few weekly hours",
    "supervisor": "Supervisor's cap reached",
    **{r.name: f"Hard rule: {r.label}" for r in RULES},
}


def review_nav(result: MatchResult) -> list[tuple[str, str]]:
    """The contents entry of the review section (none without a review)."""
    if result.review is None:
        return []
    return [("review", f"Review ({result.review.accepted} accepted)")]


def _figures(review: Review) -> str:
    items = [
        ("Accepted pairs kept", review.accepted),
        ("Accepted pairs dropped", len(review.dropped)),
        ("Pairs rejected", review.rejected),
        ("Mentees re-solved", review.resolved),
    ]
    body = "\n".join(f"<div><dt>{e(k)}</dt><dd>{e(v)}</dd></div>" for k, v in items)
    return f'<dl class="figures">\n{body}\n</dl>'


def _accepted_table(rows: Sequence[MatchRow]) -> str:
    head = [("Mentee", "id"), ("Mentor", "id"), ("Score", "num"), ("Rank", "num"),
            ("Shared goals", ""), ("Signpost goals", ""), ("Planned end", "")]  # fmt: skip
    cells = [
        [e(r.mentee_id), e(r.mentor_id or ""), e(score_text(finite(r.score))),
         e(f"{r.rank} of {r.candidates}" if r.rank is not None else "–"),
         e(goals_text(r.shared_goals)), e(goals_text(r.signpost_goals)),
         time_html(r.planned_end) or "–"]
        for r in rows
    ]  # fmt: skip
    return table(f"Accepted pairs kept ({len(rows)}), by mentee id", head, cells,
                 "No accepted pairs in this round.")  # fmt: skip


def _dropped_table(review: Review) -> str:
    head = [("Mentee", "id"), ("Mentor", "id"), ("Why", ""), ("In detail", "")]
    cells = [[e(d.mentee_id), e(d.mentor_id), e(_LIMIT_LABELS.get(d.rule, d.rule)), e(d.reason)]
             for d in review.dropped]  # fmt: skip
    return table(f"Accepted pairs dropped ({len(review.dropped)}), by mentee id", head, cells,
                 "Every accepted pair still fits.")  # fmt: skip


def _changes(review: Review) -> str:
    if review.compared_with is None:
        return ""
    against = "the previous proposals" if review.compared_with == "previous" else (
        "the pairs decided on")  # fmt: skip
    counts = ", ".join(f"{n} {change_words(k)}" for k, n in review.change_counts.items())
    text = f"Against {against}: {counts or 'no mentees to compare'}."
    head = [("Mentee", "id"), ("Before", "id"), ("Now", "id"), ("Change", "")]
    cells = [[e(c.mentee_id), e(", ".join(c.before) or "–"), e(c.after or "–"),
              e(change_words(c.kind).capitalize())] for c in review.changes]  # fmt: skip
    listed = table(f"Mentees whose outcome changed ({len(review.changes)}), by mentee id",
                   head, cells, "No mentee's outcome changed.")  # fmt: skip
    return f"<h3>What changed</h3>\n<p>{e(text)}</p>\n{listed}"


def _endings(review: Review) -> str:
    if not review.endings:
        return ""
    head = [("Mentee", "id"), ("Mentor", "id"), ("Ended", ""), ("Planned end", ""),
            ("Early", ""), ("Mentee back in the pool", "")]  # fmt: skip
    cells = [[e(x.mentee_id), e(x.mentor_id), time_html(x.end_date) or "–",
              time_html(x.planned_end) or "–", "yes" if x.early else "no",
              "yes" if x.rematched else "no"] for x in review.ended]  # fmt: skip
    ended = table(f"Relationships ended ({len(review.ended)}), by mentee id", head, cells,
                  "No relationship has ended.")  # fmt: skip
    due = review.past_planned_end
    head = [("Mentee", "id"), ("Mentor", "id"), ("Planned end", "")]
    cells = [[e(x.mentee_id), e(x.mentor_id), time_html(x.planned_end) or "–"] for x in due]
    closing = table(f"Past their planned end: bring to a definitive end ({len(due)})", head,
                    cells, "No relationship is past its planned end.")  # fmt: skip
    note = ("A relationship that has ended no longer counts against its mentor or "
            "supervisor; its mentee, if in this round's file, is matched again, never with "
            "the same mentor unless that pair is accepted. One past its planned end with no "
            "end date is due a definitive ending: record its end date.")  # fmt: skip
    return f"<h3>Relationships that ended</h3>\n<p>{e(note)}</p>\n{ended}\n{closing}"


def review_section(result: MatchResult) -> str:
    """The review section as HTML, starting with a newline; empty without a review."""
    review = result.review
    if review is None:
        return ""
    accepted = [r for r in result.rows if r.status == MatchStatus.ACCEPTED]
    intro = (f"{review.decisions} decisions from the review of earlier proposals. Accepted "
             "pairs are kept as they are and count against their mentor's places and hours "
             "like running relationships; one that no longer fits is dropped and its mentee "
             "re-solved. Rejected pairs are never proposed again. Everyone else is matched "
             "optimally around them.")  # fmt: skip
    parts = [
        '<section aria-labelledby="review">',
        '<h2 id="review">Review and re-solve</h2>',
        f"<p>{e(intro)}</p>",
        _figures(review),
        _accepted_table(accepted),
        _dropped_table(review),
        _changes(review),
        _endings(review),
        "</section>",
    ]
    return "\n" + "\n".join(p for p in parts if p)
