"""Find the corpus entries and sentences that answer a query: dense + BM25, fused.

Dense vectors find paraphrases ("where did he study" ~ "earned an MS ... University"); BM25 over
stems finds exact names (QSR, SNAP EBT, 7NOW). The fused score is a convex combination of the
cosine similarity and a saturated BM25 score, so it keeps an absolute meaning that abstention
can threshold (rank fusion would not).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import bm25s
import numpy as np
import numpy.typing as npt

from assistant.index.abbreviations import degree_words
from assistant.index.build import SearchIndex
from assistant.index.chunking import Chunk
from assistant.index.embedding import Embedder
from assistant.index.kinds import KIND_VERBS, SKILLS, verbs_for
from assistant.index.places import place_words
from assistant.index.vocabulary import Vocabulary
from assistant.index.words import base_forms, keyword_terms, sentence_terms, stem, term, words

# bm25s sets its own logger to DEBUG on import; give the level back to the application.
logging.getLogger("bm25s").setLevel(logging.NOTSET)

Vector = npt.NDArray[np.float32]

DENSE_WEIGHT = 0.7
# An ordinary word the corpus does not use stands for the section or entry name whose
# embedding is this close: "hobbies" ~ "interests" 0.55, "degree" ~ "education" 0.54, "study"
# 0.59, "graduate" 0.57; not "undergraduate" ~ "education" 0.50 (a kind of degree the
# portfolio may not have), "salary" ~ "interests" 0.17. Chosen on the development sets.
RELATED_WORD_MIN_COSINE = 0.52
# A question close to one section's label ("Where did she study?" ~ "Education" 0.38, next
# 0.2) raises that section's entries: the label names what its entries are about even where
# their sentences do not ("MA in Interaction Design, Oslo ..."). Chosen on the development sets.
SECTION_MIN_COSINE = 0.3
SECTION_MIN_LEAD = 0.03
SECTION_BOOST = 0.1
# A short form and the corpus word it stands for share this many opening letters ("stats",
# "statistics").
CLIPPED_MIN_LETTERS = 4
# BM25 scores are unbounded; s / (s + K) maps them into [0, 1) with 0.5 at s = K.
BM25_HALF_SCORE = 2.0


@dataclass(frozen=True)
class Hit:
    """One entry's relevance to a query."""

    position: int  # row of the chunk in the index
    chunk: Chunk
    dense: float  # best cosine of the query to the entry or any of its sentences
    keyword: float  # saturated BM25 score in [0, 1)
    score: float  # fused score


@dataclass(frozen=True)
class PassageHit:
    """One sentence's relevance to a query."""

    chunk_position: int
    passage_index: int
    text: str
    dense: float
    overlap: float  # share of the query's terms found in the sentence
    score: float
    adds: bool = True  # says something beyond the query's own words


