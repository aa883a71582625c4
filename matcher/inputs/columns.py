"""Vectorised checks of CSV columns, one per field of each record model.

Each check takes a column of cell texts (a polars ``Series`` of ``str``, ``""`` for an
empty cell) and returns the column's values as Python objects, exactly as pydantic would
parse them, or ``None`` when any cell is not *certainly* valid. A check may decline a
valid cell (an unusual but accepted spelling such as ``+5`` or ``1e3``): the loader then
falls back to the per-row pydantic path, which accepts it or names the problem. A check
must never accept what pydantic refuses, nor give a different value; the property tests
in ``tests/inputs/test_columnar.py`` compare both paths.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from matcher import vocab
from matcher.models import fields as f

if TYPE_CHECKING:
    import polars as pl

__all__ = ["COLUMNS", "Column", "row_checks", "tuples"]

#: A column's typed values (null where empty or "no date"), or ``None``: decline.
Check = Callable[["pl.Series"], "pl.Series | None"]

_ID = r"[A-Za-z0-9_.][A-Za-z0-9_.-]{0,63}"
_TOKEN = r"[a-z0-9_]{1,64}"
# Plain decimals only: other forms pydantic accepts (``+1``, ``1e3``, ``.5``) fall back.
_FLOAT = r"^-?[0-9]{1,15}(\.[0-9]{1,15})?$"
_INT = r"^(0|[1-9][0-9]{0,8})$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _given(s: pl.Series) -> pl.Series:
    return s != ""


def _all(mask: pl.Series) -> bool:
    return bool(mask.all())


def _matches(pattern: str) -> Check:
    full = re.compile(pattern)  # fail fast if the pattern is not valid

    def check(s: pl.Series) -> pl.Series | None:
        ok = s.str.contains(full.pattern) | ~_given(s)
        return s.replace("", None) if _all(ok) else None

    return check


def _choice(values: Sequence[str]) -> Check:
    allowed = list(values)

    def check(s: pl.Series) -> pl.Series | None:
        ok = s.is_in(allowed) | ~_given(s)
        return s.replace("", None) if _all(ok) else None

    return check


def _number(lo: float, hi: float, places: int | None = None, whole: bool = False) -> Check:
    pattern = _INT if whole else _FLOAT

    def check(s: pl.Series) -> pl.Series | None:
        import polars as pl

        given = _given(s)
        if not _all(s.str.contains(pattern) | ~given):
            return None
        x = s.replace("", None).cast(pl.Int64 if whole else pl.Float64, strict=False)
        if x.null_count() != int((~given).sum()):
            return None
        v = x.drop_nulls()
        if len(v) and not (v.min() >= lo and v.max() <= hi):  # type: ignore[operator]
            return None
        if places is not None and len(v):
            # As fields.has_decimals: whole in units of 10**-places, within float rounding.
            scaled = v.to_numpy() * 10**places
            import numpy as np

            err = np.abs(scaled - np.round(scaled))
            if not bool(np.all(err <= 1e-9 * np.maximum(1.0, np.abs(scaled)))):
                return None
        return x

    return check


def _date(latest: date) -> Check:
    def check(s: pl.Series) -> pl.Series | None:
        import polars as pl

        given = _given(s)
        if not _all(s.str.contains(_DATE) | ~given):
            return None
        d = s.replace("", None).str.to_date("%Y-%m-%d", strict=False)
        if d.null_count() != int((~given).sum()):
            return None  # not a calendar date
        placeholder = d == f.NO_DATE_PLACEHOLDER
        real = d.filter(~placeholder.fill_null(False))
        if real.drop_nulls().len() and not (
            real.min() >= f.DATE_MIN and real.max() <= latest  # type: ignore[operator]
        ):
            return None
        return d.set(placeholder.fill_null(False), None).cast(pl.Date)

    return check


def _bool(s: pl.Series) -> pl.Series | None:
    low = s.str.to_lowercase()
    if not _all(low.is_in(["true", "false"]) | ~_given(s)):
        return None
    return (low == "true").set(~_given(s), None)


def _list(item: str, max_items: int | None = None) -> Check:
    pattern = f"^(?:{item})(?:;(?:{item}))*$"

    def check(s: pl.Series) -> pl.Series | None:
        given = _given(s)
        if not _all(s.str.contains(pattern) | ~given):
            return None
        if max_items is not None:
            # Items before duplicates are dropped: an upper bound, so never too lenient.
            separators = s.str.count_matches(";", literal=True)
            if bool((separators >= max_items).any()):
                return None
        return s.replace("", None)

    return check


def _words(values: Sequence[str]) -> str:
    return "|".join(re.escape(v) for v in values)


def _text(max_len: int, plain: bool) -> Check:
    def check(s: pl.Series) -> pl.Series | None:
        given = _given(s)
        ok = (s.str.len_chars() <= max_len) & (s.str.strip_chars() == s)
        if plain:
            starts = "^[" + re.escape("".join(f.FORMULA_START)) + "]"
            ok &= ~s.str.contains(starts)
        if not _all(ok | ~given):
            return None
        return s.replace("", None)

    return check


def tuples(cells: pl.Series, default: Any) -> list[Any]:
    """List cells as pydantic makes them: split on ``;``, repeats dropped, in order.

    Cells have passed their column's check (no empty parts, no spaces); an empty cell
    (null) becomes ``default``.
    """
    parts = cells.str.split(";")
    repeats = bool((parts.list.n_unique() != parts.list.len()).any())
    cache: dict[str | None, Any] = {None: default}
    out: list[Any] = []
    append = out.append
    for cell in cells.to_list():  # one dict look-up per row: cells repeat a lot
        t = cache.get(cell, cache)
        if t is cache:
            items = cell.split(";")  # type: ignore[union-attr]
            t = cache[cell] = tuple(dict.fromkeys(items) if repeats else items)
        append(t)
    return out


@dataclass(frozen=True)
class Column:
    """How one field's column is checked; ``is_list``: its cells are ``;``-separated lists."""

    check: Check
    is_list: bool = False


