"""Decide whether the portfolio answers a question at all.

Three signals, each simple enough to explain to the owner:
- the question names something the corpus never mentions that looks like a name or a
  technology ("Kubernetes", "Google", "GPA"): the portfolio cannot answer it;
- most of the question's topic words are absent from the corpus ("salary expectation");
- the best passage is not similar enough to the question (dense + keyword score).
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.engine import refusals
from assistant.engine.question_terms import QuestionTerms
from assistant.index.retrieval import Hit

# Fused-score floors, chosen on eval/dev.yaml only (never on the held-out part).
MIN_SCORE = 0.28
# A question with words the corpus never uses needs a closer match to be answered.
MIN_SCORE_WITH_UNKNOWN = 0.33
# Without the model the fused score is the keyword score alone.
MIN_KEYWORD_SCORE = 0.3
MAX_UNKNOWN_SHARE = 0.5
# Topics of a question that, all in one sentence of a best entry, show that it answers.
SPELLED_OUT_MIN_TOPICS = 2

# Verbs of doing: a question that asks whether he did or used something needs evidence from
# his own work, not from his notes on other companies' systems (the insights section).
PERSONAL_CLAIM_WORDS = frozenset(
    """
    build built building use used uses using work worked working implement implemented
    develop developed design designed deploy deployed ship shipped production hands run ran
    operate operated create created lead led own owned
    """.split()
)


@dataclass(frozen=True)
class Verdict:
    """Whether to answer, and why not."""

    answerable: bool
    reason: str = ""  # a code of assistant.engine.refusals
    missing: tuple[str, ...] = ()  # terms to name in the refusal ("Kubernetes")
    detail: str = ""


def asks_about_his_own_work(question_words: list[str]) -> bool:
    """True for "has he used X", "did he build Y": claims about his own practice."""
    return any(w in PERSONAL_CLAIM_WORDS for w in question_words)


def judge(
    terms: QuestionTerms,
    hits: list[Hit],
    degraded: bool,
    matched_fields: bool = False,
    anchored: bool = False,
    spelled_out: bool = False,
    fitting_verbs: frozenset[str] = frozenset(),
    unshown_verbs: frozenset[str] = frozenset(),
) -> Verdict:
    """Decide whether the best hits answer the question.

    `matched_fields` says the question already picked entries by their structured fields
    (a year, or a section's list word such as "projects"), which is evidence enough.
    `anchored` says the best entry contains a name the question asks about ("Figma",
    "Koszyk"): a name is evidence enough even when the rest of the question is loose.
    `spelled_out` says one sentence of a best entry uses every topic of the question ("How
    many records did she link?": "Linked 1.5 million registry records ..."): the words say
    what the model's similarity of a short question to a long sentence may not.
    `fitting_verbs` are what the owner did, in the words used for the kind of entry that
    answers ("speak" for her languages, "use" for her skills): the entries need not use them.
    `unshown_verbs` are what the question says the owner did in words the portfolio never
    uses nor does with any kind of its entries ("teach" in "Which university did they teach
    at?").
    """
    if terms.rare_unknown:
        return Verdict(False, refusals.UNKNOWN_NAME, terms.rare_unknown)
    if terms.unknown and not terms.known:
        return Verdict(False, refusals.UNKNOWN_TOPICS)
    if terms.narrowed:
        # "Has he worked on automotive firmware?": firmware is there, automotive is not.
        return Verdict(False, refusals.UNKNOWN_TOPICS, terms.narrowed)
    things = [t for t in terms.topics if t != terms.predicate]
    if terms.predicate_is_verb and things and all(t in terms.unknown for t in things):
        # "Has he worked in banking?": what he did is known, what he did it in is not.
        return Verdict(False, refusals.UNKNOWN_TOPICS)
    # The thing asked about spelled out in one sentence is evidence, however the question
    # words what the owner did with it.
    unknown = [
        u
        for u in terms.unknown
        if not (spelled_out and u == terms.predicate) and u not in fitting_verbs
    ]
    if spelled_out and len(terms.done_to) >= SPELLED_OUT_MIN_TOPICS:
        # What was done is spelled out; the words of how ("with better docs") ask no more.
        unknown = [u for u in unknown if u in terms.done_to]
    if terms.predicate in unknown or terms.predicate is None and unshown_verbs:
        # "Has he managed a team?", "Which university did they teach at?": the portfolio
        # never says the owner did what is asked.
        return Verdict(False, refusals.NOT_DONE)
    if terms.topics and len(unknown) / len(terms.topics) > MAX_UNKNOWN_SHARE:
        return Verdict(False, refusals.MOSTLY_UNKNOWN)
    if not hits:
        return Verdict(False, refusals.NO_PASSAGE)
    if (matched_fields or anchored or spelled_out) and not unknown:
        return Verdict(True)
    # The best score of all: entries may be ordered by more than their score (a section the
    # question asks about, a name it gives).
    best = max(hits, key=lambda h: h.score)
    floor = MIN_SCORE_WITH_UNKNOWN if unknown else MIN_SCORE
    if degraded:
        floor = MIN_KEYWORD_SCORE
    if best.score < floor:
        detail = f"best passage scores {best.score:.2f}, below {floor:.2f}"
        return Verdict(False, refusals.LOW_SCORE, detail=detail)
    return Verdict(True)
