"""Commands on what the server kept for the owner: leads (list, delete) and export."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from assistant.cli.group import cli, fail, settings_of
from assistant.errors import StoreBusy
from assistant.index.characters import shown
from assistant.storage.base import MAX_LEADS, MAX_RATINGS
from assistant.storage.records import lead_record, question_record, rating_record, timestamp


@cli.group()
def leads() -> None:
    """Contact details recruiters left (kept ASSISTANT_LEAD_DAYS days)."""


@leads.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of lines.")
@click.pass_context
def list_leads(ctx: click.Context, as_json: bool) -> None:
    """List the leads, newest first.

    \b
    Example:
      assistant leads list
    """
    from assistant.startup import open_storage

    try:
        kept = open_storage(settings_of(ctx)).leads.newest(MAX_LEADS)
    except StoreBusy as exc:
        fail(str(exc))
    if as_json:
        click.echo(json.dumps({"leads": [lead_record(x, full=True) for x in kept]}, indent=2))
        return
    for lead in kept:
        company = f", {lead.company}" if lead.company else ""
        state = "; notification pending" if lead.pending else ""
        state += "; notification failed" if lead.failed else ""
        click.echo(f"{lead.id}  {timestamp(lead.created)}  {shown(lead.name)}{shown(company)}")
        click.echo(f"    {lead.email}{state}")
        for line in shown(lead.message).splitlines():
            click.echo(f"    | {line}")
    click.echo(f"{len(kept)} lead(s)", err=True)


@leads.command("delete")
@click.argument("lead_id", metavar="ID")
@click.pass_context
def delete_lead(ctx: click.Context, lead_id: str) -> None:
    """Delete the lead ID (and any notification of it not sent yet).

    \b
    Example:
      assistant leads delete 3f0c9a1b5e7d2c48
    """
    from assistant.startup import open_storage

    try:
        deleted = open_storage(settings_of(ctx)).leads.delete(lead_id)
    except StoreBusy as exc:
        fail(str(exc))
    if not deleted:
        fail(f"no lead has the id {lead_id!r}")
    click.echo(f"deleted lead {lead_id}")


@cli.command("export")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output).",
)
@click.pass_context
def export(ctx: click.Context, output: Path | None) -> None:
    """Everything kept for the owner, as JSON: leads, ratings and questions asked.

    \b
    Example:
      assistant export -o portfolio-data.json
    """
    from assistant.startup import open_storage

    settings = settings_of(ctx)
    try:
        storage = open_storage(settings)
        data = {
            "exported": timestamp(time.time()),
            "retention_days": {
                "leads": settings.lead_days,
                "feedback": settings.log_days,
                "questions": settings.log_days,
            },
            "leads": [lead_record(x, full=True) for x in storage.leads.newest(MAX_LEADS)],
            "feedback": [rating_record(x, full=True) for x in storage.ratings.newest(MAX_RATINGS)],
            "questions": [question_record(x) for x in storage.questions.since(0)],
        }
    except StoreBusy as exc:
        fail(str(exc))
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        counts = ", ".join(f"{len(data[k])} {k}" for k in ("leads", "feedback", "questions"))
        click.echo(f"wrote {output}: {counts}", err=True)