class Retriever:
    """Dense and keyword search over a loaded index."""

    def __init__(
        self,
        index: SearchIndex,
        embedder: Embedder | None,
        common_words: frozenset[str] = frozenset(),
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.vocabulary = Vocabulary.from_texts(
            (c.keyword_text for c in index.chunks),
            common_words,
            index.corpus.site.owner,
            index.corpus.site.pronouns.subject,
        )
        self._bm25 = bm25s.BM25()
        self._bm25.index([keyword_terms(c.keyword_text) for c in index.chunks], show_progress=False)
        self._passage_terms = [
            set(keyword_terms(f"{c.title} {p} {degree_words(p)} {place_words(p)}"))
            for c in index.chunks
            for p in c.passages
        ]
        self._first_passage = np.cumsum([0] + [len(c.passages) for c in index.chunks])
        self._section_naming = {
            name: frozenset(words(s.naming_text)) for name, s in index.corpus.site.sections.items()
        }
        self._section_rows = {
            name: [i for i, c in enumerate(index.chunks) if c.section == name]
            for name in index.corpus.site.sections
        }

    @property
    def degraded(self) -> bool:
        """True when only keyword search is available."""
        return self.embedder is None

    def asked_sections(
        self, vector: Vector | None, named: frozenset[str] = frozenset()
    ) -> frozenset[str]:
        """The sections a question asks about: named by a word, or read like its label."""
        if vector is None or self.embedder is None:
            return named
        names, label_vectors = self._label_vectors()
        if len(names) < 2:
            return named
        similarity = label_vectors @ vector
        first, second = np.argsort(-similarity)[:2]
        if similarity[first] >= SECTION_MIN_COSINE and (
            similarity[first] - similarity[second] >= SECTION_MIN_LEAD
        ):
            return named | {names[first]}
        return named

    @lru_cache(maxsize=1)  # noqa: B019 - one Retriever per index, kept for its lifetime
    def _label_vectors(self) -> tuple[tuple[str, ...], Vector]:
        assert self.embedder is not None
        sections = self.index.corpus.site.sections
        names = tuple(sections)
        return names, self.embedder.encode([sections[n].label for n in names])

    def entries_named_by(self, word: str) -> frozenset[int]:
        """The rows of the entries whose short title ("Education") includes `word`."""
        return frozenset(i for i, named in enumerate(self._title_words()) if word in named)

    @lru_cache(maxsize=1)  # noqa: B019 - one Retriever per index, kept for its lifetime
    def _title_words(self) -> tuple[frozenset[str], ...]:
        return tuple(frozenset(words(title)) for title in self._short_titles())

    @lru_cache(maxsize=1)  # noqa: B019 - one Retriever per index, kept for its lifetime
    def _short_titles(self) -> tuple[str, ...]:
        """Titles that name a kind of entry ("Education"), not one thing ("Order Engine")."""
        return tuple(c.title if c.title.isalpha() else "" for c in self.index.chunks)

    def sections_named_by(self, word: str) -> frozenset[str]:
        """The sections whose label or list words include `word`."""
        return frozenset(name for name, named in self._section_naming.items() if word in named)

    def related_word(self, word: str) -> str | None:
        """The corpus word closest in meaning to `word`, if close enough (None without a model)."""
        if self.embedder is None:
            return None
        return self._related_word(word, False)

    @lru_cache(maxsize=4096)  # noqa: B019 - one Retriever per index, kept for its lifetime
    def same_sense(self, word: str) -> bool:
        """Whether a corpus form of `word` means what it does (True without a model).

        The stemmer joins words of other senses ("book", "booking" 0.37; "university",
        "universal"): a form counts when it is as close as a related word must be.
        """
        forms = self.vocabulary.forms(word)
        if self.embedder is None or not forms or word in forms:
            return True
        return max(self.similarities(word, forms)) >= RELATED_WORD_MIN_COSINE

    def related_section_word(self, word: str) -> str | None:
        """The closest word naming a section (a label or list word), if close enough."""
        if self.embedder is None:
            return None
        return self._related_word(word, True)

    @lru_cache(maxsize=4096)  # noqa: B019 - one Retriever per index, kept for its lifetime
    def _related_word(self, word: str, sections_only: bool) -> str | None:
        corpus_words, vectors, names_section = self._word_vectors()
        if not corpus_words or self.embedder is None:
            return None
        similarity = (vectors @ self._form_vectors(word).T).max(axis=1)
        if sections_only:
            similarity = np.where(names_section, similarity, -1.0)
        if word in KIND_VERBS:
            # What one does with a kind of entry ("use": skills; "study": education) names no
            # section of another kind, however near ("What I'm working on", "Research"); an
            # entry's title may stand for it ("Education" in an About section).
            fits = self._naming_sections_done(word, corpus_words)
            similarity = np.where(fits | ~names_section, similarity, -1.0)
            if fits.any() and word not in SKILLS.verbs:
                # ... and stands for a section of its kind however far its words are ("study"
                # for "Qualifications"): the kind says what one does with it. Not "use",
                # said of anything ("What programming languages does he use?" with no such
                # list is not his skills).
                fitting = np.where(fits, similarity, -1.0)
                return corpus_words[int(np.argmax(fitting))]
        best = int(np.argmax(similarity))
        if similarity[best] >= RELATED_WORD_MIN_COSINE:
            return corpus_words[best]
        return None if sections_only else self._clipped_word(word)

    def _naming_sections_done(self, verb: str, corpus_words: tuple[str, ...]) -> np.ndarray:
        """Which corpus words name a section whose kind of entry one does `verb` with."""
        sections = self.index.corpus.site.sections
        naming = frozenset().union(
            *(
                named
                for name, named in self._section_naming.items()
                if verb in verbs_for(sections[name].list_words)
            )
        )
        return np.array([w in naming for w in corpus_words], dtype=bool)

    def _clipped_word(self, word: str) -> str | None:
        """The corpus word a short form stands for: same opening letters, close in meaning.

        "stats" ~ "statistics" (0.79). Any corpus word close in meaning would relate too much
        ("relocate" ~ "location"); one that begins the same way is the same word shortened.
        """
        if len(word) < CLIPPED_MIN_LETTERS:
            return None
        opening = word[:CLIPPED_MIN_LETTERS]
        longer = tuple(
            sorted(w for w in self.vocabulary.words if w.startswith(opening) and w.isalpha())
        )
        if not longer:
            return None
        similarity = self.similarities(word, longer)
        best = int(np.argmax(similarity))
        return longer[best] if similarity[best] >= RELATED_WORD_MIN_COSINE else None

    @lru_cache(maxsize=4096)  # noqa: B019 - one Retriever per index, kept for its lifetime
    def _form_vectors(self, word: str) -> Vector:
        """A word's forms embedded alone, once for every question that uses the word.

        An inflected word embeds alone worse than its base form ("worked" ~ "jobs" 0.29,
        "work" ~ "jobs" 0.66): the closest of its forms that are English words counts.
        """
        assert self.embedder is not None
        common = self.vocabulary.common_words
        forms = [f for f in base_forms(word) if f == word or f in common]
        vectors: Vector = self.embedder.encode(forms)
        return vectors

    @lru_cache(maxsize=1)  # noqa: B019 - one Retriever per index, kept for its lifetime
    def _word_vectors(self) -> tuple[tuple[str, ...], Vector, np.ndarray]:
        """The words naming the site's sections and kinds of entry, embedded alone.

        Section labels, list words and short entry titles: they name what the portfolio holds
        ("Interests", "Education"). Any corpus word would relate too much: "relocate" ~
        "location", "age" ~ "years". With them, which of them name a section.
        """
        assert self.embedder is not None
        sections = self.index.corpus.site.sections.values()
        naming = {w for s in sections for w in words(s.naming_text)}
        named = " ".join(naming) + " " + " ".join(self._short_titles())
        corpus_words = tuple(
            sorted({w for w in words(named) if w.isalpha() and self.vocabulary.is_topic(w)})
        )
        if not corpus_words:
            return (), np.zeros((0, 0), dtype=np.float32), np.zeros(0, dtype=bool)
        names_section = np.array([w in naming for w in corpus_words], dtype=bool)
        return corpus_words, self.embedder.encode(list(corpus_words)), names_section

    def similarities(self, word: str, candidates: tuple[str, ...]) -> list[float]:
        """How close in meaning any form of `word` is to each candidate (0 without a model)."""
        if self.embedder is None:
            return [0.0] * len(candidates)
        forms = self._form_vectors(word)
        return [float((forms @ self._form_vectors(c)[0]).max()) for c in candidates]

    def word_similarity(self, first: str, second: str) -> float:
        """Cosine similarity of two words embedded alone (0 without a model)."""
        if self.embedder is None:
            return 0.0
        # Each word's own vector comes first among its forms, embedded once per word.
        return float(self._form_vectors(first)[0] @ self._form_vectors(second)[0])

    def query_vector(self, text: str) -> Vector | None:
        """The query's embedding, or None without a model."""
        if self.embedder is None:
            return None
        vector: Vector = self.embedder.encode([text])[0]
        return vector

    def search(
        self,
        text: str,
        vector: Vector | None,
        named_sections: frozenset[str] = frozenset(),
        named_rows: frozenset[int] = frozenset(),
        asked: frozenset[str] | None = None,
    ) -> list[Hit]:
        """Every entry scored against the query, best first.

        `named_sections` are sections the question names by a word of their label or list
        words ("degree" ~ Education): their entries are raised as when the whole question
        reads like their label. `asked` is `asked_sections(vector, named_sections)` when the
        caller has it already.
        """
        terms = keyword_terms(text)
        raw = np.asarray(self._bm25.get_scores(terms), dtype=np.float64) if terms else None
        keyword = (
            raw / (raw + BM25_HALF_SCORE) if raw is not None else np.zeros(len(self.index.chunks))
        )
        if vector is not None:
            entry_cos = self.index.entry_vectors @ vector
            passage_cos = self.index.passage_vectors @ vector
            best_passage = np.maximum.reduceat(passage_cos, self._first_passage[:-1])
            dense = np.maximum(entry_cos, best_passage)
            fused = DENSE_WEIGHT * dense + (1 - DENSE_WEIGHT) * keyword
            if asked is None:
                asked = self.asked_sections(vector, named_sections)
            raised = np.zeros(len(self.index.chunks))
            for name in asked:
                raised[self._section_rows.get(name, [])] = 1.0
            raised[list(named_rows)] = 1.0
            fused = fused + SECTION_BOOST * raised
        else:
            dense = np.zeros(len(self.index.chunks))
            fused = keyword
        chunks = self.index.chunks
        dense_of, keyword_of, score_of = dense.tolist(), keyword.tolist(), fused.tolist()
        # Best first; equal scores keep the index's order.
        return [
            Hit(i, chunks[i], dense_of[i], keyword_of[i], score_of[i])
            for i in np.argsort(-fused, kind="stable").tolist()
        ]

    def sentences_holding(self, hit: Hit, topics: Iterable[str]) -> list[str]:
        """The sentences of the entry that (with its title) use every one of the topics.

        In any form: "led" is used by "Leads a docs team", "teach" by "Taught physics".
        """
        wanted = [{stem(t), term(t)} for t in topics]
        start = int(self._first_passage[hit.position])
        holding = []
        for offset, passage in enumerate(hit.chunk.passages):
            held = self._passage_terms[start + offset] | sentence_terms(passage)
            if all(forms & held for forms in wanted):
                holding.append(passage)
        return holding

    def passages(self, hit: Hit, text: str, vector: Vector | None) -> list[PassageHit]:
        """The sentences of one entry scored against the query, best first."""
        terms = set(keyword_terms(text))
        start = int(self._first_passage[hit.position])
        found = []
        for offset, passage in enumerate(hit.chunk.passages):
            row = start + offset
            dense = float(self.index.passage_vectors[row] @ vector) if vector is not None else 0.0
            overlap = len(terms & self._passage_terms[row]) / len(terms) if terms else 0.0
            score = DENSE_WEIGHT * dense + (1 - DENSE_WEIGHT) * overlap
            adds = bool(set(keyword_terms(passage)) - terms)
            found.append(PassageHit(hit.position, offset, passage, dense, overlap, score, adds))
        # A sentence that only repeats the question ("Tide design system.") answers nothing.
        return sorted(found, key=lambda p: (p.adds, p.score), reverse=True)
