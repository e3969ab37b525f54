"""The `assistant` command: import, check, build, ask, match, eval, serve, embed.

Parses, calls, prints.
"""

from __future__ import annotations

import html
import json
import logging
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any, BinaryIO

import click

from assistant.errors import AssistantError, CorpusError
from assistant.index.characters import shown
from assistant.settings import Settings, settings_from_env

# A job description file: 20,000 characters of text at most 4 bytes each.
MAX_JOB_FILE_BYTES = 80_000


def _settings(ctx: click.Context) -> Settings:
    settings: Settings = ctx.obj
    return settings


def _progress(message: str) -> None:
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
        _fail(str(exc))


@cli.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Validate the corpus and list every problem.

    \b
    Example:
      assistant check
    """
    from assistant.index.corpus import load_corpus

    settings = _settings(ctx)
    try:
        corpus = load_corpus(settings.corpus_dir)
    except CorpusError as exc:
        _fail_corpus(exc)
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

    target = corpus_dir or _settings(ctx).corpus_dir
    try:
        written = import_portfolio(list(sources), target, owner, pronouns, force)
    except AssistantError as exc:
        _fail(str(exc))
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
    from assistant.startup import build as build_index
    from assistant.startup import load_embedder

    settings = _settings(ctx)
    try:
        _progress("loading the embedding model")
        manifest = build_index(settings, load_embedder(settings, _progress), _progress, force=force)
    except CorpusError as exc:
        _fail_corpus(exc)
    except AssistantError as exc:
        _fail(str(exc))
    if as_json:
        click.echo(json.dumps(asdict(manifest), indent=2))
    else:
        click.echo(
            f"index {manifest.version}: {manifest.entries} entries, "
            f"{manifest.passages} passages ({manifest.embedded} embedded, {manifest.reused} "
            f"reused) in {manifest.build_seconds:.2f}s"
        )


@cli.command()
@click.argument("question")
@click.option("--session", "session_id", help="Session id, to ask follow-up questions.")
@click.option("--json", "as_json", is_flag=True, help="Print the raw API response.")
@click.pass_context
def ask(ctx: click.Context, question: str, session_id: str | None, as_json: bool) -> None:
    """Answer QUESTION from the portfolio, with numbered sources.

    \b
    Example:
      assistant ask "Where did he study?"
      assistant ask --session s1 "Tell me about the split payment system"
      assistant ask --session s1 "What was its impact?"
    """
    from assistant.startup import open_assistant

    try:
        reply = open_assistant(_settings(ctx), _progress).ask(question, session_id=session_id)
    except AssistantError as exc:
        _fail(str(exc))
    if as_json:
        from assistant.http.responses import chat_response

        click.echo(json.dumps(chat_response(reply, request_id="cli"), indent=2))
        return
    click.echo(reply.answer.answer)
    if reply.answer.citations:
        click.echo("\nSources:")
    for citation in reply.answer.citations:
        click.echo(f"  [{citation.n}] {citation.title} ({citation.section}, {citation.url})")
        click.echo(f'      "{citation.snippet}"')


@cli.command()
@click.argument("job_file", metavar="FILE", type=click.File("rb"))
@click.option("--json", "as_json", is_flag=True, help="Print the raw API response.")
@click.pass_context
def match(ctx: click.Context, job_file: BinaryIO, as_json: bool) -> None:
    """Check a job description (FILE, or - for stdin) against the portfolio.

    Requirement by requirement: evidenced, partial or not found, each with its source.

    \b
    Example:
      assistant match job.txt
      pbpaste | assistant match -
    """
    from assistant.http.validation import Invalid, parse_match_request
    from assistant.startup import open_assistant

    name = getattr(job_file, "name", "<stdin>")
    data = job_file.read(MAX_JOB_FILE_BYTES + 1)
    if len(data) > MAX_JOB_FILE_BYTES:
        _fail(f"{name}: larger than {MAX_JOB_FILE_BYTES:,} bytes; paste the job text only")
    try:
        text = parse_match_request({"job_description": data.decode("utf-8")})
    except UnicodeDecodeError:
        _fail(f"{name}: not UTF-8 text (a PDF or Word file? paste its text instead)")
    except Invalid as exc:
        _fail(f"{name}: job description {exc.errors[0]['message']}")
    try:
        assistant = open_assistant(_settings(ctx), _progress)
        report = assistant.match(text)
    except AssistantError as exc:
        _fail(str(exc))
    if not report.requirements:
        _fail(f"{name}: no requirements found in it")
    if as_json:
        from assistant.http.responses import match_response

        click.echo(json.dumps(match_response(report, assistant.degraded, "cli"), indent=2))
        return
    marks = {"evidenced": "[x]", "partial": "[~]", "not_found": "[ ]"}
    counts = ", ".join(f"{report.count(v)} {v.replace('_', ' ')}" for v in marks)
    click.echo(f"{len(report.requirements)} requirements: {counts}\n")
    for requirement in report.requirements:
        click.echo(f"{marks[requirement.verdict]} {requirement.requirement}")
        click.echo(f"    {requirement.sentence}")
        for citation in requirement.citations:
            click.echo(f"    [{citation.n}] {citation.title} ({citation.section}, {citation.url})")
        if requirement.verdict == "partial" and requirement.missing:
            click.echo(f"    not shown: {', '.join(requirement.missing)}")


@cli.command()
@click.option(
    "--days", type=click.IntRange(min=1), help="Look back this many days [default: all kept]."
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
def report(ctx: click.Context, days: int | None, as_json: bool) -> None:
    """What recruiters asked that the portfolio could not answer, grouped by meaning.

    Questions the assistant abstained on or answered with low confidence, from the question
    log (ASSISTANT_LOG_DAYS), most asked first: the list of what to add to the portfolio.

    \b
    Example:
      assistant report
      assistant report --days 7 --json
    """
    from assistant.errors import ModelError
    from assistant.insights.unanswered import build_report, since_days
    from assistant.startup import load_embedder, open_storage

    settings = _settings(ctx)
    period = min(days or settings.log_days, settings.log_days)
    try:
        entries = open_storage(settings).questions.since(since_days(period))
    except (AssistantError, OSError) as exc:
        _fail(str(exc))
    try:
        embedder = load_embedder(settings) if entries else None
    except ModelError as exc:
        click.echo(f"model unavailable ({exc}); grouping identical questions only", err=True)
        embedder = None
    result = build_report(entries, embedder, period)
    if as_json:
        click.echo(json.dumps(asdict(result), indent=2))
        return
    if not settings.question_log:
        click.echo("note: ASSISTANT_QUESTION_LOG is off; no new questions are being kept", err=True)
    click.echo(
        f"Unanswered questions, last {period} days: {result.unanswered} of {result.logged} asked "
        f"(abstained or low confidence), {len(result.groups)} groups"
    )
    for group in result.groups:
        # Bidi controls written out: they would reorder what the terminal shows.
        click.echo(f"\n{group.count:>4}x  {shown(group.examples[0])}")
        for other in group.examples[1:]:
            click.echo(f"       also: {shown(other)}")
        click.echo(f"       {group.abstained} abstained, last asked {_day(group.last_asked)}")


def _day(timestamp: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")


@cli.command(name="eval")
@click.option(
    "--eval-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("eval"),
    show_default=True,
    help="Folder holding dev.yaml, heldout.yaml, match.yaml and portfolios/.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--verbose", "-v", is_flag=True, help="Show every failing question.")
@click.option(
    "--portfolio",
    "only",
    multiple=True,
    help="Score only this portfolio of portfolios/ (repeatable); the owner's sets are skipped.",
)
@click.option(
    "--without-keywords",
    is_flag=True,
    help="Score a copy of the corpus with every entry's `keywords` removed.",
)
@click.pass_context
def evaluate_command(
    ctx: click.Context,
    eval_dir: Path,
    as_json: bool,
    verbose: bool,
    only: tuple[str, ...],
    without_keywords: bool,
) -> None:
    """Score the assistant on the evaluation set; exit 1 below the target rates.

    The owner's questions (dev.yaml, heldout.yaml), job descriptions for the fit report
    (match.yaml), and other people's portfolios (portfolios/*), each imported first.

    \b
    Example:
      assistant eval --verbose
    """
    from assistant.evaluation.fit import (
        MATCH_TARGETS,
        MatchRates,
        evaluate_matches,
        load_cases,
    )
    from assistant.evaluation.portfolios import (
        evaluate_portfolio,
        load_portfolios,
        meets_targets,
    )
    from assistant.evaluation.questions import SPLITS, TARGETS, evaluate, load_items
    from assistant.startup import load_embedder, open_assistant

    settings = _settings(ctx)
    if without_keywords:
        import dataclasses
        import shutil
        import tempfile

        from assistant.evaluation.questions import copy_without_keywords

        scratch = Path(tempfile.mkdtemp(prefix="eval-without-keywords-"))
        ctx.call_on_close(lambda: shutil.rmtree(scratch, ignore_errors=True))
        removed = copy_without_keywords(settings.corpus_dir, scratch / "corpus")
        _progress(f"scoring a copy of {settings.corpus_dir} without its {removed} keyword lists")
        settings = dataclasses.replace(
            settings, corpus_dir=scratch / "corpus", instance_dir=scratch / "instance"
        )
    try:
        items = [] if only else load_items(eval_dir)
        cases = [] if only else load_cases(eval_dir / "match.yaml")
        portfolios = [p for p in load_portfolios(eval_dir) if not only or p.name in only]
        if only and not portfolios:
            raise AssistantError(f"no portfolio named {', '.join(only)} in {eval_dir}/portfolios")
        embedder = load_embedder(settings, _progress)
        assistant = open_assistant(settings, _progress, embedder=embedder)
        rates = evaluate(assistant, items)
        match_rates = evaluate_matches(assistant, cases)
        portfolio_rates = {}
        portfolio_matches = {}
        for portfolio in portfolios:
            _progress(f"importing and scoring {portfolio.name}")
            scored, matched = evaluate_portfolio(portfolio, embedder)
            portfolio_rates[portfolio.name] = scored
            if portfolio.match_cases:
                portfolio_matches[portfolio.name] = matched
    except (AssistantError, OSError) as exc:
        _fail(str(exc))
    held_out = {p.name for p in portfolios if p.held_out}
    overall = _overall([rates["all"], *portfolio_rates.values()])
    rows = {
        **{f"owner {part}": rates[part] for part in ("all", *SPLITS) if not only},
        **{
            f"{name} (held out)" if name in held_out else name: r
            for name, r in portfolio_rates.items()
        },
        "overall": overall,
    }
    names = list(TARGETS)
    if as_json:
        report: dict[str, Any] = {
            part: {
                **{n: round(r.rate(n), 4) for n in names},
                "covered": r.covered,
                "uncovered": r.uncovered,
                "answered": r.answered,
            }
            for part, r in rows.items()
        }
        match_report = {
            part: {
                **{n: round(r.rate(n), 4) for n in MATCH_TARGETS},
                "requirements": r.expected,
                "found": r.found,
            }
            for part, r in match_rates.items()
        }
        click.echo(
            json.dumps(
                {
                    "targets": TARGETS,
                    "rates": report,
                    "match_targets": MATCH_TARGETS,
                    "match_rates": match_report,
                },
                indent=2,
            )
        )
    else:
        _table(
            [("part", 32), ("questions", 10), ("covered correct", 18),
             ("uncovered abstained", 22), ("grounded", 16)],
            [
                [part, str(r.covered + r.uncovered), _cell(r.covered_correct, r.covered),
                 _cell(r.uncovered_abstained, r.uncovered), _cell(r.grounded, r.answered)]
                for part, r in rows.items()
            ],
        )  # fmt: skip
        click.echo(
            "targets: "
            + ", ".join(f"{n.replace('_', ' ')} >= {t:.0%}" for n, t in TARGETS.items())
            + "; a held-out portfolio: covered >= 90%, uncovered >= 95%"
        )
        if not only:
            _print_match_rates(match_rates)
        if portfolio_matches:
            _print_match_rates({name[:20]: r for name, r in portfolio_matches.items()})
    failing = [(f"owner {o.item.split}", o) for o in rates["all"].failures] + [
        (name, o) for name, r in portfolio_rates.items() for o in r.failures
    ]
    portfolios_ok = all(
        meets_targets(p, portfolio_rates[p.name], portfolio_matches.get(p.name, MatchRates()))
        for p in portfolios
    )
    if verbose or not rates["all"].meets_targets() or not portfolios_ok:
        for part, outcome in failing:
            click.echo(f"FAIL [{part}] {outcome.item.question!r}: {outcome.problem}", err=True)
    if verbose or not match_rates["all"].meets_targets():
        for split in SPLITS:
            for failure in match_rates[split].failures:
                click.echo(f"FAIL [match {split}] {failure}", err=True)
    for name, matched in portfolio_matches.items():
        if verbose or not matched.meets_targets():
            for failure in matched.failures:
                click.echo(f"FAIL [match {name}] {failure}", err=True)
    parts = ("all", *SPLITS)
    owner_ok = all(rates[p].meets_targets() and match_rates[p].meets_targets() for p in parts)
    if not (owner_ok and portfolios_ok):
        sys.exit(1)


def _overall(parts: list[Any]) -> Any:
    from assistant.evaluation.questions import Rates

    total = Rates()
    for rates in parts:
        for name in ("covered", "covered_correct", "uncovered", "uncovered_abstained"):
            setattr(total, name, getattr(total, name) + getattr(rates, name))
        total.answered += rates.answered
        total.grounded += rates.grounded
    return total


def _print_match_rates(match_rates: dict[str, Any]) -> None:
    """One row per part of the fit report's set (or per portfolio)."""
    from assistant.evaluation.fit import MATCH_TARGETS

    click.echo("")
    _table(
        [("fit report", 20), ("verdict correct", 17), ("no false evidence", 20),
         ("boilerplate left out", 23), ("grounded", 14)],
        [
            [part, _cell(r.verdict_correct, r.expected),
             _cell(r.weaker_expected - r.false_evidence, r.weaker_expected),
             _cell(r.boilerplate_excluded, r.boilerplate), _cell(r.grounded, r.cited)]
            for part, r in match_rates.items()
        ],
    )  # fmt: skip
    click.echo(
        "targets: "
        + ", ".join(f"{n.replace('_', ' ')} >= {t:.0%}" for n, t in MATCH_TARGETS.items())
    )


