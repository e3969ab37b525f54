"""`assistant eval`: score the assistant on the evaluation sets."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from assistant.cli.group import cli, fail, progress, settings_of
from assistant.errors import AssistantError


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
        FIT_TARGETS,
        FitRates,
        evaluate_fit_reports,
        load_cases,
    )
    from assistant.evaluation.portfolios import (
        evaluate_portfolio,
        load_portfolios,
        meets_targets,
    )
    from assistant.evaluation.questions import SPLITS, TARGETS, evaluate, load_items
    from assistant.evaluation.table import fit_table, overall, question_table
    from assistant.startup import load_embedder, open_assistant

    settings = settings_of(ctx)
    if without_keywords:
        import dataclasses
        import shutil
        import tempfile

        from assistant.evaluation.questions import copy_without_keywords

        scratch = Path(tempfile.mkdtemp(prefix="eval-without-keywords-"))
        ctx.call_on_close(lambda: shutil.rmtree(scratch, ignore_errors=True))
        removed = copy_without_keywords(settings.corpus_dir, scratch / "corpus")
        progress(f"scoring a copy of {settings.corpus_dir} without its {removed} keyword lists")
        settings = dataclasses.replace(
            settings, corpus_dir=scratch / "corpus", instance_dir=scratch / "instance"
        )
    try:
        items = [] if only else load_items(eval_dir)
        cases = [] if only else load_cases(eval_dir / "match.yaml")
        portfolios = [p for p in load_portfolios(eval_dir) if not only or p.name in only]
        if only and not portfolios:
            raise AssistantError(f"no portfolio named {', '.join(only)} in {eval_dir}/portfolios")
        embedder = load_embedder(settings, progress)
        assistant = open_assistant(settings, progress, embedder=embedder)
        rates = evaluate(assistant, items)
        fit_rates = evaluate_fit_reports(assistant, cases)
        portfolio_rates = {}
        portfolio_fits = {}
        for portfolio in portfolios:
            progress(f"importing and scoring {portfolio.name}")
            scored, matched = evaluate_portfolio(portfolio, embedder)
            portfolio_rates[portfolio.name] = scored
            if portfolio.fit_cases:
                portfolio_fits[portfolio.name] = matched
    except (AssistantError, OSError) as exc:
        fail(str(exc))
    held_out = {p.name for p in portfolios if p.held_out}
    overall_rates = overall([rates["all"], *portfolio_rates.values()])
    rows = {
        **{f"owner {part}": rates[part] for part in ("all", *SPLITS) if not only},
        **{
            f"{name} (held out)" if name in held_out else name: r
            for name, r in portfolio_rates.items()
        },
        "overall": overall_rates,
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
        fit_report_rates = {
            part: {
                **{n: round(r.rate(n), 4) for n in FIT_TARGETS},
                "requirements": r.expected,
                "found": r.found,
            }
            for part, r in fit_rates.items()
        }
        click.echo(
            json.dumps(
                {
                    "targets": TARGETS,
                    "rates": report,
                    "match_targets": FIT_TARGETS,
                    "match_rates": fit_report_rates,
                },
                indent=2,
            )
        )
    else:
        for line in question_table(rows):
            click.echo(line)
        if not only:
            for line in fit_table(fit_rates):
                click.echo(line)
        if portfolio_fits:
            for line in fit_table({name[:20]: r for name, r in portfolio_fits.items()}):
                click.echo(line)
    failing = [(f"owner {o.item.split}", o) for o in rates["all"].failures] + [
        (name, o) for name, r in portfolio_rates.items() for o in r.failures
    ]
    portfolios_ok = all(
        meets_targets(p, portfolio_rates[p.name], portfolio_fits.get(p.name, FitRates()))
        for p in portfolios
    )
    if verbose or not rates["all"].meets_targets() or not portfolios_ok:
        for part, outcome in failing:
            click.echo(f"FAIL [{part}] {outcome.item.question!r}: {outcome.problem}", err=True)
    if verbose or not fit_rates["all"].meets_targets():
        for split in SPLITS:
            for failure in fit_rates[split].failures:
                click.echo(f"FAIL [match {split}] {failure}", err=True)
    for name, matched in portfolio_fits.items():
        if verbose or not matched.meets_targets():
            for failure in matched.failures:
                click.echo(f"FAIL [match {name}] {failure}", err=True)
    parts = ("all", *SPLITS)
    owner_ok = all(rates[p].meets_targets() and fit_rates[p].meets_targets() for p in parts)
    if not (owner_ok and portfolios_ok):
        sys.exit(1)
