"""Small formatting helpers shared by the page and its charts (HTML-escaped text out)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date
from html import escape

__all__ = [
    "clip",
    "e",
    "finite",
    "goals_text",
    "long_date",
    "num",
    "pct",
    "score_text",
    "slug",
    "table",
    "time_html",
    "words",
]

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


def e(value: object) -> str:
    """``value`` as HTML text (quotes escaped too, so it is safe in attributes)."""
    return escape(str(value), quote=True)


def long_date(d: date) -> str:
    """``5 January 2026``."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _short_date(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1][:3]} {d.year}"


def time_html(d: date | None, long: bool = False) -> str:
    """A ``<time>`` element for ``d`` (long or short form), or nothing for no date."""
    if d is None:
        return ""
    text = long_date(d) if long else _short_date(d)
    return f'<time datetime="{d.isoformat()}">{text}</time>'


def finite(x: float | None) -> float | None:
    """``x`` when it is a finite number, else ``None``."""
    if x is None or isinstance(x, bool):
        return None
    v = float(x)
    return v if math.isfinite(v) else None


def pct(rate: float | None) -> str:
    """A rate as a whole percentage that never rounds a partial rate to 0% or 100%."""
    if rate is None:
        return "–"
    p = round(rate * 100)
    if p >= 100 and rate < 1:
        return ">99%"
    if p <= 0 < rate:
        return "<1%"
    return f"{p}%"


def score_text(x: float | None) -> str:
    """A score to two decimals, or a dash."""
    return "–" if x is None else f"{x:.2f}"


def num(x: float) -> str:
    """An SVG coordinate, fixed to one decimal so the output is stable."""
    return f"{x:.1f}"


def words(key: object) -> str:
    """``"non_binary"`` → ``"Non binary"``: a vocabulary token as plain words."""
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def goals_text(goals: Iterable[str]) -> str:
    """Goals as plain words, comma-separated, or a dash."""
    return ", ".join(str(g).replace("_", " ") for g in goals) or "–"


def clip(label: str, limit: int = 26) -> str:
    """A label cut to ``limit`` characters with an ellipsis."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def slug(text: str) -> str:
    """``text`` as a lower-case ASCII id fragment."""
    return "".join(c if c.isascii() and c.isalnum() else "-" for c in text.lower())


def table(caption: str, head: Sequence[tuple[str, str]], rows: Iterable[Sequence[str]],
          empty: str) -> str:  # fmt: skip
    """A table; ``head`` is (label, css class); cells are HTML already escaped."""
    body = ["<tr>" + "".join(f'<td class="{c}">{v}</td>' if c else f"<td>{v}</td>"
                             for (_, c), v in zip(head, cells, strict=True)) + "</tr>"
            for cells in rows]  # fmt: skip
    if not body:
        return f'<p class="muted">{e(empty)}</p>'
    ths = "".join(f'<th scope="col" class="{c}">{e(h)}</th>' if c == "num"
                  else f'<th scope="col">{e(h)}</th>' for h, c in head)  # fmt: skip
    return (f'<div class="table-wrap"><table>\n<caption>{e(caption)}</caption>\n'
            f"<thead><tr>{ths}</tr></thead>\n<tbody>\n" + "\n".join(body)
            + "\n</tbody>\n</table></div>")  # fmt: skip
