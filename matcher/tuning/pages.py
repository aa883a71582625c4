"""compare.html and sweep.html: one self-contained page each (inline CSS and SVG, no
script, no network), like report.html. Counts and ids only: no special-category value
beyond the group names the round's summary already shows, disclosure-controlled."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from matcher.io import atomic_writer
from matcher.tuning.compare import Comparison
from matcher.tuning.figures import Figures
from matcher.tuning.sweep import Sweep, SweepRow

__all__ = [
    "pareto_front",
    "render_compare",
    "render_sweep",
    "write_compare_html",
    "write_sweep_html",
]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;color:#0b0c0c;
margin:2rem auto;max-width:60rem;padding:0 1rem;line-height:1.4}
h1{font-size:1.8rem;margin-bottom:.2rem}h2{font-size:1.3rem;margin-top:2rem;
border-bottom:2px solid #1d70b8}p.lede{color:#505a5f;margin-top:0}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.9rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #b1b4b6;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:.3rem 0}
.up{color:#00703c}.down{color:#d4351c}svg{max-width:100%;height:auto}
figure{margin:1rem 0}figcaption{color:#505a5f;font-size:.9rem}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table{break-inside:auto}}
"""
_FIGURES = (
    ("to_match", "Mentees to match"), ("matched", "Matched"), ("match_rate", "Match rate"),
    ("mean_score", "Mean score"), ("total_priority", "Total priority matched"),
    ("shared_goals_share", "Matched with a shared goal"),
    ("gate_share", "Custody matches through the gate"),
    ("group_spread", "Largest spread of match rates across groups"),
)  # fmt: skip
_RATES = {"match_rate", "shared_goals_share", "gate_share", "group_spread"}
_MAX_ROWS = 1000  # changes listed on the page; changes.csv has them all


def _e(x: object) -> str:
    return escape(str(x), quote=True)


def _num(name: str, x: float | int | None) -> str:
    if x is None:
        return "–"
    if name in _RATES:
        return f"{100 * x:.1f}%"
    return f"{x:.3f}" if isinstance(x, float) and name == "mean_score" else f"{x:g}"


def _delta(name: str, d: float | None) -> str:
    if d is None or d == 0:
        return "<td class='n'>–</td>" if d is None else "<td class='n'>0</td>"
    cls = "up" if d > 0 else "down"
    text = f"{100 * d:+.1f} pts" if name in _RATES else f"{d:+.3g}"
    return f"<td class='n {cls}'>{_e(text)}</td>"


def _page(title: str, lede: str, body: Iterable[str]) -> str:
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1><p class='lede'>{_e(lede)}</p>" + "".join(body) + "</body></html>\n"
    )


def _table(caption: str, head: Sequence[str], rows: Iterable[Sequence[str]], num: int) -> str:
    """A table whose columns from ``num`` on are numbers (cells are HTML already)."""
    ths = "".join(f"<th{' class=n' if k >= num else ''} scope='col'>{_e(h)}</th>"
                  for k, h in enumerate(head))  # fmt: skip
    body = "".join("<tr>" + "".join(r) + "</tr>" for r in rows)
    return f"<table><caption>{_e(caption)}</caption><tr>{ths}</tr>{body}</table>"


def _td(x: object, n: bool = False) -> str:
    return f"<td class='n'>{_e(x)}</td>" if n else f"<td>{_e(x)}</td>"


def _config_changes(comparison: Comparison) -> list[tuple[str, Any, Any]]:
    a = comparison.result_a.config.model_dump(mode="json")
    b = comparison.result_b.config.model_dump(mode="json")
    out: list[tuple[str, Any, Any]] = []
    for section in a:
        for key in a[section]:
            if a[section][key] != b[section][key]:
                out.append((f"{section}.{key}", a[section][key], b[section][key]))
    return out


def _group_bars(comparison: Comparison, dim: str) -> str:
    groups = [g for g in comparison.groups if g.dimension == dim and g.a is not None]
    if not groups:
        return ""
    row_h, left, width = 26, 190, 360
    height = row_h * len(groups) + 30
    parts = [f"<svg viewBox='0 0 {left + width + 70} {height}' role='img' "
             f"aria-label='Match rate by {_e(dim)}, A grey, B blue'>"]  # fmt: skip
    for k, g in enumerate(groups):
        y = 10 + k * row_h
        parts.append(f"<text x='{left - 6}' y='{y + 14}' text-anchor='end' "
                     f"font-size='12'>{_e(g.group[:28])}</text>")  # fmt: skip
        for off, rate, colour in ((0, g.a, "#b1b4b6"), (10, g.b, "#1d70b8")):
            w = round(width * (rate or 0.0), 1)
            parts.append(f"<rect x='{left}' y='{y + off}' width='{w}' height='9' "
                         f"fill='{colour}'/>")  # fmt: skip
        parts.append(f"<text x='{left + width + 6}' y='{y + 14}' font-size='12'>"
                     f"{_e(_num('match_rate', g.b))}</text>")  # fmt: skip
    parts.append("</svg>")
    return (
        f"<figure>{''.join(parts)}<figcaption>Match rate by {_e(dim)}: A grey, B blue "
        "(groups under 5 pooled, as in the round's report).</figcaption></figure>"
    )


