"""The HTML round report: self-contained, accessible, disclosure-controlled, deterministic."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

from matcher.assignment import SolveMethod, SolveStatus
from matcher.report import render_report, score_histogram, write_report
from matcher.round import Counts, Summary, match, match_files
from tests.factories import (
    AS_OF,
    hand_result,
    make_mentee,
    make_mentor,
    matched_row,
    solver_info,
    unmatched_row,
)

VOID = {"meta", "br", "hr", "img", "input", "link", "rect", "line", "path", "circle"}


class _Checker(HTMLParser):
    """Checks that every non-void element is closed, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
        else:
            self.stack.pop()


@pytest.fixture(scope="module")
def page() -> str:
    return render_report(hand_result(), title="Round <1>")


def test_well_formed(page: str) -> None:
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.errors == [] and checker.stack == []
    assert page.startswith("<!DOCTYPE html>\n") and page.endswith("</html>\n")


def test_every_chart_is_inline_accessible_svg(page: str) -> None:
    ids = ["chart-scores", "chart-capacity", "chart-unmatched", "chart-group-gender",
           "chart-group-ethnicity", "chart-group-custody", "chart-group-risk",
           "chart-group-region"]  # fmt: skip
    assert page.count("<svg") == len(ids)
    for chart_id in ids:
        m = re.search(rf'<svg [^>]*id="{chart_id}"[^>]*>\n<title>[^<]+</title>', page)
        assert m, chart_id
        assert 'role="img"' in m.group(0) and "aria-label=" in m.group(0)
        assert f'<desc id="{chart_id}-desc">' in page


def test_self_contained(page: str) -> None:
    low = page.lower()
    for banned in ("http://", "https://", "<script", "<link", "<img", "@import", "url(",
                   "<iframe", "@font-face"):  # fmt: skip
        assert banned not in low, banned
    assert low.count("<style>") == 1 and "@media print" in page


def test_headline_figures(page: str) -> None:
    for label, value in [("Mentees to match", "15"), ("Matched", "12"), ("Match rate", "80%"),
                         ("Mean score", "0.63"), ("Not matched", "3"),
                         ("Existing relationships kept", "2")]:  # fmt: skip
        assert f"<dt>{label}</dt><dd>{value}</dd>" in page
    assert '<time datetime="2026-01-05">5 January 2026</time>' in page
    assert '<span class="status">optimal</span>' in page


def test_no_wall_clock(page: str) -> None:
    assert "12.345" not in page and "seconds" not in page


def test_every_row_appears_by_id(page: str) -> None:
    result = hand_result()
    for r in result.rows:
        assert f'<td class="id">{r.mentee_id}</td>' in page
    assert page.index("E000") < page.index("E011")  # mentee-id order


def test_score_histogram_bins() -> None:
    # 0.0 and 0.05 → bin 0; 0.999 and 1.0 → the top bin; 0.7 stays in bin 7
    assert score_histogram(hand_result().rows) == [2, 0, 0, 1, 0, 1, 1, 2, 1, 4]
    assert score_histogram([matched_row("E1", "M1", 0.7), unmatched_row("E2", "d", "x")]) == [
        0, 0, 0, 0, 0, 0, 0, 1, 0, 0,
    ]  # fmt: skip


def test_group_bars_show_rate_and_counts(page: str) -> None:
    assert ">80% (4/5)</text>" in page  # female
    assert ">83% (5/6)</text>" in page  # male
    assert ">Small groups, pooled</text>" in page and ">71% (5/7)</text>" in page


def test_small_groups_are_never_shown_apart(page: str) -> None:
    # neither the names nor the counts of groups under 5, nor the "<5" marker
    assert "tinyrisk" not in page.lower() and "zerorisk" not in page.lower()
    assert "(2/3)" not in page
    assert "&lt;5" not in page and '"<5' not in page and ">&lt;5" not in page
    assert page.count(">fewer than 5 (suppressed)</text>") == 2  # gender and risk
    bar_labels = re.findall(r'text-anchor="end">([^<]+)</text>', page)
    assert "Other groups" in bar_labels
    # the summary's own pooling marker shows as suppressed text, never as a bar
    gender = page[page.index('id="chart-group-gender"') :]
    gender = gender[: gender.index("</svg>")]
    assert gender.count('fill="#1d70b8"') == 2  # female and male only


def test_text_is_escaped(page: str) -> None:
    assert "taken &lt;b&gt;bold&lt;/b&gt; &amp; co" in page
    assert "<b>" not in page
    assert "<h1>Round &lt;1&gt;</h1>" in page


