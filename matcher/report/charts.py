"""The report's charts: hand-built inline SVG (no scripts, no fonts, no network).

Every chart carries a ``<title>`` and a ``<desc>`` listing its values, so it reads aloud;
coordinates are fixed to one decimal, so the same result always gives the same bytes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import astuple, dataclass, fields

from matcher.report.fmt import clip, e, finite, num, pct, slug, words
from matcher.report.labels import CAPACITY_LABELS, reason_label
from matcher.report.style import BLUE, DARK, GREY, LIGHT, MUTED
from matcher.round import (
    GROUP_DIMENSIONS,
    MIN_GROUP_SIZE,
    POOLED_GROUP,
    GroupRate,
    MatchResult,
    MatchRow,
    MatchStatus,
)

__all__ = [
    "SCORE_BINS",
    "capacity_figure",
    "group_figures",
    "reasons_figure",
    "score_figure",
    "score_histogram",
]

#: Number of equal-width bins of the score histogram over [0, 1].
SCORE_BINS = 10
_SUPPRESSED = f"fewer than {MIN_GROUP_SIZE} (suppressed)"


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
        s = finite(r.score) if r.status == MatchStatus.MATCHED else None
        if s is None:
            continue
        # round() first so 0.7 * 10 = 6.999… never lands in the bin below
        k = math.floor(round(min(max(s, 0.0), 1.0) * bins, 9))
        counts[min(k, bins - 1)] += 1
    return counts


# --------------------------------------------------------------------------- SVG


@dataclass(frozen=True)
class _Bar:
    label: str
    fraction: float  # of the bar area, 0..1
    value: str  # shown as text next to the bar


def _svg_open(chart_id: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{e(title)}" '
        f'aria-describedby="{chart_id}-desc">',
        f"<title>{e(title)}</title>",
        f'<desc id="{chart_id}-desc">{e(desc)}</desc>',
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
        out.append(f"<g><title>{e(b.label)}: {e(b.value)}</title>")
        out.append(f'<text x="{label_end}" y="{num(mid + 4.5)}" font-size="13" '
                   f'text-anchor="end">{e(clip(b.label))}</text>')  # fmt: skip
        if track:
            out.append(f'<rect x="{x0}" y="{num(mid - bar_h / 2)}" width="{area}" '
                       f'height="{bar_h}" fill="{LIGHT}" stroke="{GREY}"/>')  # fmt: skip
        if w > 0:
            out.append(f'<rect x="{x0}" y="{num(mid - bar_h / 2)}" width="{num(w)}" '
                       f'height="{bar_h}" fill="{BLUE}"/>')  # fmt: skip
        tx = x0 + (area if track else w) + 6
        out.append(f'<text x="{num(tx)}" y="{num(mid + 4.5)}" font-size="13" '
                   f'font-weight="bold">{e(b.value)}</text></g>')  # fmt: skip
    for k, (label, text) in enumerate(notes):
        mid = top + (len(bars) + k) * row + row / 2
        out.append(f'<text x="{label_end}" y="{num(mid + 4.5)}" font-size="13" '
                   f'text-anchor="end">{e(clip(label))}</text>')  # fmt: skip
        out.append(f'<text class="muted" x="{x0}" y="{num(mid + 4.5)}" font-size="13" '
                   f'fill="{MUTED}" font-style="italic">{e(text)}</text>')  # fmt: skip
    if reference is not None:
        frac, text = reference
        rx = x0 + area * min(max(frac, 0.0), 1.0)
        bottom = top + row * len(bars)
        tx = min(max(rx, x0 + 40), x0 + area - 40)
        out.append(f'<line x1="{num(rx)}" y1="{top - 4}" x2="{num(rx)}" y2="{bottom}" '
                   f'stroke="{DARK}" stroke-width="1.5" stroke-dasharray="4 3"/>')  # fmt: skip
        out.append(f'<text x="{num(tx)}" y="{top - 9}" font-size="12" '
                   f'text-anchor="middle">{e(text)}</text>')  # fmt: skip
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
            out.append(f'<rect x="{num(x)}" y="{num(base - h)}" width="{num(step - 8)}" '
                       f'height="{num(h)}" fill="{BLUE}"/>')  # fmt: skip
        cls = ' class="muted"' if c == 0 else ""
        out.append(f'<text{cls} x="{num(cx)}" y="{num(base - h - 6)}" font-size="13" '
                   f'font-weight="bold" text-anchor="middle">{c}</text>')  # fmt: skip
        out.append(f'<text x="{num(cx)}" y="{base + 17}" font-size="11" '
                   f'text-anchor="middle">{labels[k]}</text></g>')  # fmt: skip
    out.append(f'<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="{DARK}" '
               'stroke-width="1.5"/>')  # fmt: skip
    out.append(f'<text x="{(left + right) / 2:.1f}" y="{base + 40}" font-size="13" '
               'text-anchor="middle">'
               "Match score (0 = poor fit, 1 = closest fit)</text>")  # fmt: skip
    out.append("</svg>")
    return "\n".join(out)


# --------------------------------------------------------------------------- figures


def _figure(heading: str, body: str, caption: str) -> str:
    return (f"<figure>\n<h3>{e(heading)}</h3>\n{body}\n"
            f"<figcaption>{caption}</figcaption>\n</figure>")  # fmt: skip


def score_figure(result: MatchResult) -> str:
    """The histogram of the new matches' scores, with the quartiles in its caption."""
    counts = score_histogram(result.rows)
    caption = ("Each bar counts new matches with a score in that range (the lower end "
               "included; a score of 1.0 counts in the top bar).")  # fmt: skip
    quart = result.summary.score_quartiles
    if quart is not None:
        q1, q2, q3 = quart
        caption += f" Median {q2:.2f}; the middle half lies between {q1:.2f} and {q3:.2f}."
    if not any(counts):
        body = '<p class="muted">No new matches in this round.</p>'
    else:
        body = _histogram_chart(counts)
    return _figure("Score distribution", body, e(caption))


