"""The tables `assistant eval` prints: one printer for the question sets and the fit report."""

from __future__ import annotations

from assistant.evaluation.fit import FIT_TARGETS, FitRates
from assistant.evaluation.questions import TARGETS, Rates


def overall(parts: list[Rates]) -> Rates:
    """The rates of several parts added up."""
    total = Rates()
    for rates in parts:
        for name in ("covered", "covered_correct", "uncovered", "uncovered_abstained"):
            setattr(total, name, getattr(total, name) + getattr(rates, name))
        total.answered += rates.answered
        total.grounded += rates.grounded
    return total


def question_table(rows: dict[str, Rates]) -> list[str]:
    """One row per part of the question sets (or per portfolio), then the targets."""
    return [
        *table(
            [
                ("part", 32),
                ("questions", 10),
                ("covered correct", 18),
                ("uncovered abstained", 22),
                ("grounded", 16),
            ],
            [
                [
                    part,
                    str(r.covered + r.uncovered),
                    cell(r.covered_correct, r.covered),
                    cell(r.uncovered_abstained, r.uncovered),
                    cell(r.grounded, r.answered),
                ]
                for part, r in rows.items()
            ],
        ),  # fmt: skip
        "targets: "
        + ", ".join(f"{n.replace('_', ' ')} >= {t:.0%}" for n, t in TARGETS.items())
        + "; a held-out portfolio: covered >= 90%, uncovered >= 95%",
    ]


def fit_table(fit_rates: dict[str, FitRates]) -> list[str]:
    """One row per part of the fit report's set (or per portfolio), then the targets."""
    return [
        "",
        *table(
            [
                ("fit report", 20),
                ("verdict correct", 17),
                ("no false evidence", 20),
                ("boilerplate left out", 23),
                ("grounded", 14),
            ],
            [
                [
                    part,
                    cell(r.verdict_correct, r.expected),
                    cell(r.weaker_expected - r.false_evidence, r.weaker_expected),
                    cell(r.boilerplate_excluded, r.boilerplate),
                    cell(r.grounded, r.cited),
                ]
                for part, r in fit_rates.items()
            ],
        ),  # fmt: skip
        "targets: "
        + ", ".join(f"{n.replace('_', ' ')} >= {t:.0%}" for n, t in FIT_TARGETS.items()),
    ]


def table(columns: list[tuple[str, int]], rows: list[list[str]]) -> list[str]:
    """A table's lines: the first column left-aligned, the others right-aligned, fixed widths."""
    return [
        f"{first:<{columns[0][1]}}"
        + "".join(f"{text:>{width}}" for text, (_, width) in zip(rest, columns[1:], strict=True))
        for first, *rest in [[name for name, _ in columns], *rows]
    ]


def cell(numerator: int, denominator: int) -> str:
    """A count and its share ("7/8 87.5%"), or "-" when there is nothing to count."""
    if not denominator:
        return "-"
    return f"{numerator}/{denominator} {numerator / denominator:.1%}"