def render_compare(comparison: Comparison, *, labels: tuple[str, str] = ("A", "B"),
                   as_of: date | None = None) -> str:  # fmt: skip
    """The compare page: figures side by side, deltas, groups, config changes, changes."""
    la, lb = labels
    body = [_table("Figures", ("Figure", la, lb, f"{lb} − {la}"), (
        (_td(label), _td(_num(k, getattr(comparison.a, k)), True),
         _td(_num(k, getattr(comparison.b, k)), True), _delta(k, comparison.delta(k)))
        for k, label in _FIGURES), 1)]  # fmt: skip
    diffs = _config_changes(comparison)
    body.append("<h2>What the configs change</h2>")
    body.append(_table("Settings that differ", ("Setting", la, lb),
                       ((_td(k), _td(a), _td(b)) for k, a, b in diffs), 1) if diffs
                else "<p>The two configs are the same.</p>")  # fmt: skip
    body.append("<h2>Match rate by group</h2>")
    for dim in dict.fromkeys(g.dimension for g in comparison.groups):
        body.append(_group_bars(comparison, dim))
    body.append(_table("Match rate by group", ("Dimension", "Group", "Mentees", la, lb, "Change"), (
        (_td(g.dimension), _td(g.group), _td("<5" if g.n is None else g.n, True),
         _td(_num("match_rate", g.a), True), _td(_num("match_rate", g.b), True),
         _delta("match_rate", g.delta)) for g in comparison.groups), 2))  # fmt: skip
    changes = comparison.changes
    body.append(f"<h2>Mentees whose outcome changes ({len(changes)})</h2>")
    if not changes:
        body.append("<p>No mentee's status or mentor differs.</p>")
    else:
        shown = changes[:_MAX_ROWS]
        note = "" if len(shown) == len(changes) else f" (first {len(shown)}; all in changes.csv)"
        body.append(_table(f"Changed outcomes{note}", ("Mentee", la, lb, "Why"), (
            (_td(c.mentee_id), _td(f"{c.mentor_a or c.status_a}"),
             _td(f"{c.mentor_b or c.status_b}"), _td(c.reason)) for c in shown), 9))  # fmt: skip
    when = f" as of {as_of.isoformat()}" if as_of else ""
    lede = f"{la} against {lb}{when}: {len(changes)} mentees change."
    return _page(f"Comparing configs {la} and {lb}", lede, body)


def pareto_front(rows: Sequence[SweepRow]) -> list[bool]:
    """Which rows no other row beats on both match rate and mean score (higher is better)."""
    pts = [(r.figures.match_rate, r.figures.mean_score) for r in rows]
    out = []
    for x, y in pts:
        if x is None or y is None:
            out.append(False)
            continue
        out.append(not any(
            a is not None and b is not None and a >= x and b >= y and (a > x or b > y)
            for a, b in pts))  # fmt: skip
    return out


def _colour(t: float) -> str:
    """Light to dark blue for t in [0, 1] (the spread of match rates across groups)."""
    lo, hi = (222, 235, 247), (8, 48, 107)
    return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(lo, hi, strict=True))


def _axis(lo: float, hi: float) -> tuple[float, float]:
    pad = (hi - lo) * 0.08 or 0.01
    return lo - pad, hi + pad


