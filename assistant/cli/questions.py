"""Commands that ask: ask, fit (the fit report), report (what went unanswered)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, BinaryIO

import click

from assistant.cli.group import cli, fail, progress, settings_of
from assistant.errors import AssistantError
from assistant.index.characters import shown

if TYPE_CHECKING:
    from assistant.fit.report import Verdict

# A job description file: 20,000 characters of text at most 4 bytes each.
MAX_JOB_FILE_BYTES = 80_000


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
        reply = open_assistant(settings_of(ctx), progress).ask(question, session_id=session_id)
    except AssistantError as exc:
        fail(str(exc))
    if as_json:
        from assistant.http.responses import chat_response

        click.echo(json.dumps(chat_response(reply, request_id="cli"), indent=2))
        return
    if reply.answer.items:
        for item in reply.answer.items:
            click.echo(f"- {item}")
    else:
        click.echo(reply.answer.text)
    if reply.answer.citations:
        click.echo("\nSources:")
    for citation in reply.answer.citations:
        click.echo(f"  [{citation.n}] {citation.title} ({citation.section}, {citation.url})")
        click.echo(f'      "{citation.snippet}"')


@cli.command()
@click.argument("job_file", metavar="FILE", type=click.File("rb"))
@click.option("--json", "as_json", is_flag=True, help="Print the raw API response.")
@click.pass_context
def fit(ctx: click.Context, job_file: BinaryIO, as_json: bool) -> None:
    """The fit report: a job description (FILE, or - for stdin) against the portfolio.

    Requirement by requirement: evidenced, partial or not found, each with its source.

    \b
    Example:
      assistant fit job.txt
      pbpaste | assistant fit -
    """
    from assistant.http.validation import Invalid, parse_fit_request
    from assistant.startup import open_assistant

    name = getattr(job_file, "name", "<stdin>")
    data = job_file.read(MAX_JOB_FILE_BYTES + 1)
    if len(data) > MAX_JOB_FILE_BYTES:
        fail(f"{name}: larger than {MAX_JOB_FILE_BYTES:,} bytes; paste the job text only")
    try:
        text = parse_fit_request({"job_description": data.decode("utf-8")})
    except UnicodeDecodeError:
        fail(f"{name}: not UTF-8 text (a PDF or Word file? paste its text instead)")
    except Invalid as exc:
        fail(f"{name}: job description {exc.errors[0]['message']}")
    try:
        assistant = open_assistant(settings_of(ctx), progress)
        report = assistant.fit_report(text)
    except AssistantError as exc:
        fail(str(exc))
    if not report.requirements:
        fail(f"{name}: no requirements found in it")
    if as_json:
        from assistant.http.responses import fit_response

        click.echo(json.dumps(fit_response(report, assistant.degraded, "cli"), indent=2))
        return
    marks: dict[Verdict, str] = {"evidenced": "[x]", "partial": "[~]", "not_found": "[ ]"}
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

    settings = settings_of(ctx)
    period = min(days or settings.log_days, settings.log_days)
    try:
        entries = open_storage(settings).questions.since(since_days(period))
    except (AssistantError, OSError) as exc:
        fail(str(exc))
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


# The command's earlier name, kept for scripts that use it; not listed in --help.
cli.add_command(
    click.Command("match", callback=fit.callback, params=fit.params, help=fit.help, hidden=True)
)
