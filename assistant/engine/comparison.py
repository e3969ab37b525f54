"""Questions that compare ("Which project had the biggest scale?", "the most users").

They are answered over the numbers the entries state, never from the question's adjective:
each count is read with the words that follow it ("1M+ API requests", "4 million monthly
users"), the ones that count what is asked are compared, and the answer says which number
decided. A portfolio that counts something else ("orders" when asked about "users") does not
answer, and the question goes through ordinary retrieval, which may refuse it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from assistant.index.words import STOP_WORDS, keyword_terms, singular

LARGEST = "largest"
SMALLEST = "smallest"

# English superlatives of size, and the word they qualify ("the most users").
_SUPERLATIVE = re.compile(
    r"\b(most|biggest|largest|highest|greatest|widest|fewest|least|smallest|lowest)"
    r"((?:\s+[A-Za-z][A-Za-z-]{0,40}){0,3})",
    re.IGNORECASE,
)
_SMALL = frozenset({"fewest", "least", "smallest", "lowest"})
# Words of size in general rather than of a thing counted: any count answers them.
SCALE_WORDS = frozenset(
    "scale size impact reach volume traffic load throughput usage adoption".split()
)
# A count: "1,800", "1.2 billion", "800K+", "2 million"; not a percentage or an amount of money.
_COUNT = re.compile(
    r"(?<![\w.$€£%])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s?(k|m|bn|million|billion|thousand)\b)?(\+)?(?![\d%]|[,.]\d)",
    re.IGNORECASE,
)
_MULTIPLIERS = {
    "k": 1e3,
    "thousand": 1e3,
    "m": 1e6,
    "million": 1e6,
    "bn": 1e9,
    "billion": 1e9,
}
# What a count of time or a ratio is counted in: durations and "times" are not sizes.
_NOT_COUNTED_THINGS = frozenset(
    """
    ms millisecond milliseconds second seconds sec secs minute minutes min mins hour hours
    day days week weeks month months year years times x percent
    """.split()
)
_UNIT_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
# English ways of saying who uses a thing, right before the count.
_USED_BY = re.compile(r"\b(?:used by|serves|serving|served)\s+(?:about |over )?$", re.IGNORECASE)
# English prepositions that are not stop words: what follows them is not what is counted
# ("100K+ seller enrollments across 8 countries").
_PREPOSITIONS = frozenset("across along among around per via within without toward towards".split())
MAX_UNIT_WORDS = 3


@dataclass(frozen=True)
class Comparison:
    """What a question compares: which way, and the thing counted ("users", or "scale")."""

    direction: str  # LARGEST or SMALLEST
    thing: str  # the word after the superlative, lowercase


@dataclass(frozen=True)
class Count:
    """A number an entry states, with what it counts."""

    value: float
    text: str  # as written, with what it counts: "1M+ API requests"
    unit: tuple[str, ...]  # the words that follow it: ("api", "requests")
    passage_index: int
    # Said of those who use something ("used by 180,000 patients", "serves 2.4 million
    # travellers"): whatever they are called, they are its users.
    users: bool = False


def comparison_asked(question: str) -> Comparison | None:
    """The comparison a question asks for, or None."""
    match = _SUPERLATIVE.search(question)
    if match is None:
        return None
    # The noun phrase after it ends at a function word; its last word is what is compared
    # ("the largest data volume he ...": volume).
    phrase: list[str] = []
    for word in match.group(2).lower().split():
        if word in STOP_WORDS:
            break
        phrase.append(word)
    if not phrase:
        return None
    direction = SMALLEST if match.group(1).lower() in _SMALL else LARGEST
    return Comparison(direction, phrase[-1])


def counts(passages: Iterable[str]) -> list[Count]:
    """The counts a list of sentences states, with what each counts."""
    found: list[Count] = []
    for index, passage in enumerate(passages):
        for match in _COUNT.finditer(passage):
            number, scale, _ = match.groups()
            if scale is None and _is_year(number):
                continue
            unit, end = _unit_after(passage, match.end())
            if not unit or unit[0] in _NOT_COUNTED_THINGS:
                continue
            value = float(number.replace(",", "")) * _MULTIPLIERS.get((scale or "").lower(), 1)
            text = passage[match.start() : end]
            users = _USED_BY.search(passage[max(0, match.start() - 20) : match.start()])
            found.append(Count(value, text, unit, index, users is not None))
    return found


def _is_year(number: str) -> bool:
    return number.isdigit() and len(number) == 4 and 1900 <= int(number) <= 2099


def _unit_after(passage: str, start: int) -> tuple[tuple[str, ...], int]:
    """The words after a number, up to a function word or a punctuation mark."""
    unit: list[str] = []
    end = start
    position = start
    while len(unit) < MAX_UNIT_WORDS:
        gap = passage[position : position + 2]
        if not gap.startswith(" ") and position != start:
            break
        match = _UNIT_WORD.match(passage, position + (1 if gap.startswith(" ") else 0))
        word = match.group(0).lower() if match else ""
        if match is None or word in STOP_WORDS or word in _PREPOSITIONS:
            break
        unit.append(word)
        position = end = match.end()
    return tuple(unit), end


# "How many ...", "how much ...": asks for a number.
_HOW_MANY = re.compile(r"\bhow (?:many|much|big|large|small)\b", re.IGNORECASE)
# Digits, not a year standing alone ("2021" is a date; "2021%" and "2,021" are numbers).
_DIGITS = r"(?<![\w-])(?!(?:19|20)\d\d(?![\d%]|[,.]\d))\d[\d,.]*"
# A number as a sentence may state it: digits or English number words ("nine years", "a
# dozen").
_STATED_NUMBER = re.compile(
    rf"{_DIGITS}|\b(?:one|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|"
    r"hundreds|thousand|thousands|million|millions|billion|dozen|dozens|"
    # Amounts said as parts or multiples ("by a third", "halved", "doubled").
    r"half|halved|third|thirds|quarter|quarters|double|doubled|twice|triple|tripled)\b",
    re.IGNORECASE,
)

# An amount a question gives: digits (not a year) or a word of magnitude ("over a million
# pounds"); not "one" or "two", which ask about a thing ("one of his projects").
_GIVEN_AMOUNT = re.compile(
    rf"{_DIGITS}|\b(?:hundreds?|thousands?|millions?|billions?|dozens?)\b",
    re.IGNORECASE,
)


def asks_how_many(question: str) -> bool:
    """Whether a question asks for a number ("how many citations", "how big is his team")."""
    return _HOW_MANY.search(question) is not None


_COUNTED = re.compile(r"\bhow many\s+([A-Za-z][A-Za-z-]*)", re.IGNORECASE)


def counted_thing(question: str) -> str | None:
    """The word a "how many" question counts ("banks" in "How many banks does she ..."), or None."""
    found = _COUNTED.search(question)
    return found.group(1).lower() if found else None


def gives_an_amount(question: str) -> bool:
    """Whether a question gives an amount ("a team of 10+", "over a million pounds")."""
    return _GIVEN_AMOUNT.search(question) is not None


# A change stated with its size: "by 35%", "from 4.1 to 1.3 seconds", "from 2.1% to 0.6%"
# (not "from 2019 to 2021": years are no amounts).
_CHANGE = re.compile(
    rf"\bby {_DIGITS}|\bfrom {_DIGITS}%?(?: [a-z]+)? to {_DIGITS}"
    r"|\bby (?:a |one |two )?(?:half|third|thirds|quarter|quarters)\b"
    r"|\b(?:halved|doubled|tripled)\b",
    re.I,
)


# A number given as itself, not as a bound ("over 500", "at least 3", "10+").
_BOUND = re.compile(
    r"\b(?:over|above|under|below|more than|less than|fewer than|at least|at most|up to)\s*$",
    re.IGNORECASE,
)
_NUMBER = re.compile(_DIGITS)


def numbers_given(text: str) -> set[str]:
    """The numbers a text gives exactly, as written without separators ("2,000": "2000")."""
    found = set()
    for match in _NUMBER.finditer(text):
        bound = _BOUND.search(text[max(0, match.start() - 20) : match.start()])
        if bound or text[match.end() : match.end() + 1] == "+":
            continue
        found.add(match.group(0).rstrip(".,").replace(",", ""))
    return found


def states_a_change(sentence: str) -> bool:
    """Whether a sentence states a change with its size ("cutting ... by 35%")."""
    return _CHANGE.search(sentence) is not None


def states_a_number(sentence: str) -> bool:
    """Whether a sentence states a number other than a year."""
    return _STATED_NUMBER.search(sentence) is not None


def pick(
    comparison: Comparison,
    entries: list[tuple[int, list[Count]]],
    similar: Callable[[str, str], bool],
) -> tuple[int, Count] | None:
    """The entry (by its key) stating the count that answers, and that count, or None.

    `similar` tells whether a word counted ("riders") is what the question counts ("users").
    """
    thing = comparison.thing
    general = thing in SCALE_WORDS
    thing_stem = keyword_terms(singular(thing))[:1]
    relevant = [
        (key, count)
        for key, found in entries
        for count in found
        if general or _counts_thing(count, thing, thing_stem, similar)
    ]
    if not relevant:
        return None
    if comparison.direction == SMALLEST:
        return min(relevant, key=lambda pair: pair[1].value)
    return max(relevant, key=lambda pair: pair[1].value)


def _counts_thing(
    count: Count, thing: str, thing_stem: list[str], similar: Callable[[str, str], bool]
) -> bool:
    # Any word of it may name the thing ("seller enrollments" counts sellers); the counted
    # noun, the last word ("monthly riders"), may also be another word for it.
    if any(keyword_terms(word)[:1] == thing_stem for word in count.unit):
        return True
    if count.users and (thing_stem == keyword_terms("user") or similar(thing, "users")):
        return True
    return similar(thing, count.unit[-1])
