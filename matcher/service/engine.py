"""The service's calls into the library: validate posted JSON, run a round, a shortlist.

The only module of the service that imports the engine, and only through its public
API (models, ``caseload_from_lists``, ``config_from_dict``, ``match``, ``shortlist``,
``matcher.round``'s writers of matches.csv and result.json, ``matcher.report``'s page).
It imports neither FastAPI nor SQLAlchemy, so the worker processes that run rounds stay
lean.

A posted body is validated exactly as files are: the same checks and the same messages,
each naming the list (``mentees``, ``mentors``, ...), the item (row ``n`` is the list's
``n``-th item, counted from 1 as rows of a JSON file are) and the field.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import matcher
from matcher.config import Config, config_from_dict
from matcher.errors import InputError, MatcherError, RowError
from matcher.inputs.json_rows import DuplicateKeys
from matcher.io import Caseload, caseload_from_lists, records_from_list
from matcher.models import Mentee, Proposal
from matcher.report import render_report
from matcher.round import MatchRow, write_matches_csv, write_result_json

__all__ = [
    "INPUT_KINDS",
    "DigestMismatch",
    "Parent",
    "parse_decisions",
    "RoundInputs",
    "RoundOutputs",
    "ShortlistInputs",
    "config_problems",
    "parse_round",
    "parse_shortlist",
    "problems",
    "run_round",
    "run_shortlist",
]

#: The record lists of a round, as the body's keys (the CLI's file options).
INPUT_KINDS = ("mentees", "mentors", "existing", "supervisors", "prisons")
_ROUND_KEYS = frozenset(INPUT_KINDS) | {"config", "as_of"}
_SHORTLIST_KEYS = frozenset({"mentee", "mentors", "existing", "supervisors", "config", "as_of"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_K = 100


@dataclass(frozen=True)
class RoundInputs:
    """A validated round: its records, config and run date; for a re-solve also the
    decisions (in ``caseload.decisions``) and the rows of the round they were made on."""

    caseload: Caseload
    config: Config
    as_of: date
    previous: tuple[Proposal, ...] = ()

    def records(self) -> dict[str, list[dict[str, Any]]]:
        """The records as JSON-ready lists, by kind (the canonical form that is hashed)."""
        return {
            k: [r.model_dump(mode="json") for r in getattr(self.caseload, k)] for k in INPUT_KINDS
        }

    def decision_triples(self) -> tuple[tuple[str, str, str], ...]:
        """The decisions as (mentee, mentor, decision), without their notes."""
        return tuple((d.mentee_id, d.mentor_id, str(d.decision)) for d in self.caseload.decisions)

    def _records_doc(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "config": self.config.model_dump(mode="json"),
            "records": self.records(),
        }

    def digest(self) -> str:
        """SHA-256 of the records, config and run date in a fixed form: the same inputs
        give the same digest (decisions are stored in their own right, not hashed)."""
        return hashlib.sha256(_dumps(self._records_doc()).encode("utf-8")).hexdigest()

    def canonical(self) -> str:
        """Everything the round needs, as one JSON text (kept under ``--keep-inputs``);
        decisions' notes are left out."""
        doc = self._records_doc()
        doc["decisions"] = [
            {"mentee_id": m, "mentor_id": j, "decision": d} for m, j, d in self.decision_triples()
        ]
        doc["previous"] = [p.model_dump(mode="json") for p in self.previous]
        return _dumps(doc)

    def counts(self) -> dict[str, int]:
        """How many records of each kind (counts only, never values)."""
        return self.caseload.counts()

    @classmethod
    def from_canonical(cls, text: str) -> RoundInputs:
        """Read back :meth:`canonical` (inputs kept under ``--keep-inputs``)."""
        doc = json.loads(text)
        config = config_from_dict(doc["config"])
        as_of = date.fromisoformat(doc["as_of"])
        lists = dict(doc["records"])
        if doc.get("decisions"):
            lists["decisions"] = doc["decisions"]
        caseload = caseload_from_lists(lists, as_of=as_of, config=config)
        previous = records_from_list(
            doc.get("previous", []), Proposal, file="previous", allow_unknown_columns=True
        )
        return cls(caseload, config, as_of, previous)


def _dumps(doc: Any) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class RoundOutputs:
    """What a finished round stores: its summary, solver record and every output text."""

    summary: dict[str, Any]
    solver: dict[str, Any]
    warnings: list[str]
    texts: dict[str, str] = field(repr=False)  # result, matches, matches_csv, report


def _problem(field_name: str, message: str) -> RowError:
    return RowError("body", None, None, field_name, message)


