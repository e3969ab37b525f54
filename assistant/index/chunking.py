"""Split corpus documents into chunks (one per entry) and passages (one per sentence).

An entry is the unit that is retrieved and cited; a sentence is the unit that is quoted. The
corpus is written so each sentence stands alone, which lets an answer quote it verbatim.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from assistant.index.abbreviations import degree_words
from assistant.index.corpus import Corpus, Document, split_sentences
from assistant.index.places import place_words

# Bump when the chunk or passage text changes shape, so old indexes count as stale.
CHUNKER_VERSION = 4


@dataclass(frozen=True)
class Chunk:
    """One corpus entry, ready to embed and to search by keyword."""

    uid: str
    section: str
    title: str
    passages: tuple[str, ...]
    embed_text: str
    keyword_text: str


def chunk_document(document: Document, section_label: str = "") -> Chunk:
    """Make the chunk for one entry; its section's label says what kind of entry it is.

    "Interests" or "Education" is often the only word that tells what an entry is about
    ("Cycling and board games"), so the label is searched and embedded with the entry.
    """
    passages = tuple(split_sentences(document.text))
    extra = [document.org or "", *document.tags, *document.keywords, *document.metrics]
    heading = f"{section_label}: {document.title}" if section_label else document.title
    return Chunk(
        uid=document.uid,
        section=document.section,
        title=document.title,
        passages=passages,
        embed_text=f"{heading}. {document.text}",
        keyword_text=" ".join(
            [
                section_label,
                document.title,
                document.text,
                degree_words(document.text),
                place_words(document.text),
                *extra,
            ]
        ),
    )


def chunk_corpus(corpus: Corpus) -> list[Chunk]:
    """Make the chunks for every entry, in corpus order."""
    sections = corpus.site.sections
    return [chunk_document(d, sections[d.section].label) for d in corpus.documents]


def passage_embed_text(chunk: Chunk, passage: str) -> str:
    """Text embedded for one sentence: the entry title gives it context."""
    return f"{chunk.title}: {passage}"


def text_key(text: str) -> str:
    """Content hash of a text to embed; equal keys can share a vector."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
