"""The kind of place a sentence names, so a question asking for that kind finds it.

"What countries has she worked in?" is answered by "Designs payment integrations for 30 banks
across Kenya, Uganda and Tanzania", though no sentence says "country". The names are ISO
3166's (pycountry, which the JSON Resume importer reads country codes with). As with the words
of abbreviated degrees, the word is searched with the entry, never shown.
"""

from __future__ import annotations

import re
from functools import cache

import pycountry

COUNTRY = "country"


@cache
def _country_names() -> re.Pattern[str]:
    """A search for any country's name, written as names are: capitalised.

    Its short, common and official names, and the name before a comma ("Tanzania, United
    Republic of" is Tanzania).
    """
    names: set[str] = set()
    for country in pycountry.countries:
        for name in (
            country.name,
            *(getattr(country, a, "") for a in ("common_name", "official_name")),
        ):
            if name:
                names.update({name, name.split(",")[0]})
    # Longest first, so that "South Africa" is found whole; literal names only, no nesting:
    # the search is linear in the text.
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})\b")


def place_words(text: str) -> str:
    """The word "country" when `text` names a country, else the empty string."""
    return COUNTRY if _country_names().search(text) else ""


def is_country(name: str) -> bool:
    """Whether `name` is a country's name, whole ("Sweden", "South Korea")."""
    return _country_names().fullmatch(name.strip()) is not None
