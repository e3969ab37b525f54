"""Score the assistant on other people's portfolios (eval/portfolios/*), imported as owners would.

Each portfolio folder holds its source file, `portfolio.yaml` (how to import it) and
`questions.yaml`. The source goes through `assistant import` into a temporary folder, with
no hand edits, and gets an index of its own; the same model serves every portfolio.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import AssistantError
from assistant.evaluation.fit import Case, FitRates, evaluate_fit_reports, load_cases
from assistant.evaluation.questions import Item, Rates, count_outcome, load_question_file, run_item
from assistant.importers import import_portfolio
from assistant.index.embedding import Embedder
from assistant.settings import Settings

PORTFOLIOS_DIR = "portfolios"
# A held-out portfolio is never tuned on: its first run is what a new owner would get.
HELD_OUT_TARGETS = {"covered_correct": 0.90, "uncovered_abstained": 0.95}


@dataclass(frozen=True)
class Portfolio:
    """One evaluation portfolio."""

    name: str
    sources: tuple[Path, ...]
    pronouns: str
    owner: str | None
    held_out: bool
    items: tuple[Item, ...]
    fit_cases: tuple[Case, ...] = ()  # job descriptions for the fit report (match.yaml)


def load_portfolios(eval_dir: Path) -> list[Portfolio]:
    """Every portfolio under eval/portfolios, in name order."""
    root = eval_dir / PORTFOLIOS_DIR
    if not root.is_dir():
        return []
    return [_portfolio(folder) for folder in sorted(root.iterdir()) if folder.is_dir()]


def _portfolio(folder: Path) -> Portfolio:
    path = folder / "portfolio.yaml"
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise AssistantError(f"{path}: cannot read it ({exc})") from exc
    if not isinstance(raw, dict) or not raw.get("source"):
        raise AssistantError(f"{path}: needs a 'source' (the file to import)")
    sources = raw["source"] if isinstance(raw["source"], list) else [raw["source"]]
    return Portfolio(
        name=folder.name,
        sources=tuple(folder / str(s) for s in sources),
        pronouns=str(raw.get("pronouns") or "they"),
        owner=raw.get("owner"),
        held_out=bool(raw.get("held_out", False)),
        items=tuple(load_question_file(folder / "questions.yaml", folder.name, False)),
        fit_cases=tuple(load_cases(folder / "match.yaml"))
        if (folder / "match.yaml").is_file()
        else (),
    )


def meets_targets(portfolio: Portfolio, rates: Rates, matches: FitRates) -> bool:
    """Development portfolios meet the usual targets; a held-out one its own."""
    if portfolio.held_out:
        answers = all(rates.rate(n) >= t for n, t in HELD_OUT_TARGETS.items())
    else:
        answers = rates.meets_targets()
    return answers and matches.meets_targets()


def evaluate_portfolio(portfolio: Portfolio, embedder: Embedder) -> tuple[Rates, FitRates]:
    """Import the portfolio into a temporary folder, build its index and score it.

    Its questions, and its fit reports when it has job descriptions (match.yaml).
    """
    from assistant.startup import open_assistant

    with tempfile.TemporaryDirectory(prefix=f"eval-{portfolio.name}-") as work:
        corpus_dir = Path(work) / "corpus"
        import_portfolio(
            [str(s) for s in portfolio.sources], corpus_dir, portfolio.owner, portfolio.pronouns
        )
        settings = Settings(
            corpus_dir=corpus_dir, instance_dir=Path(work) / "instance", question_log=False
        )
        assistant = open_assistant(settings, embedder=embedder)
        rates = Rates()
        for item in portfolio.items:
            outcome = run_item(assistant, item)
            count_outcome(rates, outcome)
        matches = evaluate_fit_reports(assistant, list(portfolio.fit_cases))["all"]
        return rates, matches
