"""The package's stages depend one way: no import cycle anywhere in matcher/.

Imports are read from the source, not executed: every import a module runs (also inside
functions), and separately those only type checkers see (``if TYPE_CHECKING:``).
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


def _typing_only(tree: ast.Module) -> set[int]:
    """Ids of the nodes under ``if TYPE_CHECKING:``."""
    out: set[int] = set()
    for node in ast.walk(tree):
        test = node.test if isinstance(node, ast.If) else None
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            out.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return out


def _imports(name: str, path: Path, typing: bool) -> set[str]:
    """The matcher modules ``name`` imports, with the packages Python runs on the way.

    With ``typing``, also the imports only type checkers see.
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set() if typing else _typing_only(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
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


RUNTIME = {name: _imports(name, path, typing=False) for name, path in MODULES.items()}
TYPED = {name: _imports(name, path, typing=True) for name, path in MODULES.items()}


def _reach(start: str, graph: dict[str, set[str]] = RUNTIME) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_no_import_cycle() -> None:
    cycles = sorted(name for name in RUNTIME if name in _reach(name))
    assert cycles == []


def test_stages_import_one_way() -> None:
    """Explanations know nothing of the round's value; the round nothing of its readers.

    Type-only imports count too: these stages have no reason for any.
    """
    stage = {p: {m for m in MODULES if m.startswith(f"matcher.{p}")}
             for p in ("explain", "round", "report")}  # fmt: skip
    later = stage["report"] | {"matcher.cli", "matcher.demo"}
    assert all(stage.values())
    for m in stage["explain"] | stage["round"] | stage["report"]:
        assert m not in _reach(m, TYPED), m
    for m in stage["explain"]:
        assert not _reach(m, TYPED) & (stage["round"] | later), m
    for m in stage["round"]:
        assert not _reach(m, TYPED) & later, m
