"""The `assistant` command: import, check, build, ask, fit, eval, serve, embed, leads, export.

Parses, calls, prints. Each module registers its commands on the group.
"""

from __future__ import annotations

from assistant.cli import corpus, evaluate, owner_data, questions, server
from assistant.cli.group import cli

__all__ = ["cli", "corpus", "evaluate", "main", "owner_data", "questions", "server"]


def main() -> None:
    """Console-script entry point."""
    cli()
