"""Commands on the portfolio itself: import, check, build."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from assistant.cli.group import cli, fail, fail_corpus, progress, settings_of
from assistant.errors import AssistantError, CorpusError


@cli.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Validate the corpus and list every problem.

    \b
    Example:
      assistant check
    """
    from assistant.index.corpus import load_corpus

    settings = settings_of(ctx)
    try:
        corpus = load_corpus(settings.corpus_dir)
    except CorpusError as exc:
        fail_corpus(exc)
    sections = len({d.section for d in corpus.documents})
    click.echo(f"{settings.corpus_dir}: {len(corpus.documents)} entries in {sections} sections, OK")


@cli.command(name="import")
@click.argument("sources", metavar="SOURCE...", nargs=-1, required=True)
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path),
    help="Corpus folder to write (default: the assistant's corpus folder).",
)
@click.option("--owner", help="The owner's name, when the source's title is not it.")
@click.option(
    "--pronouns",
    type=click.Choice(["he", "she", "they"]),
    default="they",
    show_default=True,
    help="How answers refer to the owner.",
)
@click.option("--force", is_flag=True, help="Replace the folder, hand edits included.")
@click.pass_context
def import_command(
    ctx: click.Context,
    sources: tuple[str, ...],
    corpus_dir: Path | None,
    owner: str | None,
    pronouns: str,
    force: bool,
) -> None:
    """Write a corpus folder from a résumé or site: JSON Resume, Markdown, HTML, PDF, text, URL.

    Running it again on the same source writes the same files; entries edited by hand are
    kept unless --force is given. Then run `assistant check` and `assistant build`.

    \b
    Examples:
      assistant import resume.json --corpus my-corpus --pronouns she
      assistant import https://example.com/ --corpus my-corpus
    """
    from assistant.importers import import_portfolio

    target = corpus_dir or settings_of(ctx).corpus_dir
    try:
        written = import_portfolio(list(sources), target, owner, pronouns, force)
    except AssistantError as exc:
        fail(str(exc))
    for uid in written.kept:
        click.echo(f"kept your edits: {uid}", err=True)
    entries = f"{written.entries} entr{'y' if written.entries == 1 else 'ies'}"
    sections = f"{written.sections} section{'' if written.sections == 1 else 's'}"
    click.echo(f"{written.directory}: {entries} in {sections}; read them, then `assistant build`")


@cli.command()
@click.option("--force", is_flag=True, help="Rebuild even if the index is up to date.")
@click.option("--json", "as_json", is_flag=True, help="Print the manifest as JSON.")
@click.pass_context
def build(ctx: click.Context, force: bool, as_json: bool) -> None:
    """Validate the corpus and build the index (unchanged entries keep their vectors).

    \b
    Example:
      assistant build
    """
    from assistant.startup import build_index_for, load_embedder

    settings = settings_of(ctx)
    try:
        progress("loading the embedding model")
        manifest = build_index_for(
            settings, load_embedder(settings, progress), progress, force=force
        )
    except CorpusError as exc:
        fail_corpus(exc)
    except AssistantError as exc:
        fail(str(exc))
    if as_json:
        click.echo(json.dumps(asdict(manifest), indent=2))
    else:
        click.echo(
            f"index {manifest.version}: {manifest.entries} entries, "
            f"{manifest.passages} passages ({manifest.embedded} embedded, {manifest.reused} "
            f"reused) in {manifest.build_seconds:.2f}s"
        )
