"""What client text means for matching, and how it is shown to the owner.

Matching folds look-alikes: NFKC turns full-width and other compatibility letters into plain
ones ("Ｋｕｂｅｒｎｅｔｅｓ" -> "Kubernetes"), and format characters (Unicode category Cf:
zero-width spaces and joiners, soft hyphens, bidi controls) are dropped, so they can neither
dodge a check nor make an invisible question look like text. The verbatim text is what is
logged and echoed; where it is shown (the admin page, the terminal), bidi controls are
written out as escapes so that they cannot reorder what the owner reads.
"""

from __future__ import annotations

import unicodedata

# Unicode's bidirectional formatting characters (UAX #9): embeddings, overrides, isolates,
# and the implicit marks.
_BIDI_CONTROLS = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
_SHOWN = {code: f"\\u{code:04x}" for code in _BIDI_CONTROLS}


def fold(text: str) -> str:
    """The text as matched: NFKC, format characters (Cf) dropped."""
    if text.isascii():  # NFKC changes no ASCII text, and ASCII has no format characters
        return text
    return "".join(
        c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) != "Cf"
    )


def has_visible_text(text: str) -> bool:
    """Whether anything but white space, control and format characters is left."""
    return any(not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf") for c in text)


def shown(text: str) -> str:
    """The text with bidi controls written out as escapes (\\u202e), for display."""
    return text if text.isascii() else text.translate(_SHOWN)
