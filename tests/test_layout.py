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

MODULES = sorted(m.name for m in pkgutil.walk_packages(assistant.__path__, "assistant."))


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
    graph = grimp.build_graph("assistant", exclude_type_checking_imports=True)
    assert len(graph.modules) == len(MODULES) + 1  # the whole package was read
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