def capacity_figure(result: MatchResult) -> str:
    """Mentors by how full they are after the round."""
    use = result.summary.mentor_capacity_use
    values = dict(zip((f.name for f in fields(use)), astuple(use), strict=True))
    peak = max(max(values.values(), default=0), 1)
    bars = [_Bar(CAPACITY_LABELS.get(k, words(k)), v / peak,
                 f"{v} mentor{'' if v == 1 else 's'}") for k, v in values.items()]  # fmt: skip
    caption = ("Mentors by the places they fill after this round (existing and new "
               "relationships) against their capacity.")  # fmt: skip
    mean = finite(result.summary.mentor_capacity_use_mean)
    if mean is not None:
        caption += f" On average mentors are {pct(mean)} full."
    if result.summary.counts.mentors == 0:
        body = '<p class="muted">No mentors in this round.</p>'
    else:
        body = _bar_chart("chart-capacity", "Mentor capacity use", bars)
    return _figure("Mentor capacity use", body, e(caption))


def reasons_figure(result: MatchResult) -> str:
    """Unmatched mentees by the rule that left them without a mentor, biggest first."""
    ordered = sorted(result.summary.unmatched_by_reason.items(), key=lambda kv: (-kv[1], kv[0]))
    peak = max([v for _, v in ordered] + [1])
    bars = [_Bar(reason_label(k), v / peak, f"{v} mentee{'' if v == 1 else 's'}")
            for k, v in ordered]  # fmt: skip
    caption = ("Mentees with no proposal, by the rule that left them without a mentor: a hard "
               "rule no mentor passed, or candidates taken by others. Each mentee's reason "
               "is in the table of unmatched mentees.")  # fmt: skip
    if not bars:
        body = '<p class="muted">Every mentee to match was matched.</p>'
    else:
        body = _bar_chart("chart-unmatched", "Unmatched mentees by reason", bars)
    return _figure("Unmatched reasons", body, e(caption))


def _group_figure(dim: str, groups: Mapping[str, GroupRate], overall: float | None) -> str:
    bars: list[_Bar] = []
    suppressed = False
    for key, stats in groups.items():
        n = stats.n
        if n is None or n < MIN_GROUP_SIZE:
            suppressed = True  # disclosure control: never a bar, never its name
            continue
        matched = stats.matched or 0
        rate = finite(stats.match_rate)
        if rate is None:
            rate = matched / n
        label = "Small groups, pooled" if key == POOLED_GROUP else words(key)
        bars.append(_Bar(label, rate, f"{pct(rate)} ({matched}/{n})"))
    notes = [("Other groups", _SUPPRESSED)] if suppressed else []
    heading = f"Match rate by {dim.replace('_', ' ')}"
    if not bars and not notes:
        return _figure(heading, '<p class="muted">No mentees to match.</p>', "")
    reference = (overall, f"All: {pct(overall)}") if overall is not None and bars else None
    body = _bar_chart(f"chart-group-{slug(dim)}", heading, bars, track=True, notes=notes,
                      reference=reference)  # fmt: skip
    caption = (f"Share of mentees to match in each {dim.replace('_', ' ')} group who got a "
               "proposal, with matched/number in the group. The dashed line is the rate for "
               f"all mentees. Groups of fewer than {MIN_GROUP_SIZE} are pooled, or suppressed "
               f"when even the pool is under {MIN_GROUP_SIZE}. Existing relationships are not "
               "counted.")  # fmt: skip
    return _figure(heading, body, e(caption))


def group_figures(result: MatchResult) -> list[str]:
    """One match-rate chart per group dimension (disclosure-controlled)."""
    by_group = result.summary.by_group
    dims = [d for d in GROUP_DIMENSIONS if d in by_group]
    dims += sorted(str(d) for d in by_group if d not in GROUP_DIMENSIONS)
    overall = finite(result.summary.match_rate)
    return [_group_figure(d, by_group[d], overall) for d in dims]
