"""The round report: one self-contained, printable HTML page (``--report report.html``).

:func:`render_report` turns a :class:`~matcher.match.MatchResult` into a single HTML
document with inline CSS and hand-built inline SVG charts: no scripts, fonts, images or
network fetches. It reads only the result's ``rows``, ``summary``, ``solver``, ``as_of``,
``config`` and ``warnings``, and its output depends on nothing else (no wall-clock time,
no solver seconds), so the same result always gives the same bytes.

Disclosure control: ``summary["by_group"]`` already pools groups of fewer than
:data:`MIN_GROUP_SIZE`; the report additionally never draws a group below that size (or a
``"<5"`` marker) as its own bar, and never prints such a group's name. Individual rows
appear by pseudonymous id only.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from matcher import __version__
from matcher.io import atomic_writer
from matcher.match import POOLED_GROUP

if TYPE_CHECKING:
    from matcher.match import MatchResult, MatchRow

__all__ = [
    "GROUP_DIMENSIONS",
    "MIN_GROUP_SIZE",
    "SCORE_BINS",
    "render_report",
    "score_histogram",
    "write_report",
]

#: Groups smaller than this are never shown apart (disclosure control).
MIN_GROUP_SIZE = 5
#: Number of equal-width bins of the score histogram over [0, 1].
SCORE_BINS = 10
#: The ``summary["by_group"]`` dimensions, in report order (others follow, sorted).
GROUP_DIMENSIONS: tuple[str, ...] = ("gender", "ethnicity", "custody", "risk", "region")

# GOV.UK-like palette: text, bars, rules, tracks, secondary text.
_DARK = "#0b0c0c"
_BLUE = "#1d70b8"
_GREY = "#b1b4b6"
_LIGHT = "#f3f2f1"
_MUTED = "#505a5f"

PathLike = str | os.PathLike[str]
_SUPPRESSED = "fewer than 5 (suppressed)"
_POOLED_KEY = POOLED_GROUP
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip

_CAPACITY_LABELS = {
    "empty": "No mentees",
    "under_half": "Up to half full",
    "over_half": "Over half full",
    "full": "Full",
    "over_capacity": "Over capacity",
}
_RULE_LABELS = {
    "excluded": "Mentor excluded by mentee",
    "mentee_gender": "Mentor's mentee-gender rule",
    "mentor_gender": "Required mentor gender",
    "risk": "Risk level",
    "language": "No shared language",
    "ethnicity": "Required same ethnicity",
    "faith": "Required same faith",
    "lived_experience": "Required lived experience",
    "prison_clearance": "Prison clearance",
    "commitment": "Commitment too short",
    "region": "Different region",
    "availability": "Too little shared time",
    "distance": "Beyond travel distance",
    "capacity": "Candidates at capacity",
    "hours": "Candidates out of hours",
    "supervisor": "Supervisor caps reached",
    "competition": "Candidates taken",
    "not_chosen": "Not chosen",
}
_METHODS = {"flow": "min-cost flow", "cp_sat": "CP-SAT", "mixed": "min-cost flow and CP-SAT"}
_OBJECTIVES = {
    "coverage_first": "match as many (by priority) as possible, then the best scores",
    "score_only": "the best total score",
}

_CSS = f"""
:root {{ color-scheme: light; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0 auto; max-width: 1100px; padding: 16px 24px 48px; color: {_DARK};
  background: #fff; font: 16px/1.45 Arial, "Helvetica Neue", Helvetica, sans-serif; }}
h1 {{ font-size: 2rem; margin: 8px 0 4px; }}
h2 {{ font-size: 1.5rem; margin: 40px 0 8px; padding-top: 8px; border-top: 2px solid {_DARK}; }}
h3 {{ font-size: 1.1rem; margin: 0 0 4px; }}
p {{ margin: 4px 0 12px; max-width: 46em; }}
.meta {{ margin: 0 0 4px; }}
.meta strong {{ display: inline-block; min-width: 7.5em; }}
.status {{ display: inline-block; border: 2px solid {_DARK}; padding: 0 6px; font-weight: bold;
  text-transform: uppercase; letter-spacing: .04em; font-size: .85rem; }}
.muted {{ color: {_MUTED}; }}
nav.contents ul {{ list-style: none; padding: 0; margin: 12px 0 0; display: flex;
  flex-wrap: wrap; gap: 4px 20px; }}
nav.contents a {{ color: {_BLUE}; }}
.figures {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr));
  gap: 12px; margin: 24px 0 8px; }}
