"""Comparisons over the numbers entries state (assistant.engine.comparison)."""

from __future__ import annotations

import pytest

from assistant.engine.comparison import (
    LARGEST,
    SMALLEST,
    Comparison,
    asks_how_many,
    comparison_asked,
    counted_thing,
    counts,
    gives_an_amount,
    numbers_given,
    pick,
    states_a_change,
    states_a_number,
)


def test_what_a_question_compares() -> None:
    assert comparison_asked("Which of his projects had the biggest scale?") == Comparison(
        LARGEST, "scale"
    )
    # The noun phrase's last word, up to a function word.
    assert comparison_asked("What is the largest data volume he has handled?") == Comparison(
        LARGEST, "volume"
    )
    assert comparison_asked("which team had the fewest incidents") == Comparison(
        SMALLEST, "incidents"
    )
    assert comparison_asked("Where did he work before Amazon?") is None
    assert comparison_asked("What does he like most?") is None


def test_counts_with_what_they_count() -> None:
    stated = counts(
        [
            "The engine handles 1M+ API requests a day at 99% uptime.",
            "Doubled the basket from $30 to $60 in 2023.",
            "Scaled to 100K+ seller enrollments across 8 countries.",
            "Loads 1.2 billion order events a year for 1,800 delivery vans.",
            "Cut feature freshness from 24 hours to 90 seconds.",
        ]
    )
    found = [(c.value, c.text, c.passage_index) for c in stated]
    # Percentages, money, years and durations are not counts of things.
    assert found == [
        (1e6, "1M+ API requests", 0),
        (1e5, "100K+ seller enrollments", 2),
        (8, "8 countries", 2),
        (1.2e9, "1.2 billion order events", 3),
        (1800, "1,800 delivery vans", 3),
    ]


def _never_similar(asked: str, counted: str) -> bool:
    return False


def test_pick_compares_only_counts_of_the_thing_asked() -> None:
    entries = [
        (0, counts(["Used by 4 million monthly users."])),
        (1, counts(["Loads 1.2 billion order events."])),
        (2, counts(["Runs a meetup for 80 users of dbt."])),
    ]
    users = pick(Comparison(LARGEST, "users"), entries, _never_similar)
    assert users is not None and users[0] == 0 and users[1].text == "4 million monthly users"
    fewest = pick(Comparison(SMALLEST, "users"), entries, _never_similar)
    assert fewest is not None and fewest[0] == 2
    # A word of size in general compares every count.
    scale = pick(Comparison(LARGEST, "scale"), entries, _never_similar)
    assert scale is not None and scale[0] == 1
    # Nothing counts stores; another word for users counts when the model says so.
    assert pick(Comparison(LARGEST, "stores"), entries, _never_similar) is None
    riders = [(0, counts(["Used by 120,000 monthly riders."]))]
    assert pick(Comparison(LARGEST, "users"), riders, lambda a, b: b == "riders") is not None


def test_sentences_that_state_a_number() -> None:
    assert asks_how_many("how many citations does CellDrift have")
    assert asks_how_many("How much revenue did it unlock?")
    assert asks_how_many("How big is his team?")
    assert not asks_how_many("How long was he at Koszyk?")  # from the dates instead
    assert states_a_number("It has been cited 210 times.")
    assert states_a_number("Product manager with nine years in logistics.")
    # A year is a date, not a number stated about the thing.
    assert not states_a_number('"CellDrift." Nature Methods, 2023.')
    assert not states_a_number("Business Analyst, Transportes Levante (2015 - 2018).")


def test_amounts_a_question_gives() -> None:
    assert gives_an_amount("Has he managed a budget of over a million pounds?")
    assert gives_an_amount("Has she led a team of 10+ engineers?")
    assert gives_an_amount("Does he have thousands of users?")
    # A year, "one" or "two" ask about a time or a thing, not an amount.
    assert not gives_an_amount("Has he worked in Berlin since 2019?")
    assert not gives_an_amount("Has she built one of the apps alone?")


def test_who_uses_a_thing_are_its_users_whatever_they_are_called() -> None:
    entries = [
        (0, counts(["Used by 180,000 patients."])),
        (1, counts(["The app serves 2.4 million monthly travellers."])),
        (2, counts(["The design system was adopted by 40 product teams across 9 countries."])),
    ]
    users = pick(Comparison(LARGEST, "users"), entries, _never_similar)
    assert users is not None and users[0] == 1
    assert users[1].text == "2.4 million monthly travellers"
    fewest = pick(Comparison(SMALLEST, "users"), entries, _never_similar)
    assert fewest is not None and fewest[0] == 0


def test_sentences_that_state_a_change_with_its_size() -> None:
    assert states_a_change("Rewrote the API reference, cutting support tickets by 35%.")
    assert states_a_change("cutting page load time from 4.1 to 1.3 seconds")
    assert states_a_change("Cut the card payment failure rate from 2.1% to 0.6%")
    assert not states_a_change("Worked there from 2019 to 2021.")
    assert not states_a_change("Leads a team of 5 engineers.")
    # A size said in words.
    assert states_a_change("Cut food waste by a third by moving to whole-animal butchery.")
    assert states_a_change("Doubled the average basket size.")
    assert not states_a_change("Ran the pastry section for two years.")


def test_the_thing_a_how_many_question_counts() -> None:
    assert counted_thing("How many banks does she work with?") == "banks"
    assert counted_thing("how many years of experience") == "years"
    assert counted_thing("How big is his team?") is None


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Has she run phase 3 trials?", {"3"}),
        ("Has he served 2,000 requests per second?", {"2000"}),
        # Bounds and years are no numbers given exactly.
        ("Has she made over 500 compounds?", set()),
        ("Does he lead a team of 10+?", set()),
        ("Did she join in 2021?", set()),
    ],
)
def test_the_numbers_a_question_gives_exactly(text: str, numbers: set[str]) -> None:
    assert numbers_given(text) == numbers
