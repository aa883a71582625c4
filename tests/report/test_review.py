"""The report's review section: only for a reviewed round, ids and dates only."""

from __future__ import annotations

from matcher.models import Decision, Existing
from matcher.report import render_report
from matcher.round import match
from tests.factories import AS_OF, make_mentee, make_mentor


def test_review_section_lists_decisions_changes_and_endings() -> None:
    mentees = [make_mentee("E1"), make_mentee("E2"), make_mentee("E3", risk="very_high")]
    mentors = [make_mentor("M1", capacity=1), make_mentor("M2", lat=51.6)]
    existing = [Existing(mentee_id="X1", mentor_id="M2", end_date=AS_OF, end_reason="private")]
    decisions = [
        Decision(mentee_id="E1", mentor_id="M1", decision="accept", note="private note"),
        Decision(mentee_id="E3", mentor_id="M2", decision="accept"),
        Decision(mentee_id="E2", mentor_id="M2", decision="reject"),
    ]
    result = match(mentees, mentors, existing=existing, as_of=AS_OF, decisions=decisions)
    page = render_report(result)
    section = page[page.index('<section aria-labelledby="review">') :]
    section = section[: section.index("</section>")]
    assert '<a href="#review">Review (1 accepted)</a>' in page
    assert "Accepted pairs kept (1), by mentee id" in section
    assert "Accepted pairs dropped (1), by mentee id" in section
    assert "Hard rule: mentor trained for the mentee&#x27;s risk level" in section
    assert "Relationships ended (1), by mentee id" in section
    assert "Against the pairs decided on: " in section
    assert "private" not in page


def test_plain_round_has_no_review_section() -> None:
    page = render_report(match([make_mentee("E1")], [make_mentor("M1")], as_of=AS_OF))
    assert 'id="review"' not in page and "#review" not in page
