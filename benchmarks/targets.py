"""The issue's targets, each checked against the measured JSON: met, missed or not measured.

A comparison of objectives counts only assignments that break no limit: an alternative that
ignores hours or supervisor caps can reach more, by breaking them; those are listed apart.
Objectives compare lexicographically, as matcher's ``coverage_first``: total priority, then
total score (relative tolerance 1e-9). matcher's solver weighs each pair's score in units of
``1 / objective.score_resolution`` (default 10 000), so it is optimal at that resolution
only: an alternative that optimises the unrounded scores can come out above it by up to
``matched / score_resolution`` in total score. Such a difference is a tie at the engine's
resolution, listed apart ("within the score resolution"), not a target missed.
"""

from __future__ import annotations

from typing import Any

from benchmarks.report import fit_slope

__all__ = ["SLOPE_LIMIT", "targets_section"]

#: "About n log n": over 1k-200k the log-log slope of n log n is about 1.1.
SLOPE_LIMIT = 1.15
_TOL = 1e-9


def _score_resolution() -> int:
    from matcher import Config

    return int(Config().objective.score_resolution)


def _at_least(a: dict[str, Any], b: dict[str, Any], slack: float = 0.0) -> bool:
    """Whether ``a``'s objective is at least ``b``'s (priority first, then score, which may
    fall short by ``slack``)."""
    pa, pb = a["total_priority"], b["total_priority"]
    if pa > pb * (1 + _TOL) + _TOL:
        return True
    if pa < pb * (1 - _TOL) - _TOL:
        return False
    return bool(a["total_score"] >= b["total_score"] * (1 - _TOL) - _TOL - slack)


def _resolution_slack(ref: dict[str, Any]) -> float:
    """The most matcher's total score can lose to its score rounding (see the docstring)."""
    return float(ref.get("matched") or 0) / _score_resolution()


def _objective(docs: dict[str, dict[str, Any]]) -> tuple[str, str]:
    beaten, compared, broke, ties = [], 0, [], []
    for name, doc in docs.items():
        if name in ("orlib", "smoke") or "caseloads" not in doc:
            continue
        for c in doc["caseloads"]:
            rows = {r["method"]: r for r in c["methods"]}
            ref = rows.get("matcher")
            if not ref or ref.get("total_priority") is None:
                continue
            for method, r in rows.items():
                if method == "matcher" or r.get("total_priority") is None:
                    continue
                if r.get("violations"):
                    if not _at_least(ref, r):
                        broke.append(f"{c['key']} {method} ({r['violations']} broken)")
                    continue
                compared += 1
                if _at_least(ref, r):
                    continue
                if _at_least(ref, r, _resolution_slack(ref)):
                    short = r["total_score"] - ref["total_score"]
                    ties.append(f"{c['key']} {method} (score {short:.2g} above)")
                else:
                    beaten.append(f"{c['key']} {method}")
    o_beaten, o_compared = _orlib_objective(docs)
    compared += o_compared
    beaten += o_beaten
    if not compared:
        return "not measured", "no alternative with a feasible assignment was run"
    text = f"{compared} feasible alternative results compared; matcher below on {len(beaten)}"
    if beaten:
        text += ": " + ", ".join(beaten)
    if ties:
        text += (f". Above matcher within the score resolution (1/{_score_resolution():,} per "
                 f"pair): {len(ties)} ({', '.join(ties)})")  # fmt: skip
    if broke:
        text += f". Above matcher only by breaking limits: {len(broke)} ({', '.join(broke[:6])})"
    return ("met" if not beaten else "missed"), text


def _orlib_objective(docs: dict[str, dict[str, Any]]) -> tuple[list[str], int]:
    """OR-Library problems where a complete, feasible alternative beat matcher's value."""
    doc = docs.get("orlib")
    if not doc:
        return [], 0
    ours = {p["instance"]: p for p in doc["problems"] if p["method"] == "matcher"}
    beaten, compared = [], 0
    for p in doc["problems"]:
        ref = ours.get(p["instance"])
        if p["method"] == "matcher" or p["value"] is None or p["violations"] or not ref:
            continue
        compared += 1
        if ref["value"] is None or (
            p["value"] > ref["value"] if p["maximise"] else p["value"] < ref["value"]
        ):
            beaten.append(f"orlib {p['instance']} {p['method']}")
    return beaten, compared


