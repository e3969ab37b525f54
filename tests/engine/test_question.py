"""Question cleaning: the ASCII shortcut must agree with the general Unicode path."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.engine import normalise_question
from assistant.errors import QuestionError


def _general_path(text: str) -> str:
    """The rule for any text: NFC, then controls and line/paragraph separators become spaces."""
    cleaned = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in unicodedata.normalize("NFC", text)
    )
    return " ".join(cleaned.split())


@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=200))
def test_ascii_questions_are_cleaned_as_the_general_path_cleans_them(text: str) -> None:
    expected = _general_path(text)
    if not expected:
        with pytest.raises(QuestionError):
            normalise_question(text)
    else:
        assert normalise_question(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Where\x00did\x7fhe\x1bstudy?", "Where did he study?"),
        ("  Where\r\n did\the   study? ", "Where did he study?"),
        ("Cafe\u0301 work?\u2028Next", "Caf\u00e9 work? Next"),
    ],
)
def test_controls_and_separators_become_single_spaces(text: str, expected: str) -> None:
    assert normalise_question(text) == expected
