"""Degrees written short are searched in words (assistant.index.abbreviations)."""

from __future__ import annotations

import pytest

from assistant.index.abbreviations import degree_words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("MSc in Biostatistics, University of British Columbia", "master science"),
        ("He earned an MS from the University of Texas", "master science"),
        ("M.Sc. in Physics", "master science"),
        ("PhD in Computational Biology", "doctorate doctoral doctor philosophy"),
        ("MBA, IE Business School; BSc in Industrial Engineering", "master business"),
        ("LLM in International Commercial Law, King's College London", "master laws"),
        ("MPH, London School of Hygiene", "master public health"),
    ],
)
def test_degrees_written_short_are_read_in_words(text: str, words: str) -> None:
    assert degree_words(text).startswith(words)


@pytest.mark.parametrize(
    "text",
    # "MD" is as often a managing director, "MARCH" a month in a CV that shouts.
    ["Ma Long plays table tennis", "latency under 5 ms", "Master", "MD of Acme", "MARCH 2020"],
)
def test_names_units_and_words_are_not_degrees(text: str) -> None:
    assert degree_words(text) == ""