def _speed(
    docs: dict[str, dict[str, Any]], scenario: str, method: str, need: float
) -> tuple[str, str]:
    doc = docs.get(scenario)
    if not doc or "caseloads" not in doc:
        return "not measured", f"{scenario} not run"
    rows = {r["method"]: r for r in doc["caseloads"][0]["methods"]}
    ref, alt = rows.get("matcher", {}), rows.get(method, {})
    if not ref.get("seconds") or not alt.get("seconds"):
        why = alt.get("reason") or ref.get("reason") or "no time"
        return "not measured", f"{method} on {scenario}: {why}"
    ratio = alt["seconds"] / ref["seconds"]
    text = (f"{method} {alt['seconds']:.1f} s, matcher end to end {ref['seconds']:.1f} s "
            f"(solve stage {ref.get('stages', {}).get('solve', float('nan')):.1f} s): "
            f"{ratio:.2f}×")  # fmt: skip
    return ("met" if ratio >= need else "missed"), text


def _slope(docs: dict[str, dict[str, Any]]) -> tuple[str, str]:
    doc = docs.get("scaling")
    if not doc:
        return "not measured", "scaling not run"
    sizes = [float(c["mentees"]) for c in doc["caseloads"]]
    secs = [next((r.get("seconds") for r in c["methods"] if r["method"] == "matcher"), None)
            for c in doc["caseloads"]]  # fmt: skip
    slope = fit_slope(sizes, secs)
    if slope is None:
        return "not measured", "fewer than two sizes"
    text = (f"matcher end to end, {int(min(sizes)):,} to {int(max(sizes)):,} mentees: slope "
            f"{slope:.2f} (limit {SLOPE_LIMIT})")  # fmt: skip
    return ("met" if slope <= SLOPE_LIMIT else "missed"), text


def _orlib(docs: dict[str, dict[str, Any]]) -> list[tuple[str, str, str]]:
    doc = docs.get("orlib")
    if not doc:
        return [("OR-Library", "not measured", "orlib not run")]
    rows = [p for p in doc["problems"] if p["method"] == "matcher"]
    exact = [p for p in rows if p["file"] != "gapd"]
    d = [p for p in rows if p["file"] == "gapd"]
    out = []
    if exact:
        ok = sum(p["ok"] for p in exact)
        out.append(("gap1-12, gapa-c proven optimal", "met" if ok == len(exact) else "missed",
                    f"{ok}/{len(exact)} proven optimal at the known value"))  # fmt: skip
    if d:
        ok = sum(p["ok"] for p in d)
        worst = max((p["gap_pct"] for p in d if p["gap_pct"] is not None), default=None)
        out.append(
            (
                "gapd within 0.2 % of best known",
                "met" if ok == len(d) else "missed",
                f"{ok}/{len(d)} within; worst {worst:.3f} % above (time limit "
                f"{doc['time_limit']:g} s)"
                if worst is not None
                else f"{ok}/{len(d)}",
            )
        )
    return out or [("OR-Library", "not measured", "no problems")]


def targets_section(docs: dict[str, dict[str, Any]]) -> list[str]:
    """The "Targets" table of RESULTS.md."""
    rows = [("objective ≥ every alternative, every scenario", *_objective(docs)),
            ("national: ≥ 3× faster than scipy_sparse", *_speed(docs, "national",
                                                               "scipy_sparse", 3.0)),
            ("national: faster than raw min_cost_flow", *_speed(docs, "national",
                                                             "min_cost_flow", 1.0)),
            ("national-hours: faster than raw min_cost_flow", *_speed(docs, "national-hours",
                                                                   "min_cost_flow", 1.0)),
            ("scaling: time no faster than about n log n", *_slope(docs)),
            *_orlib(docs)]  # fmt: skip
    out = ["## Targets (issue 12)", "", "| target | verdict | measured |", "|---|---|---|"]
    out += [f"| {t} | {v} | {m} |" for t, v, m in rows]
    return out