def test_unmatched_reasons_chart(page: str) -> None:
    chart = page[page.index('id="chart-unmatched"') :]
    chart = chart[: chart.index("</svg>")]
    # biggest first, with counts as text
    assert chart.index("Beyond travel distance") < chart.index("Candidates taken")
    assert ">2 mentees</text>" in chart and ">1 mentee</text>" in chart


def test_same_result_same_bytes() -> None:
    assert render_report(hand_result()) == render_report(hand_result())
    # the solver's wall-clock time does not change the page
    other = hand_result(solver=replace(hand_result().solver, seconds=99.0))
    assert render_report(other) == render_report(hand_result())


def test_feasible_round_shows_gap() -> None:
    solver = solver_info(status=SolveStatus.FEASIBLE, method=SolveMethod.CP_SAT, gap=0.0042)
    html = render_report(hand_result(solver=solver))
    assert '<span class="status">feasible</span>' in html
    assert "at most 0.42% below the best possible (gap)" in html and "CP-SAT" in html


def test_empty_round() -> None:
    empty = hand_result().summary
    summary = Summary(
        counts=Counts(0, 0, 0, 0, 0, 0, 0, 0), match_rate=None, mean_score=None,
        score_quartiles=None, mentor_capacity_use=replace(empty.mentor_capacity_use, empty=0,
                                                          under_half=0, over_half=0, full=0,
                                                          over_capacity=0),
        mentor_capacity_use_mean=None, unmatched_by_reason={},
        by_group={d: {} for d in ("gender", "ethnicity", "custody", "risk", "region")},
    )  # fmt: skip
    html = render_report(hand_result(rows=(), summary=summary, warnings=(), existing=()))
    assert "<svg" not in html and "No new matches in this round." in html
    assert "No mentors in this round." in html
    assert "<dt>Match rate</dt><dd>–</dd>" in html and "No warnings." in html


def test_write_report(tmp_path: Path) -> None:
    path = tmp_path / "out" / "report.html"
    write_report(path, hand_result(), title="Demo")
    assert path.read_text(encoding="utf-8") == render_report(hand_result(), title="Demo")
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]


def test_real_round() -> None:
    mentees = [make_mentee(f"E{i:03d}", gender="female" if i % 3 else "male")
               for i in range(8)]  # fmt: skip
    mentors = [make_mentor(f"M{j:03d}", capacity=2) for j in range(4)]
    result = match(mentees, mentors, as_of=AS_OF)
    html = render_report(result)
    assert html == render_report(result)
    for r in result.matched:
        assert f'<td class="id">{r.mentee_id}</td>' in html
    assert "http" not in html and "<script" not in html
    # 3 male mentees are never shown apart; and as 8 - 5 would give them away, the
    # 5 female mentees are pooled with them (secondary suppression).
    assert ">Male</text>" not in html and ">Female</text>" not in html
    assert ">Small groups, pooled</text>" in html


def test_demo_round_report_has_every_chart() -> None:
    from matcher.demo import DEMO_AS_OF, demo_files

    files = demo_files()
    result = match_files(**files, as_of=DEMO_AS_OF)
    html = render_report(result)
    assert html.count("<svg") >= 8
    assert result.unmatched and all(r.mentee_id in html for r in result.unmatched)
    for count in result.summary.unmatched_by_reason.values():
        assert count > 0
    assert "Beyond travel distance" in html  # the demo's commonest reason is charted


def test_existing_box_link_and_table_agree() -> None:
    # One running relationship has its mentee in the mentees file, one does not: the
    # headline box, the contents link and the table all count both.
    from matcher.models import Existing

    existing = [Existing(mentee_id="E000", mentor_id="M000"),
                Existing(mentee_id="X999", mentor_id="M001")]  # fmt: skip
    mentees = [make_mentee(f"E{i:03d}") for i in range(3)]
    result = match(mentees, [make_mentor("M000"), make_mentor("M001")], existing=existing,
                   as_of=AS_OF)  # fmt: skip
    html = render_report(result)
    assert "<dt>Existing relationships kept</dt><dd>2</dd>" in html
    assert '<a href="#existing">Existing kept (2)</a>' in html
    table = html[html.index("<caption>Existing relationships kept (2)") :]
    table = table[: table.index("</table>")]
    assert '<td class="id">E000</td>' in table and '<td class="id">X999</td>' in table
    assert "1 of them is in this round&#x27;s mentees file" in html
