"""The house's layers (pyproject.toml [tool.importlinter]): the contracts hold, they catch a forbidden import, and no
two modules of the server import each other, even through imports inside functions."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the `server` package under `root` with root's pyproject.toml."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_layer_contracts_hold(root):
    result = lint_imports(root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("records/merge.py", "from ..sync import push", "server.records is not allowed to import server.sync"),
        (
            "schemas/fields.py",
            "from ..workflow import accounts",
            "server.schemas is not allowed to import server.workflow",
        ),
        ("documents/parts.py", "from ..routes import forms", "server.documents is not allowed to import server.routes"),
        ("storage.py", "from .models import Blob", "server.storage is not allowed to import server.models"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(root, tmp_path, module, line, broken):
    """A copy of the server with one import that goes up the layers (inside a function, where a loop would hide):
    lint-imports fails and names it."""
    shutil.copytree(root / "server", tmp_path / "server", ignore=shutil.ignore_patterns("__pycache__", "translations"))
    shutil.copy(root / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "server" / module
    target.write_text(target.read_text() + f"\n\ndef _sneaky():\n    {line}  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert broken in result.stdout, result.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), i.e. modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_two_modules_import_each_other(root, monkeypatch):
    monkeypatch.syspath_prepend(str(root))
    graph = grimp.build_graph("server", cache_dir=None)
    assert len(graph.modules) > 50
    assert _cycles(graph) == []
