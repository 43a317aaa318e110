"""The package's import graph, built from the source with `ast` (imports inside functions included):
no module imports itself through others, and the layering of pyproject's import-linter contracts holds."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "hurdlelang"
TOP_LEVEL = {"__init__.py", "__main__.py", "api.py"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The package's modules this file imports (a `from pkg import name` of a sub-module counts)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        found |= {n for n in names if n in modules}
    return found


def import_graph() -> dict[str, set[str]]:
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {m: imports_of(p, set(files)) - {m} for m, p in files.items()}
    # importing a sub-module runs its parents' __init__ first, but that is not an edge of the code's design
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

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
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_cycle_in_the_package():
    assert cycles(import_graph()) == []


def test_only_the_api_and_the_entry_points_sit_at_the_top_of_the_package():
    modules = {p.name for p in PACKAGE.glob("*.py")}
    assert modules == TOP_LEVEL
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert {"core", "lang", "record", "report", "data", "metrics", "stats", "judging", "cli"} <= packages


def test_the_import_linter_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_python_m_hurdlelang_is_hurdlec():
    result = subprocess.run([sys.executable, "-m", "hurdlelang", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "hurdlec" in result.stdout.lower() + result.stderr.lower()


def _lint_copy(tmp_path: Path, module: str, line: str) -> subprocess.CompletedProcess:
    """lint-imports on a copy of the package with one import added to one module."""
    import shutil

    shutil.copytree(PACKAGE, tmp_path / "hurdlelang", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "hurdlelang" / module
    target.write_text(line + "\n" + target.read_text(encoding="utf-8"), encoding="utf-8")
    lint = Path(sys.executable).with_name("lint-imports")
    env = {"PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(tmp_path)}
    return subprocess.run([str(lint), "--no-cache"], cwd=tmp_path, capture_output=True, text=True, env=env)


def test_the_contracts_fail_when_lang_imports_numpy(tmp_path):
    result = _lint_copy(tmp_path, "lang/ir.py", "import numpy  # noqa")
    assert result.returncode != 0
    assert "hurdlelang.lang.ir -> numpy" in result.stdout


def test_the_contracts_fail_when_lang_imports_the_judging_layer(tmp_path):
    result = _lint_copy(tmp_path, "lang/parser.py", "import hurdlelang.judging.decide  # noqa")
    assert result.returncode != 0
    assert "hurdlelang.lang is not allowed to import hurdlelang.judging" in result.stdout
