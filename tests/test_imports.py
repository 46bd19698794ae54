"""The import graph of gapwatch's packages, read from the source with `ast`: no cycles between modules, and the
arrows of docs/architecture.md (the app never imports the jobs or the collectors; the warehouse never imports
the collectors or the jobs; collectors know nothing of the other parts; the shared kernel `gapwatch` imports none).

Every import counts, including those inside functions: a lazy import hides a cycle, it does not remove it.
An import of `a.b.c` is an edge to the module `a.b.c` only (not to its parent package `a.b`), so a package's
`__init__` may list its own submodules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "collectors", "gapwatch", "jobs", "warehouse")

# (importing package, imported package) pairs the architecture forbids.
FORBIDDEN = {
    ("app", "jobs"),
    ("app", "collectors"),
    ("warehouse", "collectors"),
    ("warehouse", "jobs"),
    ("warehouse", "app"),
    ("collectors", "warehouse"),
    ("collectors", "jobs"),
    ("collectors", "app"),
    *(("gapwatch", part) for part in ("app", "collectors", "jobs", "warehouse")),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))}


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The longest known module `name` is or lies in (None: outside gapwatch's packages)."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import sub` imports the module pkg.sub when there is one, else a name of pkg.
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            resolved = _resolve(target, known)
            if resolved is not None and resolved != module:
                found.add(resolved)
    return found


def _graph() -> dict[str, set[str]]:
    known = _modules()
    return {m: _imports(m, p, known) for m, p in known.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return _graph()


def test_the_graph_sees_the_packages(graph: dict[str, set[str]]) -> None:
    assert {m.split(".")[0] for m in graph} == set(PACKAGES)
    assert "warehouse.changes.facts" in graph["warehouse.changes"]  # a package listing its submodules


def test_no_import_cycles(graph: dict[str, set[str]]) -> None:
    assert _cycles(graph) == []


@pytest.mark.parametrize(("importer", "imported"), sorted(FORBIDDEN))
def test_forbidden_arrows(graph: dict[str, set[str]], importer: str, imported: str) -> None:
    wrong = sorted(f"{m} → {t}" for m, targets in graph.items() if m.split(".")[0] == importer
                   for t in targets if t.split(".")[0] == imported)
    assert wrong == [], f"`{importer}` must not import `{imported}`"


def test_a_cycle_is_found() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
