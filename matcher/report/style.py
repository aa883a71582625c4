"""The report's look: its palette, and its page template and CSS (package data files)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from string import Template

__all__ = ["BLUE", "DARK", "GREY", "LIGHT", "MUTED", "page_template", "stylesheet"]

# GOV.UK-like palette: text, bars, rules, tracks, secondary text.
DARK = "#0b0c0c"
BLUE = "#1d70b8"
GREY = "#b1b4b6"
LIGHT = "#f3f2f1"
MUTED = "#505a5f"


def _read(name: str) -> str:
    return (resources.files("matcher.report") / name).read_text(encoding="utf-8")


@cache
def stylesheet() -> str:
    """The page's CSS (``report.css``), with the palette filled in."""
    palette = {"dark": DARK, "blue": BLUE, "grey": GREY, "light": LIGHT, "muted": MUTED}
    return Template(_read("report.css")).substitute(palette)


@cache
def page_template() -> Template:
    """The page skeleton (``template.html``); its ``$names`` take HTML already escaped."""
    return Template(_read("template.html"))
