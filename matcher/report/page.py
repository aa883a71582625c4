"""The round report: one self-contained, printable HTML page (``--report report.html``).

:func:`render_report` turns a :class:`~matcher.round.MatchResult` into a single HTML
document: the page skeleton (``template.html``) and CSS (``report.css``) are package data,
the charts come from :mod:`matcher.report.charts`. No scripts, fonts, images or network
fetches. The page depends only on the result's rows, summary, solver status, date, config,
warnings and kept relationships (no wall-clock time, no solver seconds), so the same
result always gives the same bytes.

Disclosure control: ``Summary.by_group`` already pools groups of fewer than
:data:`~matcher.round.MIN_GROUP_SIZE`; the report additionally never draws a group below
that size as its own bar, and never prints such a group's name. Individual rows appear by
pseudonymous id only.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from matcher._version import __version__
from matcher.io import atomic_writer
from matcher.report.charts import capacity_figure, group_figures, reasons_figure, score_figure
from matcher.report.fmt import e, finite, goals_text, long_date, pct, score_text, table, time_html
from matcher.report.labels import METHODS, OBJECTIVES, reason_label
from matcher.report.review import review_nav, review_section
from matcher.report.style import page_template, stylesheet
from matcher.round import (
    MIN_GROUP_SIZE,
    KeptRelationship,
    MatchResult,
    MatchRow,
    MatchStatus,
    SolverInfo,
)

__all__ = ["render_report", "write_report"]

PathLike = str | os.PathLike[str]


def _solver_text(solver: SolverInfo) -> str:
    status = solver.status.value
    gap = finite(solver.gap)
    if status == "optimal":
        text = "proven best possible under these rules"
    elif status == "feasible":
        text = "stopped at the time limit; every rule is met"
        if gap is not None:
            text += f"; at most {gap * 100:.2g}% below the best possible (gap)"
    elif status == "infeasible":
        text = "no assignment meets every rule"
    else:
        text = "stopped before an assignment was found"
    if solver.method:
        text += f" (method: {METHODS.get(solver.method, solver.method.value)})"
    return f'<span class="status">{e(status)}</span> {e(text)}'


def _header(result: MatchResult, title: str) -> str:
    c = result.summary.counts
    size = f"{c.mentors} mentors, {c.candidate_pairs} candidate pairs, {c.mentees} mentees in all"
    lines = [
        "<header>",
        f"<h1>{e(title)}</h1>",
        f'<p class="meta"><strong>Run date</strong> {time_html(result.as_of, long=True)}</p>',
        f'<p class="meta"><strong>Solver</strong> {_solver_text(result.solver)}</p>',
        f'<p class="meta"><strong>Round size</strong> {e(size)}</p>',
        "</header>",
    ]
    return "\n".join(lines)


def _figures(result: MatchResult) -> str:
    s = result.summary
    c = s.counts
    items = [
        ("Mentees to match", str(c.to_match)),
        ("Matched", str(c.matched)),
        ("Match rate", pct(finite(s.match_rate))),
        ("Mean score", score_text(finite(s.mean_score))),
        ("Not matched", str(c.unmatched)),
        ("Existing relationships kept", str(len(result.existing))),
    ]
    body = "\n".join(f"<div><dt>{e(k)}</dt><dd>{e(v)}</dd></div>" for k, v in items)
    return (f'<section aria-label="Headline figures">\n<dl class="figures">\n{body}\n'
            "</dl>\n</section>")  # fmt: skip


def _matches_table(rows: Sequence[MatchRow]) -> str:
    head = [("Mentee", "id"), ("Mentor", "id"), ("Score", "num"), ("Rank", "num"),
            ("Shared goals", ""), ("Signpost goals", ""), ("Planned end", ""),
            ("Why", "")]  # fmt: skip
    cells = [
        [e(r.mentee_id), e(r.mentor_id or ""), e(score_text(finite(r.score))),
         e(f"{r.rank} of {r.candidates}" if r.rank is not None else "–"),
         e(goals_text(r.shared_goals)), e(goals_text(r.signpost_goals)),
         time_html(r.planned_end) or "–", e(r.reason)]
        for r in rows
    ]  # fmt: skip
    return table(f"Proposed matches ({len(rows)}), by mentee id", head, cells,
                 "No new matches in this round.")  # fmt: skip


def _unmatched_table(rows: Sequence[MatchRow]) -> str:
    head = [("Mentee", "id"), ("Reason", ""), ("Candidates", "num"), ("In detail", "")]
    cells = [[e(r.mentee_id), e(reason_label(r.rule)), e(r.candidates), e(r.reason)]
             for r in rows]  # fmt: skip
    return table(f"Mentees not matched ({len(rows)}), by mentee id", head, cells,
                 "Every mentee to match was matched.")  # fmt: skip


def _existing_table(kept: Sequence[KeptRelationship], in_file: int) -> str:
    """Every running relationship kept: the headline box counts the same ones."""
    head = [("Mentee", "id"), ("Mentor", "id")]
    cells = [[e(k.mentee_id), e(k.mentor_id)] for k in kept]
    html = table(f"Existing relationships kept ({len(kept)}), by mentee id", head, cells,
                 "No existing relationships.")  # fmt: skip
    if not kept:
        return html
    some = {0: "none of them is", 1: "1 of them is"}.get(in_file, f"{in_file} of them are")
    note = ("Running relationships are never broken by a round: each counts against its "
            "mentor's places and weekly hours, and its supervisor's cap. Their mentees are "
            f"not matched again; {some} in this round's mentees file.")  # fmt: skip
    return f"<p>{e(note)}</p>\n{html}"


def _settings(result: MatchResult) -> str:
    objective = result.config.objective
    parts = [f"Objective: {OBJECTIVES.get(str(objective.mode), str(objective.mode))}."]
    if objective.relationship_months:
        parts.append(f"Planned relationship length: {objective.relationship_months} months.")
    weights = ", ".join(f"{k.replace('_', ' ')} {float(v):g}"
                        for k, v in result.config.weight_vector().items())  # fmt: skip
    parts.append(f"Criteria weights: {weights}.")
    return " ".join(parts)


def _footer(result: MatchResult) -> str:
    lines = [
        "<footer>",
        '<h2 id="about">About this report</h2>',
        "<p>Match scores run from 0 to 1: the weighted average of a pair's criterion "
        "scores, with the weights below. Signpost goals are a mentee's goals the mentor "
        "does not cover, to refer to other services. Rank is the mentor's place among the "
        "mentee's candidates, best first.</p>",
        f"<p>Disclosure control: groups of fewer than {MIN_GROUP_SIZE} people are never shown "
        "apart; they are pooled, or suppressed when the pool is also under "
        f"{MIN_GROUP_SIZE}. Mentees and mentors appear by pseudonymous id only, and no "
        "special-category data is shown. Keep the report with the same care as the "
        "caseload files it came from.</p>",
        f"<p>{e(_settings(result))}</p>",
        f'<p class="muted">Produced by matcher {e(__version__)} for the round run on '
        f"{time_html(result.as_of, long=True)}.</p>",
        "</footer>",
    ]
    return "\n".join(lines)


def _warnings(warnings: Sequence[str]) -> str:
    if not warnings:
        return '<p class="muted">No warnings.</p>'
    return '<ul class="warnings">\n' + "\n".join(f"<li>{e(w)}</li>" for w in warnings) + "\n</ul>"


def render_report(result: MatchResult, *, title: str = "Matching round") -> str:
    """Render a round as one self-contained HTML page.

    Parameters
    ----------
    result : MatchResult
        The round (fresh from :func:`matcher.match`, or read back by
        :func:`matcher.load_result`).
    title : str
        The page heading and ``<title>``.

    Returns
    -------
    str
        A complete HTML document: headline figures, inline SVG charts (score
        distribution, mentor capacity use, unmatched reasons, match rate by group), the
        tables of proposed, unmatched and existing rows, and the warnings. It has no
        scripts, external resources or URLs, carries print CSS, and is identical for
        identical results (no clock time, no solver seconds).
    """
    matched = [r for r in result.rows if r.status == MatchStatus.MATCHED]
    unmatched = [r for r in result.rows if r.status == MatchStatus.UNMATCHED]
    in_file = sum(r.status == MatchStatus.EXISTING for r in result.rows)
    nav = [("charts", "Charts"), ("matches", f"Proposed matches ({len(matched)})"),
           ("unmatched", f"Not matched ({len(unmatched)})"),
           ("existing", f"Existing kept ({len(result.existing)})"), *review_nav(result),
           ("warnings", f"Warnings ({len(result.warnings)})"),
           ("about", "About this report")]  # fmt: skip
    groups = group_figures(result) or ['<p class="muted">No group figures in this round.</p>']
    return page_template().substitute(
        version=e(__version__),
        title=e(title),
        date=e(long_date(result.as_of)),
        css=stylesheet(),
        header=_header(result, title),
        nav="".join(f'<li><a href="#{k}">{e(v)}</a></li>' for k, v in nav),
        figures=_figures(result),
        review=review_section(result),
        charts="\n".join([score_figure(result), capacity_figure(result), reasons_figure(result)]),
        group_charts="\n".join(groups),
        matches=_matches_table(matched),
        unmatched=_unmatched_table(unmatched),
        existing=_existing_table(result.existing, in_file),
        warnings=_warnings(result.warnings),
        footer=_footer(result),
    )


def write_report(path: PathLike, result: MatchResult, *, title: str = "Matching round") -> None:
    """Write :func:`render_report`'s page to ``path`` (UTF-8, atomically).

    Parameters
    ----------
    path : str or path-like
        The ``.html`` file to write; its folder is created if needed.
    result : MatchResult
        The round to report.
    title : str
        The page heading.
    """
    with atomic_writer(path) as fh:
        fh.write(render_report(result, title=title))
