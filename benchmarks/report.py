"""``benchmarks/RESULTS.md`` and the charts under ``benchmarks/results/``, from the JSON files.

Nothing here measures: every figure comes from a ``NAME.json`` written by a run, and a
scenario with no file is listed as not run. Ratios are the alternative's seconds over
matcher's (above 1: matcher is faster), measured in the same sitting: over matcher's
end-to-end seconds (files in, files out) and over its solve stage alone (the alternatives
start from the candidate pairs and stop at an assignment).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["fit_slope", "render", "write_report"]

HERE = Path(__file__).resolve().parent
ORDER = ("regional", "regional-hours", "national", "national-hours", "stress", "stress-hours",
         "weekly", "scaling", "orlib", "smoke")  # fmt: skip
METHODS = ("matcher", "greedy", "scipy_sparse", "hospital_resident", "min_cost_flow", "cp_sat")


def _f(x: Any, spec: str = ".2f") -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return format(x, spec)


def fit_slope(x: Sequence[float], y: Sequence[float | None]) -> float | None:
    """Least-squares slope of log y against log x (None with fewer than 2 points)."""
    pts = [(a, b) for a, b in zip(x, y, strict=True) if a and b and a > 0 and b > 0]
    if len(pts) < 2:
        return None
    lx, ly = np.log([p[0] for p in pts]), np.log([p[1] for p in pts])
    return float(np.polyfit(lx, ly, 1)[0])


def _sec(x: Any) -> str:
    """Seconds with enough digits for sub-second methods."""
    return _f(x, ".3f" if x is not None and x < 0.1 else ".2f")


def _ratio(alt: Any, base: Any) -> str:
    if not alt or not base:
        return "–"
    r = alt / base
    return f"{r:.3f}×" if r < 0.1 else f"{r:.2f}×"


def _shortfall(row: dict[str, Any], ref: dict[str, Any], key: str) -> float | None:
    """How much less than matcher's ``key`` the row reached, % (negative: more)."""
    a, b = row.get(key), ref.get(key)
    if a is None or b is None or not b:
        return None
    d = 100.0 * (b - a) / b
    return 0.0 if abs(d) < 5e-4 else d  # no "-0.000"


