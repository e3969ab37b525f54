"""Shared by the importer tests (not a conftest: the suite imports the top-level one by name)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from assistant.cli import cli

PORTFOLIOS = Path(__file__).resolve().parent.parent.parent / "eval" / "portfolios"


def run_import(*args: str) -> Result:
    """`assistant import ARGS...`, as a user runs it."""
    return CliRunner().invoke(cli, ["import", *args], catch_exceptions=False)