_ID_COL = Column(_matches(f"^{_ID}$"))
_TOKEN_COL = Column(_matches(f"^{_TOKEN}$"))
_LAT = Column(_number(-90, 90))
_LON = Column(_number(-180, 180))
_HOURS = Column(_number(0, f.MAX_HOURS, places=2))
_PRIORITY = Column(_number(0, f.MAX_PRIORITY, places=2))
_DATE_COL = Column(_date(f.DATE_MAX))
_END_COL = Column(_date(f.END_DATE_MAX))
_GOALS = Column(_list(_words(vocab.GOALS)), is_list=True)
_MODES = Column(_list(_words(vocab.CONTACT_MODES)), is_list=True)
_SLOTS = Column(_list(_words(vocab.AVAILABILITY_SLOTS)), is_list=True)
_LANGUAGES = Column(_list(_TOKEN, max_items=20), is_list=True)
_IDS = Column(_list(_ID, max_items=1000), is_list=True)
_STRENGTH = Column(_choice(vocab.STRENGTHS))

_PERSON: dict[str, Column] = {
    "id": _ID_COL,
    "gender": Column(_choice(vocab.GENDERS)),
    "ethnicity": Column(_choice(vocab.ETHNICITIES)),
    "faith": _TOKEN_COL,
    "languages": _LANGUAGES,
    "contact_frequency": Column(_choice(vocab.CONTACT_FREQUENCIES)),
    "contact_modes": _MODES,
    "availability": _SLOTS,
    "lat": _LAT,
    "lon": _LON,
    "region": _TOKEN_COL,
}

#: The check of every field of every model the columnar path reads, by model name.
COLUMNS: dict[str, dict[str, Column]] = {
    "Mentee": {
        **_PERSON,
        "age": Column(_number(10, 120, whole=True)),
        "goals": _GOALS,
        "mentor_gender": Column(_choice(vocab.MENTOR_GENDER_WISHES)),
        "mentor_gender_strength": _STRENGTH,
        "ethnicity_match": _STRENGTH,
        "faith_match": _STRENGTH,
        "lived_experience": _STRENGTH,
        "custody": Column(_choice(vocab.CUSTODY)),
        "prison": _ID_COL,
        "release_date": _DATE_COL,
        "risk": Column(_choice(vocab.RISKS)),
        "support_hours": _HOURS,
        "exclude_mentors": _IDS,
        "priority": _PRIORITY,
    },
    "Mentor": {
        **_PERSON,
        "age": Column(_number(16, 120, whole=True)),
        "lived_experience": Column(_bool),
        "specialisms": _GOALS,
        "max_travel_km": Column(_number(0, f.MAX_TRAVEL_KM)),
        "prisons": _IDS,
        "max_risk": Column(_choice(vocab.RISKS)),
        "mentee_gender": Column(_choice(vocab.MENTEE_GENDER_REQUIREMENTS)),
        "capacity": Column(_number(0, f.MAX_CAPACITY, whole=True)),
        "max_hours": _HOURS,
        "available_until": _DATE_COL,
        "supervisor": _ID_COL,
    },
    "Existing": {
        "mentee_id": _ID_COL,
        "mentor_id": _ID_COL,
        "hours": _HOURS,
        "start_date": _DATE_COL,
        "planned_end": _END_COL,
        "end_date": _END_COL,
        "end_reason": Column(_text(500, plain=False)),
    },
    "Decision": {
        "mentee_id": _ID_COL,
        "mentor_id": _ID_COL,
        "decision": Column(_choice(vocab.DECISIONS)),
        "note": Column(_text(1000, plain=False)),
    },
    "Proposal": {
        "mentee_id": _ID_COL,
        "mentor_id": _ID_COL,
        "status": Column(_choice(vocab.ROW_STATUSES)),
        "planned_end": _END_COL,
        "hours": _HOURS,
    },
    "Supervisor": {
        "id": _ID_COL,
        "capacity": Column(_number(0, f.MAX_SUPERVISOR_CAPACITY, whole=True)),
    },
    "Prison": {
        "code": _ID_COL,
        "name": Column(_text(200, plain=True)),
        "lat": _LAT,
        "lon": _LON,
    },
}


def _mentee_rows(v: dict[str, pl.Series]) -> bool:
    custody = v["custody"] == "custody"
    prison, release = v["prison"].is_not_null(), v["release_date"].is_not_null()
    return _all(pl_when(custody, prison & release, ~prison & ~release))


def _existing_rows(v: dict[str, pl.Series]) -> bool:
    start, end = v["start_date"], v["end_date"]
    for later in (v["planned_end"], end):
        if bool((later < start).fill_null(False).any()):
            return False
    return not bool((v["end_reason"].is_not_null() & end.is_null()).any())


def _proposal_rows(v: dict[str, pl.Series]) -> bool:
    return _all((v["status"] == "unmatched") == v["mentor_id"].is_null())


def pl_when(cond: pl.Series, yes: pl.Series, no: pl.Series) -> pl.Series:
    """Elementwise ``yes if cond else no`` of boolean columns (no nulls)."""
    return (cond & yes) | (~cond & no)


def row_checks(model_name: str) -> Callable[[dict[str, pl.Series]], bool] | None:
    """The model's checks across fields (its model validators), on the parsed columns."""
    return {"Mentee": _mentee_rows, "Existing": _existing_rows, "Proposal": _proposal_rows}.get(
        model_name
    )
