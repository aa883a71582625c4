"""Explanations, the round and its readers depend one way, type-only imports included.

(``tests/test_layout.py`` checks that no import cycle exists anywhere at run time; this
also counts imports inside functions and those only type checkers see.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import matcher

ROOT = Path(matcher.__file__).parent


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(ROOT.rglob("*.py")):
        parts = ["matcher", *path.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every matcher module ``name`` imports (anywhere in it), with the packages on the way."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            # ``from matcher import vocab`` imports the module matcher.vocab.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base
                       for a in node.names]  # fmt: skip
        else:
            continue
        for target in targets:
            if target not in MODULES or target == name:
                continue
            found.add(target)
            # Importing a.b.c runs a and a.b first, unless the importer is inside them.
            parts = target.split(".")
            for k in range(1, len(parts)):
                parent = ".".join(parts[:k])
                if not (name == parent or name.startswith(parent + ".")):
                    found.add(parent)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _reach(start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in GRAPH[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_stages_import_one_way() -> None:
    """Explanations know nothing of the round's value; the round nothing of its readers.

    Type-only imports count too: these stages have no reason for any.
    """
    stage = {p: {m for m in MODULES if m.startswith(f"matcher.{p}")}
             for p in ("explain", "round", "report")}  # fmt: skip
    later = stage["report"] | {"matcher.cli", "matcher.demo"}
    assert all(stage.values())
    for m in stage["explain"] | stage["round"] | stage["report"]:
        assert m not in _reach(m), m
    for m in stage["explain"]:
        assert not _reach(m) & (stage["round"] | later), m
    for m in stage["round"]:
        assert not _reach(m) & later, m
