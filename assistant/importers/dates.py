"""Dates as résumés write them: "2017 – 2021", "Mar 2019 – present", a year alone."""

from __future__ import annotations

import re

from assistant.index.corpus import PRESENT

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_PRESENT = re.compile(r"\b(?:present|now|current|today|ongoing)\b", re.I)
# Dates opening a heading, and what follows them ("2021 - present   Head Chef, Ember & Yam").
LEADING_DATES = re.compile(
    r"^((?:[A-Za-z]{3,9}\.? )?(?:19|20)\d\d ?[-–—] ?"
    r"(?:(?:[A-Za-z]{3,9}\.? )?(?:19|20)\d\d|present|now|current|today|ongoing))"
    r"[ ,:|·]+(\S.*)$",
    re.IGNORECASE,
)
# What the parts of a line of dates are set apart by ("Acme · Lyon · 2019 – now").
_LINE_PARTS = re.compile(r"[·•|,;]")


def dates_in(text: str) -> tuple[str | None, str | None, int | None]:
    """Start and end from "2017 – 2021" or "2021–present"; one year alone is the year."""
    years = _YEAR.findall(text[:300])
    ongoing = _PRESENT.search(text[:300]) is not None
    if len(years) >= 2:
        return years[0], years[1], int(years[1])
    if len(years) == 1 and ongoing:
        return years[0], PRESENT, None
    if len(years) == 1:
        return None, None, int(years[0])
    return None, None, None


def undated_parts(line: str) -> list[str]:
    """The parts of a line of dates that give no date ("Norte Appliances", "Monterrey")."""
    parts = (p.strip() for p in _LINE_PARTS.split(line))
    return [p for p in parts if p and not _YEAR.search(p) and not _PRESENT.search(p)]
