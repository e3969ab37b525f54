"""Where a résumé's header says its owner is: "Bergen, Norway", "... engineer in Turin, Italy"."""

from __future__ import annotations

import re

from assistant.index.places import is_country

# "in" and what follows, to the end of the sentence: a place when it reads as one.
_IN_PLACE = re.compile(r"\bin ([A-Z][^.;:!?·|]*)")


def places_in(text: str) -> list[str]:
    """The places a sentence says someone is in ("... engineer in Turin, Italy")."""
    return [m.group(1).strip() for m in _IN_PLACE.finditer(text) if is_place(m.group(1).strip())]


def closing_place(part: str) -> str | None:
    """The place closing a header part after a comma, if it ends with a country's name.

    "Medicinal chemist, Gothenburg, Sweden": Gothenburg, Sweden. The country tells a place
    from other capitalised names listed so ("Python, Go, Rust").
    """
    names = part.split(", ")
    for start in range(1, len(names)):
        place = ", ".join(names[start:])
        if is_place(place) and is_country(names[-1]):
            return place
    return None


def is_place(part: str) -> bool:
    """Whether a header part reads as a place: capitalised names joined by commas."""
    names = part.split(", ")
    return 2 <= len(names) <= 4 and all(
        1 <= len(name.split()) <= 4
        and all(
            w[:1].isupper() and w.replace(".", "").replace("-", "").isalpha() for w in name.split()
        )
        for name in names
    )
