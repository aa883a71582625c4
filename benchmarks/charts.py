"""PNG charts of the results (matplotlib, no display): time against caseload size, log-log,
with each method's fitted slope; and each method's objective shortfall against matcher."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["write_charts"]

SHORTFALL_SCENARIOS = ("regional", "regional-hours", "national", "national-hours", "weekly")
_COLOURS = {
    "matcher": "#1b5e20",
    "greedy": "#ef6c00",
    "scipy_sparse": "#1565c0",
    "hospital_resident": "#6a1b9a",
    "min_cost_flow": "#c62828",
    "cp_sat": "#00838f",
}


def _scaling_chart(doc: dict[str, Any], path: Path) -> Path:
    import matplotlib.pyplot as plt

    from benchmarks.report import METHODS, fit_slope

    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=110)
    for method in METHODS:
        pts = [(c["mentees"], r["seconds"]) for c in doc["caseloads"] for r in c["methods"]
               if r["method"] == method and r.get("seconds")]  # fmt: skip
        if len(pts) < 2:
            continue
        x, y = zip(*pts, strict=True)
        slope = fit_slope([float(v) for v in x], list(y))
        ax.loglog(x, y, "o-", color=_COLOURS.get(method), label=f"{method} (slope {slope:.2f})")
    ax.set_xlabel("mentees (mentors a fifth; fixed pair density)")
    ax.set_ylabel("seconds (median)")
    ax.set_title("Time against caseload size (matcher: end to end; others: solve only)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _shortfall_chart(docs: dict[str, dict[str, Any]], path: Path) -> Path | None:
    import matplotlib.pyplot as plt
    import numpy as np

    from benchmarks.report import METHODS

    names = [n for n in SHORTFALL_SCENARIOS if n in docs]
    if not names:
        return None
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), dpi=110)
    methods = METHODS[1:]
    width = 0.8 / len(methods)
    for ax, key, label in zip(axes, ("total_priority", "total_score"),
                              ("total priority", "total score"), strict=True):  # fmt: skip
        for k, method in enumerate(methods):
            vals, broke = [], []
            for n in names:
                rows = {r["method"]: r for r in docs[n]["caseloads"][0]["methods"]}
                ref, r = rows.get("matcher", {}), rows.get(method, {})
                a, b = r.get(key), ref.get(key)
                vals.append(100 * (b - a) / b if a is not None and b else np.nan)
                broke.append(bool(r.get("violations")))
            xs = np.arange(len(names)) + (k - len(methods) / 2 + 0.5) * width
            bars = ax.bar(xs, vals, width, color=_COLOURS.get(method), label=method)
            for bar, bad in zip(bars, broke, strict=True):
                if bad:
                    bar.set_hatch("///")
                    bar.set_alpha(0.5)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_xticks(np.arange(len(names)), names, rotation=20, fontsize=8)
        ax.set_ylabel(f"shortfall in {label} vs matcher, %")
        ax.grid(True, axis="y", alpha=0.3)
    axes[0].legend(fontsize=7)
    fig.suptitle("Objective shortfall per method (hatched: breaks hours or supervisor caps; "
                 "below 0 only by breaking them)", fontsize=9)  # fmt: skip
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def _orlib_chart(doc: dict[str, Any], path: Path) -> Path | None:
    import matplotlib.pyplot as plt
    import numpy as np

    rows = [p for p in doc["problems"] if p["file"] == "gapd"]
    names = sorted({p["instance"] for p in rows})
    methods = [m for m in ("matcher", "cp_sat") if any(p["method"] == m for p in rows)]
    if not names or not methods:
        return None
    fig, ax = plt.subplots(figsize=(7, 4), dpi=110)
    width = 0.8 / len(methods)
    for k, method in enumerate(methods):
        by = {p["instance"]: p for p in rows if p["method"] == method}
        vals = [by.get(n, {}).get("gap_pct") for n in names]
        xs = np.arange(len(names)) + (k - len(methods) / 2 + 0.5) * width
        ax.bar(xs, [np.nan if v is None else v for v in vals], width,
               color=_COLOURS[method], label=method)  # fmt: skip
    ax.axhline(0.2, color="black", linestyle="--", linewidth=0.8, label="target 0.2 %")
    ax.set_xticks(np.arange(len(names)), names, fontsize=8)
    ax.set_ylabel("% above the best known value")
    ax.set_title(f"OR-Library gapd at {doc['time_limit']:g} s per problem", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def write_charts(results: Path) -> list[Path]:
    """Write the PNG charts into ``results``; returns the paths written."""
    import matplotlib

    matplotlib.use("Agg")
    docs = {p.stem: json.loads(p.read_text()) for p in sorted(results.glob("*.json"))}
    out = []
    if "scaling" in docs:
        out.append(_scaling_chart(docs["scaling"], results / "scaling_time.png"))
    short = _shortfall_chart(docs, results / "shortfall.png")
    if short:
        out.append(short)
    gapd = _orlib_chart(docs["orlib"], results / "orlib_gapd.png") if "orlib" in docs else None
    if gapd:
        out.append(gapd)
    return out