.figures div {{ border-left: 6px solid {_BLUE}; background: {_LIGHT}; padding: 10px 12px; }}
.figures dt {{ font-size: .95rem; }}
.figures dd {{ margin: 0; font-size: 2.4rem; font-weight: bold; line-height: 1.15; }}
.charts {{ display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr));
  gap: 28px 40px; }}
figure {{ margin: 12px 0 0; }}
figcaption {{ font-size: .9rem; color: {_MUTED}; margin-top: 4px; max-width: 40em; }}
svg.chart {{ display: block; width: 100%; max-width: 600px; height: auto; }}
svg.chart text {{ font-family: Arial, "Helvetica Neue", Helvetica, sans-serif; fill: {_DARK}; }}
svg.chart text.muted {{ fill: {_MUTED}; font-style: italic; }}
.table-wrap {{ overflow-x: auto; }}
table {{ border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: .9rem; }}
caption {{ text-align: left; font-weight: bold; margin-bottom: 4px; }}
th, td {{ text-align: left; vertical-align: top; padding: 6px 10px 6px 0;
  border-bottom: 1px solid {_GREY}; }}
thead th {{ border-bottom: 2px solid {_DARK}; }}
td.num, th.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
td.id {{ white-space: nowrap; font-family: Consolas, "Courier New", monospace; }}
ul.warnings li {{ margin-bottom: 4px; }}
footer {{ margin-top: 40px; font-size: .9rem; }}
@page {{ size: A4; margin: 14mm 12mm; }}
@media print {{
  body {{ max-width: none; padding: 0; font-size: 10.5pt; color: #000; background: none; }}
  h1 {{ font-size: 18pt; }}
  h2 {{ font-size: 13pt; margin-top: 18pt; }}
  h3 {{ font-size: 11pt; }}
  h2, h3, caption {{ break-after: avoid; page-break-after: avoid; }}
  nav.contents {{ display: none; }}
  .figures {{ grid-template-columns: repeat(6, 1fr); gap: 6pt; }}
  .figures div {{ background: none; border: 1pt solid #000; border-left-width: 4pt; }}
  .figures dt {{ font-size: 9pt; }}
  .figures dd {{ font-size: 18pt; }}
  .charts {{ grid-template-columns: 1fr 1fr; gap: 12pt 18pt; }}
  figure, svg.chart, .figures, tr {{ break-inside: avoid; page-break-inside: avoid; }}
  svg.chart {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  figcaption {{ font-size: 9pt; }}
  .table-wrap {{ overflow: visible; }}
  table {{ font-size: 10pt; }}
  thead {{ display: table-header-group; }}
  th, td {{ padding: 2pt 6pt 2pt 0; }}
  a {{ color: inherit; text-decoration: none; }}
}}
"""


# --------------------------------------------------------------------------- formatting


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _long_date(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _short_date(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1][:3]} {d.year}"


def _time(d: date | None, long: bool = False) -> str:
    if d is None:
        return ""
    text = _long_date(d) if long else _short_date(d)
    return f'<time datetime="{d.isoformat()}">{text}</time>'


def _finite(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _pct(rate: float | None) -> str:
    """A rate as a whole percentage that never rounds a partial rate to 0% or 100%."""
    if rate is None:
        return "–"
    p = round(rate * 100)
    if p >= 100 and rate < 1:
        return ">99%"
    if p <= 0 < rate:
        return "<1%"
    return f"{p}%"


def _score(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def _num(x: float) -> str:
    """An SVG coordinate, fixed to one decimal so the output is stable."""
    return f"{x:.1f}"


def _words(key: object) -> str:
    """``"non_binary"`` → ``"Non binary"``: a vocabulary token as plain words."""
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _goals(goals: Iterable[str]) -> str:
    return ", ".join(str(g).replace("_", " ") for g in goals) or "–"


def _rule_label(rule: str) -> str:
    return _RULE_LABELS.get(rule, _words(rule))


def _clip(label: str, limit: int = 26) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _id(text: str) -> str:
    return "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())


# --------------------------------------------------------------------------- data


def score_histogram(rows: Iterable[MatchRow], bins: int = SCORE_BINS) -> list[int]:
    """Count the new matches' scores in equal-width bins over [0, 1].

    Parameters
    ----------
    rows : iterable of MatchRow
        Rows of a round; only ``matched`` rows with a finite score count.
    bins : int
        Number of bins; bin ``k`` holds ``k/bins <= score < (k+1)/bins`` and the last
        bin also holds a score of exactly 1. Scores outside [0, 1] are clamped.

    Returns
    -------
    list of int
        ``bins`` counts.
    """
    counts = [0] * bins
    for r in rows:
        s = _finite(r.score) if r.status == "matched" else None
        if s is None:
            continue
        # round() first so 0.7 * 10 = 6.999… never lands in the bin below
        k = math.floor(round(min(max(s, 0.0), 1.0) * bins, 9))
        counts[min(k, bins - 1)] += 1
    return counts


def _counts(result: MatchResult) -> dict[str, int]:
    """Headline counts: from the summary, falling back to counting rows."""
    rows = result.rows
    counted = {
        "mentees": len(rows),
        "to_match": sum(r.status != "existing" for r in rows),
        "matched": sum(r.status == "matched" for r in rows),
        "unmatched": sum(r.status == "unmatched" for r in rows),
        "existing": sum(r.status == "existing" for r in rows),
    }
    given = result.summary.get("counts") or {}
    out = {k: int(given.get(k, v)) for k, v in counted.items()}
    for k in ("mentors", "candidate_pairs"):
        if isinstance(given.get(k), int):
            out[k] = int(given[k])
    return out


# --------------------------------------------------------------------------- SVG charts


@dataclass(frozen=True)
class _Bar:
    label: str
    fraction: float  # of the bar area, 0..1
    value: str  # shown as text next to the bar


def _svg_open(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{_e(title)}" '
        f'aria-describedby="{chart_id}-desc">',
        f"<title>{_e(title)}</title>",
        f'<desc id="{chart_id}-desc">{_e(desc)}</desc>',
    ]


def _bar_chart(
    chart_id: str,
    title: str,
    bars: Sequence[_Bar],
    *,
    track: bool = False,
    notes: Sequence[tuple[str, str]] = (),
    reference: tuple[float, str] | None = None,
) -> str:
    """Horizontal bars, each labelled and with its value as text; ``notes`` are text rows."""
    width, label_end, x0, area, row, bar_h = 600, 176, 184, 280, 28, 18
    top = 26 if reference else 6
    n_rows = len(bars) + len(notes)
    height = top + row * max(n_rows, 1) + 6
    desc = "; ".join([f"{b.label}: {b.value}" for b in bars] + [f"{a}: {b}" for a, b in notes])
    out = _svg_open(chart_id, title, desc + ".", width, height)
    for i, b in enumerate(bars):
        y = top + i * row
        mid = y + row / 2
        w = area * min(max(b.fraction, 0.0), 1.0)
        if 0 < w < 1:
            w = 1.0
        out.append(f"<g><title>{_e(b.label)}: {_e(b.value)}</title>")
        out.append(f'<text x="{label_end}" y="{_num(mid + 4.5)}" font-size="13" '
                   f'text-anchor="end">{_e(_clip(b.label))}</text>')  # fmt: skip
        if track:
            out.append(f'<rect x="{x0}" y="{_num(mid - bar_h / 2)}" width="{area}" '
                       f'height="{bar_h}" fill="{_LIGHT}" stroke="{_GREY}"/>')  # fmt: skip
        if w > 0:
            out.append(f'<rect x="{x0}" y="{_num(mid - bar_h / 2)}" width="{_num(w)}" '
                       f'height="{bar_h}" fill="{_BLUE}"/>')  # fmt: skip
        tx = x0 + (area if track else w) + 6
        out.append(f'<text x="{_num(tx)}" y="{_num(mid + 4.5)}" font-size="13" '
                   f'font-weight="bold">{_e(b.value)}</text></g>')  # fmt: skip
    for k, (label, text) in enumerate(notes):
        mid = top + (len(bars) + k) * row + row / 2
        out.append(f'<text x="{label_end}" y="{_num(mid + 4.5)}" font-size="13" '
                   f'text-anchor="end">{_e(_clip(label))}</text>')  # fmt: skip
        out.append(f'<text class="muted" x="{x0}" y="{_num(mid + 4.5)}" font-size="13" '
                   f'fill="{_MUTED}" font-style="italic">{_e(text)}</text>')  # fmt: skip
    if reference is not None:
        frac, text = reference
        rx = x0 + area * min(max(frac, 0.0), 1.0)
        bottom = top + row * len(bars)
        tx = min(max(rx, x0 + 40), x0 + area - 40)
        out.append(f'<line x1="{_num(rx)}" y1="{top - 4}" x2="{_num(rx)}" y2="{bottom}" '
                   f'stroke="{_DARK}" stroke-width="1.5" stroke-dasharray="4 3"/>')  # fmt: skip
        out.append(f'<text x="{_num(tx)}" y="{top - 9}" font-size="12" '
                   f'text-anchor="middle">{_e(text)}</text>')  # fmt: skip
    out.append("</svg>")
    return "\n".join(out)


def _histogram_chart(counts: Sequence[int]) -> str:
    width, height, left, right, top, base = 600, 250, 10, 590, 28, 200
    n = len(counts)
    step = (right - left) / n
    peak = max(max(counts), 1)
    labels = [f"{k / n:.1f}–{(k + 1) / n:.1f}" for k in range(n)]
    desc = (
        "Number of new matches by score: "
        + "; ".join(f"{lab}: {c}" for lab, c in zip(labels, counts, strict=True))
        + "."
    )
    out = _svg_open("chart-scores", "Match scores of the proposed matches", desc, width, height)
    for k, c in enumerate(counts):
        x = left + k * step + 4
        h = (base - top) * c / peak
        cx = left + (k + 0.5) * step
        out.append(f"<g><title>Score {labels[k]}: {c}</title>")
        if c:
            out.append(f'<rect x="{_num(x)}" y="{_num(base - h)}" width="{_num(step - 8)}" '
                       f'height="{_num(h)}" fill="{_BLUE}"/>')  # fmt: skip
        cls = ' class="muted"' if c == 0 else ""
        out.append(f'<text{cls} x="{_num(cx)}" y="{_num(base - h - 6)}" font-size="13" '
                   f'font-weight="bold" text-anchor="middle">{c}</text>')  # fmt: skip
        out.append(f'<text x="{_num(cx)}" y="{base + 17}" font-size="11" '
                   f'text-anchor="middle">{labels[k]}</text></g>')  # fmt: skip
    out.append(f'<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="{_DARK}" '
               'stroke-width="1.5"/>')  # fmt: skip
    out.append(f'<text x="{(left + right) / 2:.1f}" y="{base + 40}" font-size="13" '
               'text-anchor="middle">'
               "Match score (0 = poor fit, 1 = closest fit)</text>")  # fmt: skip
    out.append("</svg>")
    return "\n".join(out)


def _figure(heading: str, body: str, caption: str) -> str:
    return (f"<figure>\n<h3>{_e(heading)}</h3>\n{body}\n"
            f"<figcaption>{caption}</figcaption>\n</figure>")  # fmt: skip


def _score_figure(result: MatchResult) -> str:
    counts = score_histogram(result.rows)
    caption = ("Each bar counts new matches with a score in that range (the lower end "
               "included; a score of 1.0 counts in the top bar).")  # fmt: skip
    quart = result.summary.get("score_quartiles")
    if isinstance(quart, Sequence) and len(quart) == 3 and all(_finite(q) is not None
                                                               for q in quart):  # fmt: skip
        q1, q2, q3 = (float(q) for q in quart)
        caption += f" Median {q2:.2f}; the middle half lies between {q1:.2f} and {q3:.2f}."
    if not any(counts):
        body = '<p class="muted">No new matches in this round.</p>'
    else:
        body = _histogram_chart(counts)
    return _figure("Score distribution", body, _e(caption))


def _capacity_figure(result: MatchResult) -> str:
    bins = result.summary.get("mentor_capacity_use") or {}
    keys = [k for k in _CAPACITY_LABELS if k in bins]
    keys += sorted(k for k in bins if k not in _CAPACITY_LABELS)
    values = {k: int(bins[k]) for k in keys}
    peak = max(max(values.values(), default=0), 1)
    bars = [_Bar(_CAPACITY_LABELS.get(k, _words(k)), v / peak,
                 f"{v} mentor{'' if v == 1 else 's'}") for k, v in values.items()]  # fmt: skip
    caption = ("Mentors by the places they fill after this round (existing and new "
               "relationships) against their capacity.")  # fmt: skip
    mean = _finite(result.summary.get("mentor_capacity_use_mean"))
    if mean is not None:
        caption += f" On average mentors are {_pct(mean)} full."
    if not bars:
        body = '<p class="muted">No mentors in this round.</p>'
    else:
        body = _bar_chart("chart-capacity", "Mentor capacity use", bars)
    return _figure("Mentor capacity use", body, _e(caption))


def _reasons_figure(result: MatchResult) -> str:
    given = result.summary.get("unmatched_by_reason")
    if isinstance(given, Mapping):
        reasons = {str(k): int(v) for k, v in given.items()}
    else:
        reasons = {}
        for r in result.rows:
            if r.status == "unmatched":
                reasons[r.rule] = reasons.get(r.rule, 0) + 1
    ordered = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))
    peak = max([v for _, v in ordered] + [1])
    bars = [_Bar(_rule_label(k), v / peak, f"{v} mentee{'' if v == 1 else 's'}")
            for k, v in ordered]  # fmt: skip
    caption = ("Mentees with no proposal, by the rule that left them without a mentor: a hard "
               "rule no mentor passed, or candidates taken by others. Each mentee's reason "
               "is in the table of unmatched mentees.")  # fmt: skip
    if not bars:
        body = '<p class="muted">Every mentee to match was matched.</p>'
    else:
        body = _bar_chart("chart-unmatched", "Unmatched mentees by reason", bars)
    return _figure("Unmatched reasons", body, _e(caption))


def _group_figure(dim: str, groups: Mapping[str, Any], overall: float | None) -> str:
    bars: list[_Bar] = []
    suppressed = False
    for key, stats in groups.items():
        n = stats.get("n") if isinstance(stats, Mapping) else None
        if not isinstance(n, int) or isinstance(n, bool) or n < MIN_GROUP_SIZE:
            suppressed = True  # disclosure control: never a bar, never its name
            continue
        matched = int(stats.get("matched", 0))
        rate = _finite(stats.get("match_rate"))
        if rate is None:
            rate = matched / n
        label = "Small groups, pooled" if key == _POOLED_KEY else _words(key)
        bars.append(_Bar(label, rate, f"{_pct(rate)} ({matched}/{n})"))
    notes = [("Other groups", _SUPPRESSED)] if suppressed else []
    heading = f"Match rate by {dim.replace('_', ' ')}"
    if not bars and not notes:
        return _figure(heading, '<p class="muted">No mentees to match.</p>', "")
    reference = (overall, f"All: {_pct(overall)}") if overall is not None and bars else None
    body = _bar_chart(f"chart-group-{_id(dim)}", heading, bars, track=True, notes=notes,
                      reference=reference)  # fmt: skip
    caption = (f"Share of mentees to match in each {dim.replace('_', ' ')} group who got a "
               "proposal, with matched/number in the group. The dashed line is the rate for "
               "all mentees. Groups of fewer than 5 are pooled, or suppressed when even the "
               "pool is under 5. Existing relationships are not counted.")  # fmt: skip
    return _figure(heading, body, _e(caption))


def _group_figures(result: MatchResult) -> list[str]:
    by_group = result.summary.get("by_group") or {}
    dims = [d for d in GROUP_DIMENSIONS if d in by_group]
    dims += sorted(str(d) for d in by_group if d not in GROUP_DIMENSIONS)
    overall = _finite(result.summary.get("match_rate"))
    return [_group_figure(d, by_group[d] or {}, overall) for d in dims]


# --------------------------------------------------------------------------- page parts


def _solver_text(solver: Mapping[str, Any]) -> str:
    status = str(solver.get("status", "unknown"))
    gap = _finite(solver.get("gap"))
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
    method = solver.get("method")
    if method:
        text += f" (method: {_METHODS.get(str(method), str(method))})"
    return f'<span class="status">{_e(status)}</span> {_e(text)}'


def _header(result: MatchResult, title: str, counts: Mapping[str, int]) -> str:
    extra = []
    if "mentors" in counts:
        extra.append(f"{counts['mentors']} mentors")
    if "candidate_pairs" in counts:
        extra.append(f"{counts['candidate_pairs']} candidate pairs")
    extra.append(f"{counts['mentees']} mentees in all")
    lines = [
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta"><strong>Run date</strong> {_time(result.as_of, long=True)}</p>',
        f'<p class="meta"><strong>Solver</strong> {_solver_text(result.solver)}</p>',
        f'<p class="meta"><strong>Round size</strong> {_e(", ".join(extra))}</p>',
        "</header>",
    ]
    return "\n".join(lines)


def _figures(result: MatchResult, counts: Mapping[str, int]) -> str:
    rate = _finite(result.summary.get("match_rate"))
    if rate is None and counts["to_match"]:
        rate = counts["matched"] / counts["to_match"]
    mean = _finite(result.summary.get("mean_score"))
    items = [
        ("Mentees to match", str(counts["to_match"])),
        ("Matched", str(counts["matched"])),
        ("Match rate", _pct(rate)),
        ("Mean score", _score(mean)),
        ("Not matched", str(counts["unmatched"])),
        ("Existing relationships kept", str(counts["existing"])),
    ]
    body = "\n".join(f"<div><dt>{_e(k)}</dt><dd>{_e(v)}</dd></div>" for k, v in items)
    return (f'<section aria-label="Headline figures">\n<dl class="figures">\n{body}\n'
            "</dl>\n</section>")  # fmt: skip


def _table(caption: str, head: Sequence[tuple[str, str]], rows: Iterable[Sequence[str]],
           empty: str) -> str:  # fmt: skip
    """A table; ``head`` is (label, css class); cells are HTML already escaped."""
    body = ["<tr>" + "".join(f'<td class="{c}">{v}</td>' if c else f"<td>{v}</td>"
                             for (_, c), v in zip(head, cells, strict=True)) + "</tr>"
            for cells in rows]  # fmt: skip
    if not body:
        return f'<p class="muted">{_e(empty)}</p>'
    ths = "".join(f'<th scope="col" class="{c}">{_e(h)}</th>' if c == "num"
                  else f'<th scope="col">{_e(h)}</th>' for h, c in head)  # fmt: skip
    return (f'<div class="table-wrap"><table>\n<caption>{_e(caption)}</caption>\n'
            f"<thead><tr>{ths}</tr></thead>\n<tbody>\n" + "\n".join(body)
            + "\n</tbody>\n</table></div>")  # fmt: skip


def _matches_table(rows: Sequence[MatchRow]) -> str:
    head = [("Mentee", "id"), ("Mentor", "id"), ("Score", "num"), ("Rank", "num"),
            ("Shared goals", ""), ("Signpost goals", ""), ("Planned end", ""),
            ("Why", "")]  # fmt: skip
    cells = [
        [_e(r.mentee_id), _e(r.mentor_id or ""), _e(_score(_finite(r.score))),
         _e(f"{r.rank} of {r.candidates}" if r.rank is not None else "–"),
         _e(_goals(r.shared_goals)), _e(_goals(r.signpost_goals)),
         _time(r.planned_end) or "–", _e(r.reason)]
        for r in rows
    ]  # fmt: skip
    return _table(f"Proposed matches ({len(rows)}), by mentee id", head, cells,
                  "No new matches in this round.")  # fmt: skip


def _unmatched_table(rows: Sequence[MatchRow]) -> str:
    head = [("Mentee", "id"), ("Reason", ""), ("Candidates", "num"), ("In detail", "")]
    cells = [[_e(r.mentee_id), _e(_rule_label(r.rule)), _e(r.candidates), _e(r.reason)]
             for r in rows]  # fmt: skip
    return _table(f"Mentees not matched ({len(rows)}), by mentee id", head, cells,
                  "Every mentee to match was matched.")  # fmt: skip


def _existing_table(rows: Sequence[MatchRow], total: int) -> str:
    # Every running relationship is kept (``total``, as in the headline figures); only those
    # whose mentee is in the mentees file have a row to list.
    head = [("Mentee", "id"), ("Mentor", "id")]
    cells = [[_e(r.mentee_id), _e(r.mentor_id or "")] for r in rows]
    caption = f"Existing relationships kept ({total}), by mentee id"
    if len(rows) != total:
        caption = (f"Existing relationships kept ({total}); listed: the {len(rows)} whose "
                   "mentee is in the mentees file, by mentee id")  # fmt: skip
    empty = "No existing relationships."
    if total:
        empty = (f"{total} existing relationships kept; none has its mentee in the mentees "
                 "file, so none is listed here.")  # fmt: skip
    return _table(caption, head, cells, empty)


def _settings(result: MatchResult) -> str:
    parts = []
    objective = getattr(result.config, "objective", None)
    mode = getattr(objective, "mode", None)
    if mode:
        parts.append(f"Objective: {_OBJECTIVES.get(str(mode), str(mode))}.")
    months = getattr(objective, "relationship_months", None)
    if months:
        parts.append(f"Planned relationship length: {months} months.")
    weight_vector = getattr(result.config, "weight_vector", None)
    if callable(weight_vector):
        weights = ", ".join(f"{k.replace('_', ' ')} {float(v):g}"
                            for k, v in weight_vector().items())  # fmt: skip
        parts.append(f"Criteria weights: {weights}.")
    return " ".join(parts)


def _footer(result: MatchResult) -> str:
    settings = _settings(result)
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
    ]
    if settings:
        lines.append(f"<p>{_e(settings)}</p>")
    lines.append(f'<p class="muted">Produced by matcher {_e(__version__)} for the round run on '
                 f"{_time(result.as_of, long=True)}.</p>")  # fmt: skip
    lines.append("</footer>")
    return "\n".join(lines)


# --------------------------------------------------------------------------- public API


def render_report(result: MatchResult, *, title: str = "Matching round") -> str:
    """Render a round as one self-contained HTML page.

    Parameters
    ----------
    result : MatchResult
        The round; only ``rows``, ``summary``, ``solver``, ``as_of``, ``config`` and
        ``warnings`` are read.
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
    counts = _counts(result)
    matched = [r for r in result.rows if r.status == "matched"]
    unmatched = [r for r in result.rows if r.status == "unmatched"]
    existing = [r for r in result.rows if r.status == "existing"]
    warnings = list(result.warnings)
    nav = [("charts", "Charts"), ("matches", f"Proposed matches ({len(matched)})"),
           ("unmatched", f"Not matched ({len(unmatched)})"),
           ("existing", f"Existing kept ({counts['existing']})"),
           ("warnings", f"Warnings ({len(warnings)})"), ("about", "About this report")]  # fmt: skip
    nav_html = "".join(f'<li><a href="#{k}">{_e(v)}</a></li>' for k, v in nav)
    charts = [_score_figure(result), _capacity_figure(result), _reasons_figure(result)]
    group_charts = _group_figures(result)
    if warnings:
        warn_html = ('<ul class="warnings">\n'
                     + "\n".join(f"<li>{_e(w)}</li>" for w in warnings) + "\n</ul>")  # fmt: skip
    else:
        warn_html = '<p class="muted">No warnings.</p>'
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="matcher {_e(__version__)}">',
        f"<title>{_e(title)} – {_e(_long_date(result.as_of))}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        _header(result, title, counts),
        f'<nav class="contents" aria-label="Contents"><ul>{nav_html}</ul></nav>',
        "<main>",
        _figures(result, counts),
        '<section aria-labelledby="charts">',
        '<h2 id="charts">Charts</h2>',
        '<div class="charts">',
        *charts,
        "</div>",
        '<h2 id="groups">Match rate by group</h2>',
        "<p>Fairness check: whether any group of mentees is matched less often than the "
        "round as a whole.</p>",
        '<div class="charts">',
        *(group_charts or ['<p class="muted">No group figures in this round.</p>']),
        "</div>",
        "</section>",
        '<section aria-labelledby="matches">',
        '<h2 id="matches">Proposed matches</h2>',
        _matches_table(matched),
        "</section>",
        '<section aria-labelledby="unmatched">',
        '<h2 id="unmatched">Mentees not matched</h2>',
        _unmatched_table(unmatched),
        "</section>",
        '<section aria-labelledby="existing">',
        '<h2 id="existing">Existing relationships kept</h2>',
        _existing_table(existing, counts["existing"]),
        "</section>",
        '<section aria-labelledby="warnings">',
        '<h2 id="warnings">Warnings</h2>',
        warn_html,
        "</section>",
        "</main>",
        _footer(result),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


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
