"""The `assistant` command: import, check, build, ask, match, eval, serve, embed.

Parses, calls, prints. Each module registers its commands on the group.
"""

from __future__ import annotations

from assistant.cli import corpus, evaluate, questions, server
from assistant.cli.group import cli

__all__ = ["cli", "corpus", "evaluate", "main", "questions", "server"]


def main() -> None:
    """Console-script entry point."""
    cli()
