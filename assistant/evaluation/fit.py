"""Score the fit report on eval/match.yaml: job descriptions with each requirement's verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.engine import Assistant
from assistant.errors import AssistantError
from assistant.evaluation.questions import SPLITS
from assistant.fit.report import VERDICTS, RequirementFit

# `assistant eval` exits 1 below these (on the whole set).
# "no_false_evidence": no requirement expected partial or not_found is reported evidenced.
FIT_TARGETS = {
    "verdict_correct": 0.85,
    "no_false_evidence": 1.0,
    "excluded": 1.0,
    "grounded": 1.0,
}


@dataclass(frozen=True)
class Case:
    """One job description and what its report must say."""

    split: str
    name: str
    text: str
    expect: tuple[tuple[str, str], ...]  # (a phrase of the requirement, verdict)
    excluded: tuple[str, ...]


@dataclass
class FitRates:
    """The fit report's figures for one part of the set."""

    expected: int = 0
    found: int = 0
    verdict_correct: int = 0
    weaker_expected: int = 0  # requirements expected partial or not_found
    false_evidence: int = 0  # ... reported evidenced
    boilerplate: int = 0
    boilerplate_excluded: int = 0
    cited: int = 0
    grounded: int = 0
    failures: list[str] = field(default_factory=list)

    def rate(self, name: str) -> float:
        """A named rate as a fraction (1.0 when nothing was measured)."""
        numerator, denominator = {
            "verdict_correct": (self.verdict_correct, self.expected),
            "no_false_evidence": (self.weaker_expected - self.false_evidence, self.weaker_expected),
            "excluded": (self.boilerplate_excluded, self.boilerplate),
            "grounded": (self.grounded, self.cited),
        }[name]
        return numerator / denominator if denominator else 1.0

    def meets_targets(self) -> bool:
        """Whether every rate reaches its target."""
        return all(self.rate(name) >= target for name, target in FIT_TARGETS.items())


def load_cases(path: Path) -> list[Case]:
    """Read the job descriptions, validating each."""
    raw_cases = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [_case(path, number, raw) for number, raw in enumerate(raw_cases, start=1)]


def _case(path: Path, number: int, raw: Any) -> Case:
    where = f"{path}: job description {number}"
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        raise AssistantError(f"{where}: needs a 'text' string")
    if raw.get("part") not in SPLITS:
        raise AssistantError(f"{where}: 'part' must be one of {', '.join(SPLITS)}")
    expect = []
    for item in raw.get("expect") or []:
        if not isinstance(item, dict) or item.get("verdict") not in VERDICTS:
            raise AssistantError(f"{where}: each 'expect' needs a phrase and a verdict")
        expect.append((str(item["phrase"]), str(item["verdict"])))
    if not expect:
        raise AssistantError(f"{where}: needs at least one 'expect'")
    excluded = tuple(str(x) for x in raw.get("excluded") or ())
    return Case(raw["part"], str(raw.get("name") or number), raw["text"], tuple(expect), excluded)


def evaluate_fit_reports(assistant: Assistant, cases: list[Case]) -> dict[str, FitRates]:
    """Rates for the whole set ("all") and for each part."""
    rates = {"all": FitRates(), **{split: FitRates() for split in SPLITS}}
    corpus_texts = _corpus_texts(assistant)
    for case in cases:
        report = assistant.fit_report(case.text)
        for key in ("all", case.split):
            _count(rates[key], case, list(report.requirements), corpus_texts)
    return rates


def _corpus_texts(assistant: Assistant) -> dict[str, str]:
    return {d.uid: d.text for d in assistant.corpus.documents}


def _count(
    rates: FitRates, case: Case, found: list[RequirementFit], corpus: dict[str, str]
) -> None:
    for phrase, verdict in case.expect:
        rates.expected += 1
        weaker = verdict != "evidenced"
        rates.weaker_expected += weaker
        match = next((m for m in found if phrase.lower() in m.requirement.lower()), None)
        if match is None:
            rates.failures.append(f"{case.name}: no requirement contains {phrase!r}")
            continue
        rates.found += 1
        if match.verdict == verdict:
            rates.verdict_correct += 1
        else:
            rates.failures.append(
                f"{case.name}: {match.requirement!r} is {match.verdict}, expected {verdict}"
            )
            rates.false_evidence += weaker and match.verdict == "evidenced"
    for phrase in case.excluded:
        rates.boilerplate += 1
        leaked = [m.requirement for m in found if phrase.lower() in m.requirement.lower()]
        rates.boilerplate_excluded += not leaked
        if leaked:
            rates.failures.append(f"{case.name}: boilerplate {phrase!r} listed: {leaked[0]!r}")
    for match in found:
        for citation in match.citations:
            rates.cited += 1
            quoted = match.sentence.replace(f" [{citation.n}]", "")
            ok = quoted == citation.snippet and citation.snippet in corpus.get(citation.id, "")
            rates.grounded += ok
            if not ok:
                rates.failures.append(f"{case.name}: {match.sentence!r} is not verbatim")