def _table(columns: list[tuple[str, int]], rows: list[list[str]]) -> None:
    """Print a table: the first column left-aligned, the others right-aligned, fixed widths."""
    for cells in [[name for name, _ in columns], *rows]:
        first, *rest = cells
        click.echo(
            f"{first:<{columns[0][1]}}"
            + "".join(
                f"{cell:>{width}}" for cell, (_, width) in zip(rest, columns[1:], strict=True)
            )
        )


def _cell(numerator: int, denominator: int) -> str:
    if not denominator:
        return "-"
    return f"{numerator}/{denominator} {numerator / denominator:.1%}"


@cli.command()
@click.argument("assistant_url")
@click.pass_context
def embed(ctx: click.Context, assistant_url: str) -> None:
    """Print the script tag that embeds the widget, pinned with Subresource Integrity.

    ASSISTANT_URL is where the assistant is served. The owner's site must be listed in
    ASSISTANT_ALLOWED_ORIGINS there.

    \b
    Example:
      assistant embed https://assistant.example.com
    """
    import base64
    import hashlib

    from assistant.errors import CorpusError
    from assistant.http.assets import WEB_DIR, widget_version
    from assistant.index.corpus import load_corpus

    script = (WEB_DIR / "widget.js").read_bytes()
    integrity = "sha384-" + base64.b64encode(hashlib.sha384(script).digest()).decode()
    base = assistant_url.rstrip("/")
    # The launcher's label before the widget is first opened (it fetches nothing until then).
    try:
        owner = load_corpus(_settings(ctx).corpus_dir).site.first_name
        title = f' data-title="Ask about {html.escape(owner)}"'
    except CorpusError:
        title = ""
    click.echo(
        f'<script src="{base}/widget.{widget_version("js")}.js" integrity="{integrity}" '
        f'crossorigin="anonymous" defer{title}></script>'
    )


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 32))
@click.option(
    "--timeout",
    default=30,
    show_default=True,
    type=click.IntRange(1, 600),
    help="Seconds shutdown waits for in-flight requests (and a client has to send its headers).",
)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, timeout: int) -> None:
    """Serve the chat API and page with granian (builds the index first if needed).

    \b
    Example:
      assistant serve --port 8000 --workers 2
    """
    from assistant.http.serving import prepare_metrics_dir
    from assistant.http.serving import serve as run_server

    settings = _settings(ctx)
    # Before the web layer (and so prometheus_client) is imported.
    prepare_metrics_dir(settings.instance_dir / "metrics")
    from assistant.http.observability import configure_json_logging
    from assistant.startup import web_app

    configure_json_logging()
    from assistant.startup import ensure_index_in_child, recover_model

    if settings.embedder == "onnx":
        try:
            ensure_index_in_child(settings)
        except AssistantError as exc:
            logging.getLogger(__name__).error("could not prepare the index: %s", exc)
    app = web_app(settings)
    logging.getLogger(__name__).info("serving on http://%s:%s", host, port)
    run_server(app, host, port, workers, timeout, recover_model)


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _fail_corpus(error: CorpusError) -> None:
    for problem in error.problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(f"{len(error.problems)} problem(s); nothing was built", err=True)
    sys.exit(1)


def main() -> None:
    """Console-script entry point."""
    cli()


if __name__ == "__main__":
    main()