def _scatter(rows: Sequence[SweepRow], front: Sequence[bool]) -> str:
    pts = [(k, r.figures) for k, r in enumerate(rows, start=1)
           if r.figures.match_rate is not None and r.figures.mean_score is not None]  # fmt: skip
    if not pts:
        return "<p>No config matched anyone: nothing to plot.</p>"
    w, h, left, top, bottom = 600, 380, 60, 20, 50
    xs = [f.match_rate or 0.0 for _, f in pts]
    ys = [f.mean_score or 0.0 for _, f in pts]
    x0, x1 = _axis(min(xs), max(xs))
    y0, y1 = _axis(min(ys), max(ys))
    spreads = [f.group_spread for _, f in pts if f.group_spread is not None]
    s0, s1 = (min(spreads), max(spreads)) if spreads else (0.0, 0.0)

    def px(x: float) -> float:
        return round(left + (x - x0) / (x1 - x0) * (w - left - 10), 1)

    def py(y: float) -> float:
        return round(top + (1 - (y - y0) / (y1 - y0)) * (h - top - bottom), 1)

    out = [f"<svg viewBox='0 0 {w} {h}' role='img' aria-label='Match rate against mean "
           "score, one point per config; the Pareto front ringed and joined'>",
           f"<line x1='{left}' y1='{h - bottom}' x2='{w - 10}' y2='{h - bottom}' "
           "stroke='#0b0c0c'/>",
           f"<line x1='{left}' y1='{top}' x2='{left}' y2='{h - bottom}' stroke='#0b0c0c'/>",
           f"<text x='{(left + w) / 2}' y='{h - 12}' text-anchor='middle' font-size='13'>"
           "Match rate</text>",
           f"<text x='14' y='{(top + h - bottom) / 2}' text-anchor='middle' font-size='13' "
           f"transform='rotate(-90 14 {(top + h - bottom) / 2})'>Mean score</text>"]  # fmt: skip
    for v, anchor in ((x0, "start"), (x1, "end")):
        out.append(f"<text x='{px(v)}' y='{h - bottom + 16}' text-anchor='{anchor}' "
                   f"font-size='11'>{100 * v:.1f}%</text>")  # fmt: skip
    for v in (y0, y1):
        out.append(f"<text x='{left - 4}' y='{py(v) + 4}' text-anchor='end' "
                   f"font-size='11'>{v:.3f}</text>")  # fmt: skip
    on = sorted((f.match_rate or 0.0, f.mean_score or 0.0) for (k, f) in pts if front[k - 1])
    if len(on) > 1:
        line = " ".join(f"{px(x)},{py(y)}" for x, y in on)
        out.append(f"<polyline points='{line}' fill='none' stroke='#d4351c' "
                   "stroke-dasharray='4 3'/>")  # fmt: skip
    for k, f in pts:
        t = 0.5 if f.group_spread is None or s1 == s0 else (f.group_spread - s0) / (s1 - s0)
        x, y = px(f.match_rate or 0.0), py(f.mean_score or 0.0)
        ring = " stroke='#d4351c' stroke-width='3'" if front[k - 1] else " stroke='#505a5f'"
        out.append(f"<circle cx='{x}' cy='{y}' r='7' fill='{_colour(t)}'{ring}>"
                   f"<title>config {k}</title></circle>"
                   f"<text x='{x + 9}' y='{y - 8}' font-size='11'>{k}</text>")  # fmt: skip
    out.append("</svg>")
    legend = (
        f"Colour: spread of match rates across groups, light {_num('group_spread', s0)} "
        f"to dark {_num('group_spread', s1)}."
        if spreads
        else ""
    )
    return (
        f"<figure>{''.join(out)}<figcaption>Each point is a config (numbered as in the "
        "table). Ringed in red and joined: the Pareto front, configs no other beats on "
        f"both match rate and mean score. {legend}</figcaption></figure>"
    )


def render_sweep(result: Sweep, *, as_of: date | None = None) -> str:
    """The sweep page: the trade-off plot with its Pareto front, and every config's row."""
    front = pareto_front(result.rows)
    head = ("Config", *result.keys, "Matched", "Match rate", "Mean score", "Priority",
            "Shared goal", "Through the gate", "Group spread", "Pareto", "Solver")  # fmt: skip

    def cells(k: int, r: SweepRow, f: Figures) -> list[str]:
        return [_td(k, True), *(_td(v, True) for v in r.values), _td(f.matched, True),
                *(_td(_num(n, getattr(f, n)), True) for n in (
                    "match_rate", "mean_score", "total_priority", "shared_goals_share",
                    "gate_share", "group_spread")),
                _td("yes" if front[k - 1] else "", True), _td(f.solver_status)]  # fmt: skip

    rows = (cells(k, r, r.figures) for k, r in enumerate(result.rows, start=1))
    when = f" as of {as_of.isoformat()}" if as_of else ""
    lede = (
        f"{len(result.rows)} configs{when}; pairs found {result.pools} time"
        f"{'s' if result.pools != 1 else ''} and rescored for each config."
    )
    body = [
        "<h2>Match rate against mean score</h2>",
        _scatter(result.rows, front),
        "<h2>Every config</h2>",
        _table("One row per config", head, rows, 0),
    ]
    return _page("Weight sweep", lede, body)


def write_compare_html(path: str | Path, comparison: Comparison, **kw: Any) -> None:
    """Write ``compare.html`` (atomically)."""
    with atomic_writer(path) as fh:
        fh.write(render_compare(comparison, **kw))


def write_sweep_html(path: str | Path, result: Sweep, **kw: Any) -> None:
    """Write ``sweep.html`` (atomically)."""
    with atomic_writer(path) as fh:
        fh.write(render_sweep(result, **kw))
