"""The package's shape: every module imports, the layers hold, nothing imports itself back."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

import assistant

# Every module but the entry scripts (`python -m assistant.cli` runs the command).
MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(assistant.__path__, "assistant.")
    if not m.name.endswith(".__main__")
)


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports(module: str) -> None:
    # A module moved without its importers fails here first, by name.
    importlib.import_module(module)


def test_the_layers_and_contracts_of_pyproject_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_imports_another_that_imports_it_back() -> None:
    # Imports inside functions count; those for type checking alone do not.
    graph = grimp.build_graph("assistant", exclude_type_checking_imports=True, cache_dir=None)
    assert len(graph.modules) == len(MODULES) + 2  # the whole package and the entry script
    cycles = [
        (importer, imported)
        for importer in sorted(graph.modules)
        for imported in sorted(graph.find_modules_directly_imported_by(importer))
        if graph.find_shortest_chain(importer=imported, imported=importer) is not None
    ]
    assert cycles == []


def test_the_engine_loads_no_web_server_or_terminal_code() -> None:
    # The engine knows nothing of HTTP or the command line; nor does the composition root
    # until it is asked for the web app.
    code = (
        "import sys, assistant.engine, assistant.index.retrieval, assistant.startup; "
        "print(sorted(m for m in ('flask', 'click', 'granian') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


MAX_MODULE_LINES = 400


def test_no_module_is_over_400_lines() -> None:
    # Past that a module does more than one thing; split it by what it does.
    root = Path(assistant.__file__).resolve().parent
    lines = {
        str(path.relative_to(root)): len(path.read_text(encoding="utf-8").splitlines())
        for path in root.rglob("*.py")
    }
    assert {name: n for name, n in lines.items() if n > MAX_MODULE_LINES} == {}
