"""The kind of place a sentence names (assistant.index.places)."""

from __future__ import annotations

import pytest

from assistant.index.places import place_words


@pytest.mark.parametrize(
    "text",
    [
        "Designs payment integrations for 30 banks across Kenya, Uganda and Tanzania.",
        # A name the standard writes with a comma is found by its first part, and a common
        # name by itself.
        "Grace is based in Dar es Salaam, Tanzania.",
        "Two years in South Korea.",
    ],
)
def test_a_sentence_naming_a_country(text: str) -> None:
    assert place_words(text) == "country"


@pytest.mark.parametrize(
    "text",
    [
        "Designed steel frames for 3 office buildings in the City of London.",
        # Names are written as names: "turkey" in a sentence is a bird.
        "Roasted a turkey for 40 volunteers.",
        "",
    ],
)
def test_a_sentence_naming_no_country(text: str) -> None:
    assert place_words(text) == ""