def _object(body: Any, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InputError([RowError("body", None, None, None, "must be a JSON object")])
    if isinstance(body, DuplicateKeys):  # as in a JSON file, a key given twice is refused
        raise InputError([_problem(k, "is given twice") for k in body.duplicates])
    unknown = sorted(k for k in body if k not in allowed)
    if unknown:
        raise InputError([_problem(k, "is not a known field") for k in unknown[:20]])
    return body


def _as_of(value: Any) -> date:
    if value is None:
        return date.today()
    if isinstance(value, str) and _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    shown = json.dumps(value)[:40]
    raise InputError([_problem("as_of", f"must be a date YYYY-MM-DD; got {shown}")])


def _config(value: Any) -> Config:
    if value is None:
        return Config()
    if not isinstance(value, dict):
        raise InputError([_problem("config", "must be a JSON object of the config's TOML keys")])
    return config_from_dict(value, source="config")


def parse_round(body: Any) -> RoundInputs:
    """Validate a posted round.

    Raises
    ------
    InputError, ConfigError
        Every problem, each naming the list, the item and the field.
    """
    data = _object(body, _ROUND_KEYS)
    config = _config(data.get("config"))
    as_of = _as_of(data.get("as_of"))
    # The config's limits and its unknown-column rule apply as they do to files.
    caseload = caseload_from_lists(
        {k: data.get(k) for k in INPUT_KINDS}, as_of=as_of, config=config
    )
    return RoundInputs(caseload, config, as_of)


@dataclass(frozen=True)
class Parent:
    """What the store holds of a done round that decisions are posted on."""

    id: str
    config: dict[str, Any]
    as_of: date
    digest: str
    inputs: str | None  # its canonical inputs, under --keep-inputs
    decisions: tuple[tuple[str, str, str], ...]
    matches_csv: str


class DigestMismatch(MatcherError):
    """Records posted with decisions are not those of the round they are posted on."""


def parse_decisions(body: Any, parent: Parent) -> RoundInputs:
    """Validate decisions posted on a done round: the inputs of its re-solve.

    The round's records come from the store (``--keep-inputs``) or the body, where they
    must be the round's own (the same digest). Decisions the round was itself re-solved
    with carry over, unless a new decision is on the same pair, or a new acceptance is
    for the same mentee. New decisions come first, so that row ``n`` is the ``n``-th
    posted. The round's rows are the re-solve's previous proposals.

    Raises
    ------
    InputError, ConfigError
        Every problem, named as ``matcher match --decisions`` names it.
    DigestMismatch
        The records posted are not the round's.
    """
    data = _object(body, frozenset(INPUT_KINDS) | {"decisions"})
    if "decisions" not in data:
        raise InputError([_problem("decisions", "is required")])
    config = config_from_dict(parent.config)
    posted = any(data.get(k) is not None for k in INPUT_KINDS)
    if parent.inputs is not None and not posted:
        lists: dict[str, Any] = RoundInputs.from_canonical(parent.inputs).records()
    elif not posted:
        raise InputError(
            [
                _problem(
                    "mentees",
                    f"is required: round {parent.id}'s inputs were not kept (the service "
                    "runs without --keep-inputs), so post its records again",
                )
            ]
        )
    else:
        lists = {k: data.get(k) for k in INPUT_KINDS}
        base = RoundInputs(
            caseload_from_lists(lists, as_of=parent.as_of, config=config),
            config,
            parent.as_of,
        )
        if base.digest() != parent.digest:
            raise DigestMismatch(
                f"the records posted are not round {parent.id}'s (their digest differs); "
                "post that round's records, or a new round"
            )
    new = data["decisions"]
    if not isinstance(new, list):
        raise InputError(
            [RowError("decisions", None, None, None, "must hold a JSON list of objects")]
        )
    pairs = {(d.get("mentee_id"), d.get("mentor_id")) for d in new if isinstance(d, dict)}
    accepted = {
        d.get("mentee_id") for d in new if isinstance(d, dict) and d.get("decision") == "accept"
    }
    carried = [
        {"mentee_id": m, "mentor_id": j, "decision": k}
        for m, j, k in parent.decisions
        if (m, j) not in pairs and not (k == "accept" and m in accepted)
    ]
    caseload = caseload_from_lists(
        {**lists, "decisions": [*new, *carried]}, as_of=parent.as_of, config=config
    )
    with tempfile.TemporaryDirectory(prefix="matcher-previous-") as tmp:
        path = Path(tmp) / "matches.csv"
        path.write_text(parent.matches_csv, encoding="utf-8")
        previous = matcher.load_proposals(path)
    return RoundInputs(caseload, config, parent.as_of, previous)


def run_round(inputs: RoundInputs, stage: Callable[[str], None]) -> RoundOutputs:
    """Run one round and render its outputs, as ``matcher match`` writes them.

    ``stage`` is told each stage's name as it starts (``matching``, ``writing``).
    """
    c = inputs.caseload
    stage("matching")
    result = matcher.match(
        c.mentees,
        c.mentors,
        inputs.config,
        existing=c.existing,
        supervisors=c.supervisors,
        prisons=c.prisons,
        as_of=inputs.as_of,
        decisions=c.decisions or None,
        previous=inputs.previous or None,
    )
    stage("writing")
    texts: dict[str, str] = {}
    # Through the CLI's own writers, so that the texts are byte for byte its files.
    with tempfile.TemporaryDirectory(prefix="matcher-round-") as tmp:
        out = Path(tmp)
        write_matches_csv(out / "matches.csv", result)
        write_result_json(out / "result.json", result)
        texts["matches_csv"] = (out / "matches.csv").read_text(encoding="utf-8")
        texts["result"] = (out / "result.json").read_text(encoding="utf-8")
    texts["report"] = render_report(result)
    texts["matches"] = json.dumps([_row(r) for r in result.rows], allow_nan=False)
    doc = json.loads(texts["result"])
    warnings = [*c.warnings, *doc.get("warnings", [])]
    return RoundOutputs(doc["summary"], doc["solver"], warnings, texts)


def _six(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def _row(r: MatchRow) -> dict[str, Any]:
    """One row of matches.csv as JSON (criteria nested; lists as arrays)."""
    return {
        "mentee_id": r.mentee_id,
        "mentor_id": r.mentor_id,
        "status": r.status.value,
        "score": _six(r.score),
        "criteria": {k: _six(v) for k, v in r.criteria.items()},
        "shared_goals": list(r.shared_goals),
        "signpost_goals": list(r.signpost_goals),
        "planned_end": r.planned_end.isoformat() if r.planned_end else None,
        "hours": r.hours,
        "rank": r.rank,
        "candidates": r.candidates,
        "priority": r.priority,
        "reason": r.reason,
    }


@dataclass(frozen=True)
class ShortlistInputs:
    """A validated shortlist request."""

    mentee: Mentee
    caseload: Caseload
    config: Config
    as_of: date
    k: int


def _k(value: Any) -> int:
    if value is None:
        return 5
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= _MAX_K:
        return value
    shown = json.dumps(value)[:40]
    raise InputError([_problem("k", f"must be a whole number from 1 to {_MAX_K}; got {shown}")])


def parse_shortlist(body: Any) -> ShortlistInputs:
    """Validate a posted shortlist request (one ``mentee`` object against ``mentors``).

    Raises
    ------
    InputError, ConfigError
        Every problem, each naming the list, the item and the field.
    """
    data = _object(body, _SHORTLIST_KEYS | {"k"})
    config = _config(data.get("config"))
    as_of, k = _as_of(data.get("as_of")), _k(data.get("k"))
    allow = config.rules.allow_unknown_columns
    errors: list[RowError] = []
    truncated = False
    mentee: Mentee | None = None
    raw = data.get("mentee")
    if not isinstance(raw, dict):
        errors.append(_problem("mentee", "must be a JSON object (one referral)"))
    else:
        try:
            mentee = records_from_list(
                [raw], Mentee, file="mentee", allow_unknown_columns=allow, limits=config.limits
            )[0]
        except InputError as exc:
            errors += exc.errors
            truncated |= exc.truncated
    try:
        caseload = caseload_from_lists(
            {"mentees": [], **{k: data.get(k) for k in ("mentors", "existing", "supervisors")}},
            as_of=as_of,
            config=config,
        )
    except InputError as exc:
        errors += exc.errors
        truncated |= exc.truncated
    if errors:
        raise InputError(errors, truncated)
    assert mentee is not None
    return ShortlistInputs(mentee, caseload, config, as_of, k)


def run_shortlist(inputs: ShortlistInputs) -> dict[str, Any]:
    """The shortlist as JSON: entries best first, or the reason there are none."""
    c = inputs.caseload
    result = matcher.shortlist(
        inputs.mentee,
        c.mentors,
        inputs.config,
        k=inputs.k,
        existing=c.existing,
        as_of=inputs.as_of,
        supervisors=c.supervisors,
    )
    return {
        "mentee_id": result.mentee_id,
        "as_of": inputs.as_of.isoformat(),
        "entries": [
            {
                "mentor_id": e.mentor_id,
                "score": _six(e.score),
                "criteria": {n: _six(v) for n, v in e.criteria.items()},
                "distance_km": round(e.distance_km, 3),
                "reason": e.reason,
            }
            for e in result.entries
        ],
        "reason": result.reason,
        "removed": dict(result.removed),
        "available": result.n_available,
    }


def problems(exc: InputError) -> list[dict[str, Any]]:
    """An InputError's problems as JSON objects (with the CLI's one-line text)."""
    return [
        {
            "file": e.file,
            "row": e.row,
            "id": e.row_id,
            "field": e.field,
            "message": e.message,
            "text": str(e),
        }
        for e in exc.errors
    ]


def config_problems(lines: str) -> list[dict[str, Any]]:
    """A ConfigError's lines as JSON objects (file ``config``)."""
    return [
        {
            "file": "config",
            "row": None,
            "id": None,
            "field": None,
            "message": t.removeprefix("config: "),
            "text": t,
        }
        for t in lines.splitlines()
    ]
