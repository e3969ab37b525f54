"""How entries are put in order before quoting, and small tests of what they are.

The sections a question reads like first, the entries a follow-up's previous answer cited,
the sentences stating a number for "how many", an entry linking to a site asked for.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from assistant.engine import comparison
from assistant.index.corpus import Document
from assistant.index.kinds import KINDS
from assistant.index.retrieval import Hit, PassageHit
from assistant.index.words import keyword_terms, singular

# Entries of a section the question asks about lead when they score this close to the best.
ASKED_SECTION_MARGIN = 0.1


# Every kind's list words, singular ("paper", "employer").
_KIND_WORDS = frozenset(singular(w) for kind in KINDS for w in kind.list_words)


def links_to(document: Document, names: set[str]) -> bool:
    """Whether the entry links to a site the names are: "github" to https://github.com/...."""
    hosts = (urlsplit(link).hostname or "" for link in document.links)
    return any(names <= set(keyword_terms(host.replace(".", " "))) for host in hosts)


def names_a_kind(word: str) -> bool:
    """Whether a word names a kind of entry in any of its list words ("paper", "employers")."""
    return singular(word) in _KIND_WORDS


def numbered(
    question: str, ranked: list[tuple[Hit, list[PassageHit]]]
) -> list[tuple[Hit, list[PassageHit]]]:
    """For "how many ..." questions, the entries' sentences that state a number."""
    if not comparison.asks_how_many(question):
        return []
    numbered = [(h, [p for p in ps if comparison.states_a_number(p.text)]) for h, ps in ranked]
    return [(h, ps) for h, ps in numbered if ps]


def asked_first(hits: list[Hit], sections: frozenset[str], keep_first: bool = False) -> list[Hit]:
    """Entries of the sections the question asks about come first.

    Only when they match nearly as well as the best ("Where did she study?": her degrees, not
    her "diary studies"), and not when `keep_first` says the best entries hold the question.
    """
    asked = [h for h in hits if h.chunk.section in sections]
    if keep_first or not asked or asked[0].score < hits[0].score - ASKED_SECTION_MARGIN:
        return hits
    return asked + [h for h in hits if h.chunk.section not in sections]


def prefer(hits: list[Hit], prior_ids: tuple[str, ...]) -> list[Hit]:
    """A follow-up keeps to the entries the previous answer cited when they still match."""
    prior = [h for h in hits if h.chunk.uid in prior_ids]
    if not prior or prior[0].score < hits[0].score - 0.15:
        return hits
    return prior + [h for h in hits if h.chunk.uid not in prior_ids]
