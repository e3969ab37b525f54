"""The job-description fit report: for each requirement, what the portfolio shows.

Verdicts rest on the requirement's specific words (not "experience", "strong", "systems"):
- a word counts as shown when an entry about his own work or credentials uses it; his notes
  on other companies' systems, his stated goals and his contact details never count (each
  entry's evidence kind, see corpus.EVIDENCE_KINDS);
- years ("5+ years") are compared with the years the portfolio states; degrees by level (an MS
  meets a bachelor's requirement);
- "A or B" is met by either;
- a requirement met only by training or certificates while it asks for hands-on experience is
  partial.
  evidenced: no named technology is missing, the first specific word (what the requirement
             is about: "Mentor ...") is shown, and at least EVIDENCED_SHARE of the
             specific words are shown;
  partial:   some are shown (at least PARTIAL_SHARE), or the years fall short;
  not_found: otherwise. A named technology the portfolio never shows for him (Kubernetes,
             Kafka) is never evidenced.
The sentence given for a requirement is a corpus sentence quoted verbatim with its citation,
chosen among his own entries for the shown words, then for retrieval score.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

from assistant.fit.requirements import split_requirements
from assistant.index.characters import fold
from assistant.index.citation import Citation, mark_citation
from assistant.index.corpus import Corpus, Document, split_sentences
from assistant.index.retrieval import Retriever
from assistant.index.words import STOP_WORDS, sentence_terms, term

Verdict = Literal["evidenced", "partial", "not_found"]
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
EVIDENCED_SHARE = 0.6
PARTIAL_SHARE = 0.34
STRONGEST = 3

# Words every job description uses that say nothing about what is required.
FILLER_WORDS = frozenset(
    """
    experience experienced years year strong knowledge proficiency proficient ability able
    skills skill familiarity familiar solid proven track record excellent preferred required
    requirement requirements plus bonus nice deep hands hands-on demonstrated expert expertise
    professional including include includes related field equivalent practical similar etc
    understanding background working work works build building built design designing
    designed develop developing developed development implement implementing improve
    improving drive driving own owning use using help helping ensure across within new high
    modern complex critical closely environment role candidate ideal must least minimum level
    senior junior software engineering engineer engineers system systems service services
    platform platforms api apis application applications solution solutions product-minded
    scale scalable scaling large handle handling process processing serve serving support
    supporting maintain maintaining operate operating run running track tracking keep great
    good clear clearly effective effectively day-to-day ownership responsible responsibility
    responsibilities opportunity opportunities you your hold holds holding possess
    """.split()
)
# Words that ask for practice rather than a credential.
PRACTICE_WORDS = frozenset("experience hands hands-on built building production worked".split())
_YEARS = re.compile(r"\b(\d{1,2})\s*(?:\+\s*)?(?:or more\s+)?years?\b", re.IGNORECASE)
_DEGREES = (
    (re.compile(r"\b(ph\.?\s?d|doctorate|doctoral)\b", re.IGNORECASE), 3),
    (re.compile(r"\b(master'?s?|m\.?s\.?c?|mba)\b(?!\w)", re.IGNORECASE), 2),
    (re.compile(r"\b(bachelor'?s?|b\.?s\.?c?|b\.?a|undergraduate)\b(?!\w)", re.IGNORECASE), 1),
)
_ANY_DEGREE = re.compile(r"\bdegree\b", re.IGNORECASE)
_DEGREE_WORDS = frozenset(
    "phd ph.d doctorate doctoral master masters master's ms m.s msc mba bachelor bachelors "
    "bachelor's bs b.s bsc ba b.a undergraduate degree".split()
)
_ALTERNATIVES = re.compile(r",?\s+or\s+", re.IGNORECASE)
_NUMBER = re.compile(r"[\d.,]+[+%kmb]?\+?")


@dataclass(frozen=True)
class RequirementFit:
    """One requirement and what the portfolio shows for it."""

    requirement: str
    verdict: Verdict
    sentence: str  # a corpus sentence with its [n] marker, or what is missing
    citations: tuple[Citation, ...]
    missing: tuple[str, ...]  # specific words of the requirement the portfolio does not show
    strength: float  # share of its specific words shown, to rank the strongest matches


@dataclass(frozen=True)
class FitReport:
    """The whole report, requirements in the order of the job description."""

    requirements: tuple[RequirementFit, ...]

    def count(self, verdict: Verdict) -> int:
        """How many requirements got this verdict."""
        return sum(r.verdict == verdict for r in self.requirements)

    @property
    def strongest(self) -> tuple[RequirementFit, ...]:
        """The best-evidenced requirements, strongest first."""
        evidenced = [r for r in self.requirements if r.verdict == "evidenced"]
        return tuple(sorted(evidenced, key=lambda r: -r.strength)[:STRONGEST])


@dataclass(frozen=True)
class _Judgement:
    verdict: Verdict
    shown: frozenset[str]  # stems shown by his entries
    missing: tuple[str, ...]
    strength: float


class FitReporter:
    """Checks requirements against one loaded corpus and index."""

    def __init__(self, corpus: Corpus, retriever: Retriever) -> None:
        self.corpus = corpus
        self.retriever = retriever
        self.vocabulary = retriever.vocabulary
        self._possessive = corpus.site.pronouns.possessive
        self._evidence: dict[str, tuple[str, Document]] = {}  # uid -> (kind, document)
        self._stems: dict[str, set[str]] = {"work": set(), "credential": set()}
        self._words: set[str] = set()  # the evidence's words as written (lowercase)
        for document in corpus.documents:
            kind = corpus.evidence_kind(document)
            if kind == "none":
                continue
            self._evidence[document.uid] = (kind, document)
            text = " ".join([document.title, document.org or "", document.text])
            # Whole compounds only: "event-driven" does not show "event streaming".
            written = {word for _, word in _tokens(text)}
            self._words |= written
            self._stems[kind] |= {term(word) for word in written if word not in FILLER_WORDS}
        work_text = " ".join(d.text for k, d in self._evidence.values() if k == "work")
        self._years = max((int(n) for n in _YEARS.findall(work_text)), default=0)
        credential_text = " ".join(d.text for k, d in self._evidence.values() if k == "credential")
        self._degree = _degree_level(credential_text)

    def report(
        self, job_description: str, check_time: Callable[[], None] = lambda: None
    ) -> FitReport:
        """The fit report for a job description (an empty one if no requirement is found).

        `check_time` runs before each requirement (it raises when the request is late).
        """
        matches = []
        for requirement in split_requirements(job_description, check_time):
            check_time()
            matches.append(self.requirement_fit(requirement))
        return FitReport(tuple(matches))

    def requirement_fit(self, requirement: str) -> RequirementFit:
        """What the portfolio shows for one requirement (echoed as given, matched folded)."""
        text = fold(requirement)
        judgements = [self._judge(part) for part in _alternatives(text)]
        order = {"evidenced": 0, "partial": 1, "not_found": 2}
        best = min(judgements, key=lambda j: (order[j.verdict], -j.strength))
        if best.verdict == "not_found":
            missing = tuple(dict.fromkeys(m for j in judgements for m in j.missing))
            return RequirementFit(
                requirement,
                "not_found",
                _not_shown(missing, self._possessive),
                (),
                missing,
                best.strength,
            )
        sentence, citation = self._evidence_sentence(text, best.shown)
        return RequirementFit(
            requirement, best.verdict, sentence, (citation,), best.missing, best.strength
        )

    def _judge(self, text: str) -> _Judgement:
        shown: set[str] = set()
        # Shown in the very form written, not only through a shared stem ("programming" shares
        # "program" with a "Program": a collision, not evidence).
        shown_as_written = 0
        soft_missing: list[str] = []
        named_missing: list[str] = []
        missing_in_order: list[str] = []
        kinds: set[str] = set()
        tokens = list(_tokens(text))
        first_specific: str | None = None
        for position, (raw, word) in enumerate(tokens):
            if word in STOP_WORDS or word in FILLER_WORDS or word in _DEGREE_WORDS:
                continue
            if first_specific is None:
                first_specific = raw
            key = term(word)
            found = [kind for kind, stems in self._stems.items() if key in stems]
            if found:
                shown.add(key)
                kinds.update(found)
                shown_as_written += word in self._words
            elif _NUMBER.fullmatch(word):
                continue  # "5+ engineers": a count the portfolio does not state is no topic
            elif self._is_name(raw, word, position):
                named_missing.append(raw)
                missing_in_order.append(raw)
            else:
                soft_missing.append(raw)
                missing_in_order.append(raw)
        points, total = len(shown), len(shown) + len(soft_missing) + len(named_missing)
        # Years and degrees qualify the topic ("6+ years of data engineering"); they are
        # weighed on their own and never make up for a topic the portfolio does not show.
        years_short = False
        required_years = [int(n) for n in _YEARS.findall(text)]
        if required_years:
            years_short = self._years < max(required_years)
            shown.add(term("years"))
        degree = _degree_level(text)
        degree_met = bool(degree) and self._degree >= degree
        if degree_met:
            kinds.add("credential")
            shown.add(term("degree"))
        qualifiers_met = (not required_years or not years_short) and (not degree or degree_met)
        if total:
            strength = points / total
        else:  # nothing but years or a degree: those decide
            strength = 1.0 if qualifiers_met and (required_years or degree) else 0.0
        missing = tuple(dict.fromkeys(missing_in_order))
        # The requirement's first specific word is what it is about ("Mentor other engineers on
        # the data team"): the rest shown without it is at most part of it.
        head_missing = bool(missing_in_order) and missing_in_order[0] == first_specific
        if named_missing:
            # A named technology the portfolio never mentions for him is not made up for by
            # another word of the requirement ("Apache Spark" is not met by "Apache Flink",
            # "programming skills in Golang" not by a "Program").
            verdict: Verdict = "not_found"
        elif (
            not named_missing
            and not head_missing
            and strength >= EVIDENCED_SHARE
            and qualifiers_met
        ):
            verdict = "evidenced"
        elif strength >= PARTIAL_SHARE or (required_years and not total):
            verdict = "partial"
        else:
            verdict = "not_found"
        if verdict == "evidenced" and kinds == {"credential"} and _asks_for_practice(tokens):
            verdict = "partial"  # training or a certificate, not hands-on practice
        return _Judgement(verdict, frozenset(shown), missing, strength)

    def _is_name(self, raw: str, word: str, position: int) -> bool:
        """A product, technology or company name rather than an ordinary word."""
        capitalised = raw[:1].isupper() and position > 0 or (raw.isupper() and len(raw) > 1)
        odd = any(c in raw for c in "./+#") or any(c.isdigit() for c in raw)
        common = self.vocabulary.common_words
        # "consumer-facing", "workflows": ordinary words, whole or in parts, singular or plural.
        uncommon = bool(common) and not all(
            {part, part.removesuffix("s"), part.removesuffix("es")} & common
            for part in word.split("-")
        )
        return capitalised or odd or uncommon

    def _evidence_sentence(self, requirement: str, shown: frozenset[str]) -> tuple[str, Citation]:
        """The sentence of his own entries that shows most of what was found."""
        vector = self.retriever.query_vector(requirement)
        best: tuple[tuple[int, float], str, Document, float] | None = None
        for hit in self.retriever.search(requirement, vector):
            if hit.chunk.uid not in self._evidence:
                continue
            document = self._evidence[hit.chunk.uid][1]
            for passage in self.retriever.passages(hit, requirement, vector):
                overlap = len(shown & sentence_terms(passage.text))
                rank = (overlap, passage.score + hit.score)
                if best is None or rank > best[0]:
                    best = (rank, passage.text, document, hit.score)
        if best is None:  # every hit was outside his own entries: take the best of them
            document = next(d for k, d in self._evidence.values() if k == "work")
            best = ((0, 0.0), split_sentences(document.text)[0], document, 0.0)
        _, sentence, document, score = best
        citation = Citation(
            n=1,
            id=document.uid,
            title=document.title,
            section=document.section,
            url=self.corpus.site.url_for(document.section),
            snippet=sentence,
            score=round(score, 3),
            updated=document.updated.isoformat(),
        )
        return mark_citation(sentence, 1), citation


def _tokens(text: str) -> list[tuple[str, str]]:
    """(as written, lowercase) for each word, hyphenated words whole ("event-driven")."""
    found = []
    for match in re.finditer(r"[A-Za-z0-9$%+#.'’]+(?:-[A-Za-z0-9]+)*", text):
        raw = match.group(0).replace("’", "'").strip(".'/,")
        raw = raw.removesuffix("'s").removesuffix("'")
        if raw:
            found.append((raw, raw.lower()))
    return found


def _alternatives(requirement: str) -> list[str]:
    """Split "Java or Kotlin" into "Java" and "Kotlin": either meets the requirement."""
    parts = [p.strip(" ,") for p in _ALTERNATIVES.split(requirement) if p.strip(" ,")]
    return parts or [requirement]


def _degree_level(text: str) -> int:
    """The lowest degree level a text names (1 bachelor's, 2 master's, 3 doctorate), or 0."""
    named = [level for pattern, level in _DEGREES if pattern.search(text)]
    if named:
        return min(named)
    return 1 if _ANY_DEGREE.search(text) else 0


def _asks_for_practice(tokens: list[tuple[str, str]]) -> bool:
    return any(word in PRACTICE_WORDS for _, word in tokens)


def _not_shown(missing: tuple[str, ...], possessive: str) -> str:
    """The sentence of a not_found requirement: what the owner's own work does not show."""
    if not missing:
        return f"{possessive.capitalize()} portfolio shows no evidence for this requirement."
    named = ", ".join(missing[:-1]) + (" or " if len(missing) > 1 else "") + missing[-1]
    return (
        f"{possessive.capitalize()} portfolio shows no evidence of {named} "
        f"in {possessive} own work."
    )
