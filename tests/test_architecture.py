"""The layers hold (docs/ARCHITECTURE.md, docs/adr/0001-layers.md): an app imports another app
only at the top of a module, where import-linter (`lint-imports`, pyproject) sees it, and no
module imports itself back through others."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import grimp

PACKAGE = Path(__file__).resolve().parent.parent / "zhuanhua"


def _unit(module: str) -> str:
    """The app (or top-level module, e.g. cli) a dotted name belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def _module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported(node: ast.Import | ast.ImportFrom, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = module.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    return [target]


def function_body_imports(paths: list[Path], root: Path = PACKAGE) -> list[str]:
    """`path:line imports module` for every import of another app inside a function body,
    AppConfig.ready() aside (the one place an app may register itself with a lower one)."""
    found = []
    for path in paths:
        module = _module_name(path, root)
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def visit(
            node: ast.AST, function: str | None, path: Path = path, module: str = module
        ) -> None:
            for child in ast.iter_child_nodes(node):
                inner = function
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    inner = child.name
                elif isinstance(child, ast.Import | ast.ImportFrom) and function not in (
                    None,
                    "ready",
                ):
                    for target in _imported(child, module, path.name == "__init__.py"):
                        if target.startswith("zhuanhua.") and _unit(target) != _unit(module):
                            rel = path.relative_to(root.parent)
                            found.append(f"{rel}:{child.lineno} imports {target} in {function}()")
                visit(child, inner)

        visit(tree, None)
    return found


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def test_no_app_imports_another_inside_a_function() -> None:
    assert function_body_imports(_sources()) == []


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    probe = tmp_path / "zhuanhua" / "licensing" / "probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text(
        "from zhuanhua.transfer import models\n\n"
        "def f():\n    from zhuanhua.transfer import models\n    from . import services\n\n"
        "class C:\n    def ready(self):\n        from zhuanhua.transfer import models\n",
        encoding="utf-8",
    )
    found = function_body_imports([probe], root=tmp_path / "zhuanhua")
    assert found == ["zhuanhua/licensing/probe.py:4 imports zhuanhua.transfer in f()"]


def _cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & modules) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for root in sorted(modules):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            recurse = False
            for j in range(i, len(edges[node])):
                nxt = edges[node][j]
                if nxt not in index:
                    work.append((node, j + 1))
                    work.append((nxt, 0))
                    recurse = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if recurse:
                continue
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return groups


def test_the_cycle_finder_sees_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for importer, imported in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")]:
        graph.add_import(importer=importer, imported=imported)
    assert _cycles(graph, set(graph.modules)) == [["p.a", "p.b", "p.c"]]


def test_no_import_cycle_between_modules() -> None:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    graph = grimp.build_graph("zhuanhua", cache_dir=None)
    modules = {m for m in graph.modules if ".migrations" not in m}
    assert _cycles(graph, modules) == []
