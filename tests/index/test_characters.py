"""Folding client text for matching, and showing it without bidi tricks."""

from __future__ import annotations

import pytest

from assistant.index.characters import fold, has_visible_text, shown


@pytest.mark.parametrize(
    ("given", "folded"),
    [
        ("plain ascii", "plain ascii"),
        ("Ｋｕｂｅｒｎｅｔｅｓ", "Kubernetes"),
        ("zero\u200bwidth soft\u00adhyphen", "zerowidth softhyphen"),
        ("\u202eevil\u202c", "evil"),
        ("café", "café"),
        ("ﬁle", "file"),
    ],
)
def test_fold(given: str, folded: str) -> None:
    assert fold(given) == folded


@pytest.mark.parametrize(
    ("text", "visible"),
    [("\u200b\u200d\ufeff", False), (" \u2060 \t", False), ("\u202e a", True), ("é", True)],
)
def test_has_visible_text(text: str, visible: bool) -> None:
    assert has_visible_text(text) is visible


def test_visible_means_not_space_control_nor_format_on_every_code_point() -> None:
    import sys
    import unicodedata

    for code in range(sys.maxunicode + 1):
        char = chr(code)
        hidden = char.isspace() or unicodedata.category(char) in ("Cc", "Cf")
        assert has_visible_text(char) is not hidden, hex(code)


def test_shown_writes_bidi_controls_out() -> None:
    assert shown("pay \u202egnp.exe\u202c now") == "pay \\u202egnp.exe\\u202c now"
    assert shown("\u2066x\u2069 \u200f") == "\\u2066x\\u2069 \\u200f"
    assert shown("café \u200b") == "café \u200b"  # only what reorders text is escaped
