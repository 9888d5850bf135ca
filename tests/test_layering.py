"""The package's layering, read from its own import statements: no import circle between any two
modules (imports inside functions and under TYPE_CHECKING count too), and every import goes down
the layers each subpackage's docstring names (core < runs < analysis < render < engine < widget; lesson sits on core)."""

from __future__ import annotations

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "babygpt_widget"
ROOT = "babygpt_widget"

# room -> the rooms its modules may import (each room may import itself)
MAY_IMPORT = {
    "core": {"core"},
    "analysis": {"core", "runs", "analysis"},
    "runs": {"core", "runs"},
    "lesson": {"core", "lesson"},
    "render": {"core", "analysis", "runs", "render"},
    "engine": {"core", "analysis", "runs", "render", "engine"},
    "widget": {"core", "analysis", "runs", "render", "engine", "lesson", "widget"},
    "package": {"core", "analysis", "runs", "render", "engine", "lesson", "widget", "package"},
}


def module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, pathlib.Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "static" not in p.parts}


def room(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1:] == ["__main__"]:
        return "package"  # babygpt_widget/__init__.py, __main__.py (python -m babygpt_widget)
    if parts[1] in MAY_IMPORT:
        return parts[1]
    raise AssertionError(f"{module} is in no room: put it in one of {sorted(MAY_IMPORT)}")


def imports_of(module: str, path: pathlib.Path, known: set[str]) -> set[str]:
    """The package modules `module` imports, anywhere in its file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # `from .pkg import name`: name may be a module of pkg
            targets = [f"{target}.{a.name}" if f"{target}.{a.name}" in known else target for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:  # `import a.b.c` of a name inside a module
                target = target.rpartition(".")[0]
            if target.startswith(ROOT) and target != module:
                found.add(target)
    return found


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_graph_is_read():
    graph = import_graph()
    # a few arrows that must be there, so an empty graph cannot pass
    assert "babygpt_widget.core.model" in graph["babygpt_widget.core.trainer"]
    assert "babygpt_widget.core.chain" in graph["babygpt_widget.engine"]
    assert "babygpt_widget.engine" in graph["babygpt_widget.widget.widget"]
    assert "babygpt_widget.render.html_export" in graph["babygpt_widget.widget.widget"]


def test_no_import_circle():
    assert circles(import_graph()) == []


def test_every_import_goes_down_the_layers():
    wrong = [f"{src} ({room(src)}) imports {dst} ({room(dst)})"
             for src, targets in import_graph().items() for dst in sorted(targets)
             if room(dst) not in MAY_IMPORT[room(src)]]
    assert wrong == []


@pytest.mark.parametrize("sub", ["core", "analysis", "runs", "render", "lesson", "widget"])
def test_every_subpackage_says_its_job_and_what_it_may_import(sub):
    doc = ast.get_docstring(ast.parse((PACKAGE / sub / "__init__.py").read_text()))
    assert doc and "May import:" in doc


def test_the_check_catches_a_circle_and_an_upward_import():
    graph = {"babygpt_widget.core.a": {"babygpt_widget.core.b"}, "babygpt_widget.core.b": {"babygpt_widget.core.a"},
             "babygpt_widget.engine": set()}
    assert circles(graph) == [["babygpt_widget.core.a", "babygpt_widget.core.b"]]
    assert room("babygpt_widget.widget.play_loop") not in MAY_IMPORT[room("babygpt_widget.core.chain")]
