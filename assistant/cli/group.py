"""The `assistant` command group, its shared options and its ways of failing."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from assistant.errors import CorpusError
from assistant.settings import Settings, settings_from_env


def settings_of(ctx: click.Context) -> Settings:
    """The settings the group read from its options and the environment."""
    settings: Settings = ctx.obj
    return settings


def progress(message: str) -> None:
    """Report progress on stderr (stdout stays the command's output)."""
    click.echo(message, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path),
    help="Corpus folder (default: corpus, or $ASSISTANT_CORPUS_DIR).",
)
@click.option(
    "--instance",
    "instance_dir",
    type=click.Path(path_type=Path),
    help="State folder for the index and database (default: instance).",
)
@click.pass_context
def cli(ctx: click.Context, corpus_dir: Path | None, instance_dir: Path | None) -> None:
    """A portfolio's chat assistant: grounded, cited answers from the owner's own content.

    \b
    Example:
      assistant build && assistant ask "Where did he study?"
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        ctx.obj = settings_from_env(os.environ, corpus_dir=corpus_dir, instance_dir=instance_dir)
    except ValueError as exc:
        fail(str(exc))


def fail(message: str) -> None:
    """Print the error and exit 1."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def fail_corpus(error: CorpusError) -> None:
    """Print every problem of an invalid corpus and exit 1."""
    for problem in error.problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(f"{len(error.problems)} problem(s); nothing was built", err=True)
    sys.exit(1)
