"""The field reference (docs/fields.md), generated from the models."""

from __future__ import annotations

from typing import Any

from matcher.models.fields import (
    DATE_MAX,
    DATE_MIN,
    ID_PATTERN,
    NO_DATE_PLACEHOLDER,
    SENSITIVE_FIELDS,
)
from matcher.models.records import MODELS

__all__ = ["field_reference"]


def _schema_text(prop: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in prop:
        prop = defs[prop["$ref"].split("/")[-1]]
    if "latest" in prop:  # a computed end: its own latest date
        return f"date {DATE_MIN.isoformat()} … {prop['latest']}"
    if "anyOf" in prop:
        parts = [p for p in prop["anyOf"] if p.get("type") != "null"]
        return _schema_text(parts[0], defs) if parts else "empty"
    if "enum" in prop:
        vals = prop["enum"]
        if len(vals) > 10:
            return "availability slot `mon_am` … `sun_eve`"
        return "one of " + ", ".join(f"`{v}`" for v in vals)
    if prop.get("type") == "array":
        sizes = [f"{op} {prop[k]} items" for k, op in (("minItems", ">="), ("maxItems", "<="))
                 if k in prop]  # fmt: skip
        text = "list of " + _schema_text(prop.get("items", {}), defs)
        return text + (f" ({', '.join(sizes)})" if sizes else "")
    if prop.get("format") == "date":
        return f"date {DATE_MIN.isoformat()} … {DATE_MAX.isoformat()}"
    if "pattern" in prop:
        return "id" if prop["pattern"] == ID_PATTERN else "lowercase token"
    text = {"number": "number", "integer": "integer", "string": "text", "boolean": "boolean"}.get(
        prop.get("type", ""), "value"
    )
    bounds = [
        f"{op} {_plain(prop[k])}"
        for keys, op in (
            (("minimum", "ge"), ">="),
            (("maximum", "le"), "<="),
            (("maxLength",), "chars <="),
        )
        for k in keys
        if k in prop
    ]
    if "decimals" in prop:
        bounds.append(f"{prop['decimals']} decimals")
    return text + (f" ({', '.join(bounds)})" if bounds else "")


def _plain(x: Any) -> Any:
    return int(x) if isinstance(x, float) and x.is_integer() else x


def field_reference() -> str:
    """Render the field reference (``docs/fields.md``) from the models.

    Returns
    -------
    str
        Markdown text; a test checks the committed file equals it.
    """
    from matcher import vocab

    lines = [
        "# Field reference",
        "",
        "Generated from `matcher/models.py` and `matcher/vocab.py` by",
        "`python -m matcher.models > docs/fields.md`; a test keeps it in step.",
        "",
        "CSV: UTF-8 (a BOM is allowed), LF or CRLF, one header row. List fields are",
        "`;`-separated (empty parts are dropped). An empty cell means *not given*: the",
        "default applies, or it is an error for a required field (an empty list too).",
        f"Dates are `YYYY-MM-DD` from {DATE_MIN.isoformat()} to {DATE_MAX.isoformat()};",
        f"`{NO_DATE_PLACEHOLDER.isoformat()}` means no date. Booleans are `true` or `false`",
        "(any case); numbers are plain decimals such as `2`, `1.5` or `1e3`.",
        "JSON: a list of objects with the same keys (lists as arrays, or `;` strings);",
        "a key given twice in one object is an error.",
        "Row numbers in messages count data rows: not the header, not blank lines (when",
        "they differ, the message also gives the file's line). Limits on file size and",
        "rows, and how outputs are kept safe: `docs/limits.md`.",
        "",
    ]
    for kind, model in MODELS.items():
        lines += [f"## {kind}", "", (model.__doc__ or "").strip().splitlines()[0], ""]
        lines += ["| field | required | type | default | meaning |", "|---|---|---|---|---|"]
        schema = model.model_json_schema()
        props, defs = schema["properties"], schema.get("$defs", {})
        for name, info in model.model_fields.items():
            required = "yes" if info.is_required() else "no"
            default = info.default
            if info.is_required() or default is None:
                shown = ""
            elif isinstance(default, tuple):
                shown = "`" + ";".join(default) + "`" if default else "empty list"
            else:
                shown = f"`{str(default).lower()}`"
            typ = _schema_text(props[name], defs)
            lines.append(f"| `{name}` | {required} | {typ} | {shown} | {info.description} |")
        lines.append("")
    lines += [
        "## Vocabularies",
        "",
        f"- gender: {', '.join(vocab.GENDERS)}",
        f"- ethnicity: {', '.join(vocab.ETHNICITIES)}",
        f"- goals and specialisms: {', '.join(vocab.GOALS)}",
        f"- preference strength: {', '.join(vocab.STRENGTHS)}",
        f"- risk: {', '.join(vocab.RISKS)}",
        f"- contact frequency: {', '.join(vocab.CONTACT_FREQUENCIES)}",
        f"- contact modes: {', '.join(vocab.CONTACT_MODES)}",
        f"- availability slots: {', '.join(vocab.AVAILABILITY_SLOTS)}",
        "",
        "Special-category fields, whose values never appear in messages or logs: "
        + ", ".join(f"`{f}`" for f in sorted(SENSITIVE_FIELDS))
        + ".",
        "",
    ]
    return "\n".join(lines)
