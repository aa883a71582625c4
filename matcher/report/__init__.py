"""What a finished round looks like to people: the HTML report and text explanations.

Everything here reads a :class:`~matcher.round.MatchResult` (fresh or read back from
``result.json``) and nothing else: ``page`` renders the report from ``template.html`` and
``report.css`` (package data), ``charts`` draws its SVG charts, ``text`` explains one
mentee or one shortlist in plain text.
"""

from matcher.report.charts import SCORE_BINS, score_histogram
from matcher.report.page import render_report, write_report
from matcher.report.text import explain_mentee, format_shortlist
from matcher.round import GROUP_DIMENSIONS, MIN_GROUP_SIZE

__all__ = [
    "GROUP_DIMENSIONS",
    "MIN_GROUP_SIZE",
    "SCORE_BINS",
    "explain_mentee",
    "format_shortlist",
    "render_report",
    "score_histogram",
    "write_report",
]
