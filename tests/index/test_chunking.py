from __future__ import annotations

from pathlib import Path

from assistant.index.chunking import chunk_corpus, passage_embed_text, text_key
from assistant.index.corpus import load_corpus, split_sentences

ROOT = Path(__file__).resolve().parents[2]


def test_one_chunk_per_entry_and_one_passage_per_sentence() -> None:
    corpus = load_corpus(ROOT / "corpus")
    chunks = chunk_corpus(corpus)
    assert [c.uid for c in chunks] == [d.uid for d in corpus.documents]
    for chunk, document in zip(chunks, corpus.documents, strict=True):
        assert list(chunk.passages) == split_sentences(document.text)
        # Passages are verbatim pieces of the entry's text: quotes must be exact.
        assert all(p in document.text for p in chunk.passages)
        # The section's label says what kind of entry it is ("Interests: Cycling ...").
        label = corpus.site.sections[document.section].label
        assert chunk.embed_text.startswith(f"{label}: {document.title}. ")
        assert chunk.keyword_text.startswith(f"{label} {document.title} ")


def test_keyword_text_carries_structured_fields() -> None:
    corpus = load_corpus(ROOT / "corpus")
    split = next(c for c in chunk_corpus(corpus) if c.uid == "projects/split-payment-system")
    assert "7-Eleven" in split.keyword_text
    assert "SNAP EBT" in split.keyword_text
    assert "payments" in split.keyword_text


def test_passage_text_gives_context_and_keys_are_stable() -> None:
    corpus = load_corpus(ROOT / "corpus")
    chunk = chunk_corpus(corpus)[0]
    text = passage_embed_text(chunk, chunk.passages[0])
    assert text.startswith(chunk.title + ": ")
    assert text_key(text) == text_key(str(text))
    assert text_key(text) != text_key(text + " ")