def _caseload_table(rows: list[dict[str, Any]]) -> list[str]:
    ref = next((r for r in rows if r["method"] == "matcher"), {})
    solve = (ref.get("stages") or {}).get("solve")
    out = [
        "| method | seconds | runs | alt / matcher | alt / matcher's solve | peak MiB | matched | "
        "total priority | total score | priority short % | score short % | status | "
        "violations | ignores |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        status = r["status"] if r["status"] != "not_run" else f"not run: {r.get('reason', '')}"
        if r["method"] == "matcher" and r.get("gap") is not None:
            status += f" (gap {100 * r['gap']:.3f} %)"
        out.append(
            f"| {r['method']} | {_sec(r['seconds'])} | {len(r.get('seconds_runs', []))} | "
            f"{'1' if r['method'] == 'matcher' else _ratio(r['seconds'], ref.get('seconds'))} | "
            f"{'–' if r['method'] == 'matcher' else _ratio(r['seconds'], solve)} | "
            f"{_f(r['peak_mib'], '.0f')} | {_f(r['matched'], 'd')} | "
            f"{_f(r['total_priority'], '.1f')} | {_f(r['total_score'], '.2f')} | "
            f"{_f(_shortfall(r, ref, 'total_priority'), '.3f')} | "
            f"{_f(_shortfall(r, ref, 'total_score'), '.3f')} | {status} | "
            f"{_f(r['violations'], 'd')} | {', '.join(r.get('ignores', [])) or '–'} |"
        )
    st = ref.get("stages")
    if st:
        parts = ", ".join(f"{k} {v:.2f} s" for k, v in st.items())
        out.append(f"\nmatcher stages (medians): {parts}; pairs {ref.get('pairs'):,}.")
    return out


def _scaling_section(doc: dict[str, Any]) -> list[str]:
    sizes = [c["mentees"] for c in doc["caseloads"]]
    out = ["| method | " + " | ".join(f"{n:,}" for n in sizes) + " | slope vs mentees | "
           "slope vs pairs |", "|---|" + "---|" * (len(sizes) + 2)]  # fmt: skip
    pairs = [c["pairs"] for c in doc["caseloads"]]
    for method in METHODS:
        rows: list[dict[str, Any]] = [
            next((r for r in c["methods"] if r["method"] == method), {}) for c in doc["caseloads"]
        ]
        secs = [r.get("seconds") for r in rows]
        if all(s is None for s in secs):
            continue
        s_n = fit_slope([float(x) for x in sizes], secs)
        s_p = fit_slope([float(p or 0) for p in pairs], secs)
        out.append(f"| {method} | " + " | ".join(_f(s) for s in secs)
                   + f" | {_f(s_n)} | {_f(s_p)} |")  # fmt: skip
    out.append("| pairs | " + " | ".join(f"{p:,}" if p else "–" for p in pairs) + " | | |")
    out.append("\nSeconds (medians) per mentee count; slopes are least-squares fits of log "
               "seconds against log size (n log n over this range is about 1.1).")  # fmt: skip
    for c in doc["caseloads"]:
        out += ["", f"**{c['mentees']:,} x {c['mentors']:,}**", ""]
        out += _caseload_table(c["methods"])
    return out


def _orlib_section(doc: dict[str, Any]) -> list[str]:
    out = ["| method | seconds (all problems) | runs | peak MiB | complete | status | "
           "violations | ok |", "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in doc["methods"]:
        if r["status"] == "not_run":
            out.append(f"| {r['method']} | – | 0 | – | – | not run: {r.get('reason', '')} | – "
                       "| – |")  # fmt: skip
            continue
        out.append(f"| {r['method']} | {_f(r['seconds'])} | {r.get('runs', '–')} | "
                   f"{_f(r['peak_mib'], '.0f')} | "
                   f"{r['matched']}/{r['problems']} | {r['status']} | {r['violations']} | "
                   f"{r['ok']}/{r['problems']} |")  # fmt: skip
    out += ["", "`ok`: gap1-12 and gapa-c proven optimal at the known value; gapd within "
            "0.2 % of the best known (upper bound of OPTIMA.md), no limit broken.", "",
            "| problem | known | matcher | bound | status | % above best | seconds | cp_sat | "
            "greedy |", "|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    by: dict[tuple[str, str], dict[str, Any]] = {
        (p["method"], p["instance"]): p for p in doc["problems"]
    }
    for p in (q for q in doc["problems"] if q["method"] == "matcher"):
        known = (f"{p['known_lb']:g}" if p["known_lb"] == p["known_ub"]
                 else f"[{p['known_lb']:g}, {p['known_ub']:g}]")  # fmt: skip
        cp = by.get(("cp_sat", p["instance"]), {})
        gr = by.get(("greedy", p["instance"]), {})
        out.append(f"| {p['instance']} | {known} | {_f(p['value'], 'g')} | "
                   f"{_f(p.get('bound'), '.0f')} | {p['status']} | {_f(p['gap_pct'], '.3f')} | "
                   f"{_f(p['seconds'])} | {_f(cp.get('value'), 'g')} | "
                   f"{_f(gr.get('value'), 'g')} |")  # fmt: skip
    return out


def _sitting(doc: dict[str, Any]) -> str:
    """The engine's commit and the load average of one scenario's sitting (the scenarios
    are recorded at different times, on a shared machine)."""
    commit = doc.get("versions", {}).get("matcher_commit") or "unknown"
    load = doc.get("load_average") or {}
    when = [f"{k} {load[k][0]:.1f}" for k in ("start", "end") if load.get(k)]
    return f"matcher commit {commit}; load average (1 min) " + (", ".join(when) or "unknown")


def _header(docs: dict[str, dict[str, Any]]) -> list[str]:
    name, first = next(iter(docs.items()))
    m = first["machine"]
    v = {k: x for k, x in first["versions"].items() if k != "matcher_commit"}
    dates = sorted({d["date"][:10] for d in docs.values()})
    return [
        "# Benchmark results",
        "",
        "Generated by `python -m benchmarks --report` from the JSON files in this folder's "
        "`results/` (each written by `python -m benchmarks --scenario NAME`; `make bench` runs "
        "them all). Every figure is a median of the runs listed in its JSON file, measured "
        "with the other methods in the same sitting; nothing here is copied from elsewhere.",
        "",
        f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['system']}, "
        f"Python {m['python']}",
        f"- versions (from {name}.json): " + ", ".join(f"{k} {x}" for k, x in v.items()),
        "- matcher commit: per scenario, in its section (scenarios are recorded at different "
        "times)",
        f"- dates: {', '.join(dates)}",
        "",
    ]


NOTES = """## How to read this

- **matcher** runs as a user runs it: `matcher.load_caseload` (read and validate the CSV
  files), `matcher.match`, then `matches.csv` and `result.json` written; `seconds` is that
  whole span. Its stages are timed inside the real `match` (`benchmarks/measure.py`):
  load, candidates, solve, explain (reasons, rows, summary), write, other.
- Every **alternative** gets the arrays matcher's own `solve` call got (the same candidate
  pairs, scores, loads, remaining seats, hours and supervisor caps, priorities) and its
  `seconds` run from those arrays to an assignment; so compare it with matcher's solve
  stage as well as with its end-to-end time. Each optimises matcher's `coverage_first`
  objective where it can (one priority unit outweighs any score difference).
  - `greedy`: pairs best first by that weight; a pair is taken when its mentor has a seat,
    the hours and supervisor room (numba; compiled before the clock starts).
  - `scipy_sparse`: `scipy.sparse.csgraph.min_weight_full_bipartite_matching` on mentees x
    seats (each mentor expanded into its free seats). It requires a *full* matching, so
    each mentee also gets a private dummy column meaning "unmatched" (a full matching then
    always exists); costs are `C - w` on real arcs and `C` on dummies, `C` above every
    weight. Expresses seats only.
  - `hospital_resident`: the `matching` library's resident-optimal stable matching
    (mentees rank candidates by score, mentors rank theirs by priority then score); seats
    only. Run in a thread with a deep stack (the library deep-copies its linked players);
    not run above 600 000 pairs (its time grows faster than the pairs).
  - `min_cost_flow`: a raw OR-Tools `SimpleMinCostFlow` on every pair (mentee -> mentor ->
    supervisor -> sink, and an "unmatched" arc); expresses seats and supervisor caps, not
    hours.
  - `cp_sat`: a plain CP-SAT model (a Boolean per pair, every limit, one worker, no hint,
    the same time limit as matcher); not run above 600 000 pairs.
- **violations**: every assignment (matcher's too) is checked against every limit; the
  count is the mentors over seats or hours plus the supervisors over their cap. A method
  that ignores a limit (column `ignores`) can reach a higher objective only by breaking it.
- **short %**: how far below matcher's total priority (and score) a method got; negative
  means above, which only a method breaking limits can be.
- Each timed run is its own process; `peak MiB` is that process's maximum resident set
  (imports and the input included). A run is stopped past 8 GiB or its time budget. The
  machine is shared with other work: each JSON file records the load average.
"""


def render(results: Path) -> str:
    """The text of RESULTS.md from the JSON files in ``results``."""
    docs = {p.stem: json.loads(p.read_text()) for p in sorted(results.glob("*.json"))}
    if not docs:
        return "# Benchmark results\n\nNo results yet: run `make bench`.\n"
    from benchmarks.targets import targets_section

    lines = _header(docs) + targets_section(docs) + ["", NOTES]
    for name in (*ORDER, *sorted(set(docs) - set(ORDER))):
        doc = docs.get(name)
        if doc is None and name == "smoke":
            continue  # the test suite's scenario: listed only when its file is here
        lines.append(f"## {name}")
        lines.append("")
        if doc is None:
            lines += ["Not run in this sitting.", ""]
            continue
        lines += [f"{doc['description']}. {doc['repeats']} run(s) per method, solver time "
                  f"limit {doc['time_limit']:g} s, memory budget {doc['memory_budget_gib']:g} "
                  f"GiB per run; {doc['date']}; {_sitting(doc)}.", ""]  # fmt: skip
        if name == "scaling":
            lines += _scaling_section(doc)
        elif name == "orlib":
            lines += _orlib_section(doc)
        else:
            for c in doc["caseloads"]:
                if len(doc["caseloads"]) > 1:
                    lines += [f"**{c['key']}**", ""]
                lines += _caseload_table(c["methods"])
        lines.append("")
    return "\n".join(lines) + "\n"


def write_report(results: Path = HERE / "results") -> list[Path]:
    """Write RESULTS.md (beside the package) and the charts (into ``results``)."""
    from benchmarks.charts import write_charts

    path = HERE / "RESULTS.md"
    path.write_text(render(results))
    return [path, *write_charts(results)]
