"""Compose a short answer from retrieved passages, with [n] citations, or an honest refusal.

Answers are extractive: every sentence is a sentence of the corpus, quoted as written, followed
by the number of the entry it comes from. The corpus is written in the third person with each
sentence standing alone, so quoted sentences read as a natural answer and nothing is stated
that the cited snippet does not say.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.engine.refusals import REASONS
from assistant.index.citation import Citation, mark_citation
from assistant.index.corpus import Corpus, Document, split_sentences
from assistant.index.retrieval import Hit, PassageHit
from assistant.index.words import keyword_terms

MAX_SENTENCES = 3
MAX_LIST_ENTRIES = 6
# An opening sentence this short is a name alone ("Tuberculosis atlas.").
BARE_NAME_WORDS = 3
# Another sentence joins the answer when it scores within this margin of the best one.
SENTENCE_MARGIN = 0.15
# A second entry joins the answer when its score is this close to the best entry's.
ENTRY_MARGIN = 0.04
# Sentences sharing more than this share of their terms with one already chosen repeat it.
MAX_REPEAT = 0.6


@dataclass(frozen=True)
class Answer:
    """A composed answer and what it rests on."""

    text: str
    citations: tuple[Citation, ...]
    abstained: bool
    confidence: float
    degraded: bool = False
    follow_ups: tuple[str, ...] = ()
    reason: str = ""  # why it abstained: a code of assistant.engine.refusals
    cited_ids: tuple[str, ...] = field(default=())
    detail: str = ""  # what decided it ("Kubernetes", "best passage scores 0.21, below 0.28")
    # A list answer ("Which projects has he built?"): one item per entry, its sentences with
    # their citation mark; the text is the same items joined. Empty for any other answer.
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Quote:
    """A sentence chosen for the answer."""

    hit: Hit
    passage: PassageHit


def compose(
    quotes: list[Quote],
    corpus: Corpus,
    confidence: float,
    degraded: bool,
    lead: str = "",
    as_list: bool = False,
) -> Answer:
    """Turn chosen sentences into an answer text with one citation per entry.

    `lead` opens the answer, cited as the first entry: what decided a comparison, in the
    words of that entry ("the largest is 1M+ API requests"). `as_list` answers a list
    question: the entries are also given as items, for a client to show as a list.
    """
    by_entry: dict[str, list[Quote]] = {}
    for quote in quotes:
        by_entry.setdefault(quote.hit.chunk.uid, []).append(quote)
    numbers = {uid: n for n, uid in enumerate(by_entry, start=1)}
    documents = corpus.by_uid()
    citations = tuple(
        _citation(numbers[uid], documents[uid], group, corpus) for uid, group in by_entry.items()
    )
    sentences = [mark_citation(q.passage.text, numbers[q.hit.chunk.uid]) for q in quotes]
    if lead and quotes:
        sentences.insert(0, mark_citation(lead, 1))
    items: tuple[str, ...] = ()
    if as_list and len(by_entry) > 1 and not lead:
        per_entry: dict[str, list[str]] = {}
        for quote, sentence in zip(quotes, sentences, strict=True):
            per_entry.setdefault(quote.hit.chunk.uid, []).append(sentence)
        items = tuple(" ".join(entry) for entry in per_entry.values())
    return Answer(
        text=" ".join(sentences),
        citations=citations,
        abstained=False,
        confidence=round(confidence, 2),
        degraded=degraded,
        cited_ids=tuple(by_entry),
        items=items,
    )


def refuse(
    corpus: Corpus,
    reason: str,
    missing: tuple[str, ...] = (),
    only_in: tuple[str, ...] = (),
    confidence: float = 0.0,
    degraded: bool = False,
    kind: str = "",
) -> Answer:
    """The honest "not covered" answer, offering the owner's contact details.

    `kind` names a refusal decided before searching (understanding.PERSONAL, ...).
    """
    contact = corpus.contact
    owner = corpus.site.first_name
    pronouns = corpus.site.pronouns
    if kind in _OPENINGS:
        opening = _OPENINGS[kind].format(owner=owner)
    elif only_in:
        labels = _join(tuple(corpus.site.sections[name].label for name in only_in))
        opening = (
            f"{owner}'s portfolio mentions that only in {labels}, "
            f"not as {pronouns.possessive} own work."
        )
    elif missing:
        opening = f"{owner}'s portfolio doesn't mention {_join(missing)}."
    else:
        opening = f"{owner}'s portfolio doesn't cover that."
    routes = f"by email at {contact.email}"
    if contact.linkedin:
        routes += f" or on LinkedIn at {_display_url(contact.linkedin)}"
    text = f"{opening} You can ask {pronouns.object} directly {routes} [1]."
    snippet = next(
        (s for s in _sentences(contact) if contact.email and contact.email in s), contact.text
    )
    citation = Citation(
        n=1,
        id=contact.uid,
        title=contact.title,
        section=contact.section,
        url=corpus.site.url_for(contact.section),
        snippet=snippet,
        score=0.0,
        updated=contact.updated.isoformat(),
    )
    return Answer(
        text=text,
        citations=(citation,),
        abstained=True,
        confidence=round(confidence, 2),
        degraded=degraded,
        reason=reason,
        cited_ids=(contact.uid,),
        detail=", ".join(missing) if missing else REASONS.get(reason, ""),
    )


# Refusals decided before any search (assistant.engine.understanding).
_OPENINGS = {
    "personal": "{owner}'s portfolio doesn't cover personal matters.",
    "instruction": "I can only answer questions about {owner}'s portfolio.",
    "off_topic": "I can only answer questions about {owner}'s portfolio.",
    "not_english": ("I can only answer questions in English, and only about {owner}'s portfolio."),
}


def choose_sentences(
    ranked: list[tuple[Hit, list[PassageHit]]], follow_up: bool = False, whole_entry: bool = False
) -> list[Quote]:
    """Pick the best sentence, then close runners-up that add something new.

    `whole_entry`: the question names the best entry itself ("What is contract-check?", or a
    follow-up "and at Loonie Labs?"), so the entry is quoted from its start.
    """
    if not ranked:
        return []
    # The lead sentence is the best among the top entries, weighing how well the sentence and
    # its entry each match: a close second entry can hold the sentence that answers.
    top_score = ranked[0][0].score
    ranked = sorted(
        ranked, key=lambda pair: pair[1][0].score + pair[0].score - top_score, reverse=True
    )
    best_hit, best_passages = ranked[0]
    best = best_passages[0]
    names_entry_only = all(p.overlap == 0 for p in best_passages) and best_hit.keyword > 0
    if (names_entry_only and not follow_up) or whole_entry:
        # The question names the entry (by title or keyword) but no single sentence of it,
        # as in "a summary of his background": quote the entry from the start, leaving out a
        # sentence that only repeats the question.
        opening = sorted(best_passages, key=lambda p: p.passage_index)
        saying = [p for p in opening if p.adds] or opening
        return [Quote(best_hit, p) for p in saying][:MAX_SENTENCES]
    chosen = [Quote(best_hit, best)]
    candidates = [Quote(best_hit, p) for p in best_passages[1:]]
    for hit, passages in ranked[1:]:
        # A close entry, or one whose sentence matches as well as the lead: "Designed the
        # double-entry ledger" answers "Has he built a ledger?" as well as "Building the
        # ledger service" does, though its entry says more of other things.
        if hit.score >= top_score - ENTRY_MARGIN or passages[0].score >= best.score - ENTRY_MARGIN:
            candidates.append(Quote(hit, passages[0]))
    candidates.sort(key=lambda q: q.passage.score, reverse=True)
    for quote in candidates:
        if len(chosen) >= MAX_SENTENCES or quote.passage.score < best.score - SENTENCE_MARGIN:
            break
        if not _repeats(quote, chosen):
            chosen.append(quote)
    return _in_reading_order(chosen)


def list_quotes(
    ranked: list[tuple[Hit, list[PassageHit]]], picked_by: Callable[[str], bool] | None = None
) -> list[Quote]:
    """For "which projects ...": the opening sentence of every matching entry.

    An opening that is only the entry's name ("CellDrift.", an imported heading) says nothing
    of it: the sentence after it comes too. So does the first sentence that says what picked
    the entry (`picked_by`), when the opening does not: "What happened in 2017?" is "Led the
    response to the 2017 border closure", in a job of 2014 – 2019.
    """
    quotes: list[Quote] = []
    for hit, passages in ranked[:MAX_LIST_ENTRIES]:
        ordered = sorted(passages, key=lambda p: p.passage_index)
        quotes.append(Quote(hit, ordered[0]))
        saying = [p for p in ordered if picked_by is not None and picked_by(p.text)]
        if saying and saying[0] is not ordered[0]:
            quotes.append(Quote(hit, saying[0]))
        elif len(ordered) > 1 and len(ordered[0].text.split()) <= BARE_NAME_WORDS:
            quotes.append(Quote(hit, ordered[1]))
    return quotes


def _repeats(quote: Quote, chosen: list[Quote]) -> bool:
    terms = set(keyword_terms(quote.passage.text))
    for other in chosen:
        other_terms = set(keyword_terms(other.passage.text))
        shared = len(terms & other_terms) / max(1, min(len(terms), len(other_terms)))
        if shared > MAX_REPEAT:
            return True
    return False


def _in_reading_order(quotes: list[Quote]) -> list[Quote]:
    """Keep entries in rank order, and sentences of one entry in the order they were written."""
    entry_rank: dict[str, int] = {}
    for quote in quotes:
        entry_rank.setdefault(quote.hit.chunk.uid, len(entry_rank))
    return sorted(quotes, key=lambda q: (entry_rank[q.hit.chunk.uid], q.passage.passage_index))


def _citation(n: int, document: Document, quotes: list[Quote], corpus: Corpus) -> Citation:
    indexes = sorted(q.passage.passage_index for q in quotes)
    sentences = _sentences(document)
    # Sentences of one entry are quoted as one contiguous span of its text, verbatim.
    snippet = " ".join(sentences[indexes[0] : indexes[-1] + 1])
    return Citation(
        n=n,
        id=document.uid,
        title=document.title,
        section=document.section,
        url=corpus.site.url_for(document.section),
        snippet=snippet,
        score=round(max(q.hit.score for q in quotes), 3),
        updated=document.updated.isoformat(),
    )


def covering_snippet(document: Document, snippets: list[str]) -> str:
    """The one contiguous span of an entry's sentences that holds every snippet given.

    Two parts of a question may quote different sentences of one entry under one citation.
    """
    sentences = _sentences(document)
    held = [i for i, sentence in enumerate(sentences) if any(sentence in s for s in snippets)]
    if not held:
        return snippets[0]
    return " ".join(sentences[held[0] : held[-1] + 1])


def _sentences(document: Document) -> list[str]:
    return split_sentences(document.text)


def _display_url(url: str) -> str:
    return url.removeprefix("https://").removeprefix("http://").removeprefix("www.")


def _join(words: tuple[str, ...]) -> str:
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]
