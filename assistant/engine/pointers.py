"""What a question's words point at: kinds of entry, one entry, the current one.

A section is named by its label or list words, or by a word close in meaning ("work" ~
jobs); an entry by a name it holds, by its one-word title ("warehouses": Warehousing) or by a
word no other entry uses ("thesis"). Words of what the owner did ("What did she design?") name
nothing. The pipeline asks; nothing here searches or composes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.engine.question_terms import QuestionTerms, things_asked
from assistant.engine.timeline import in_present_tense
from assistant.index.build import SearchIndex
from assistant.index.corpus import PRESENT, Document
from assistant.index.kinds import KIND_VERBS, WORK, SectionKind, records_deeds, verbs_for
from assistant.index.retrieval import Hit, Retriever
from assistant.index.words import keyword_terms, same_word, singular, words

# Verbs that say nothing about which entries of a listed section are meant.
_LIST_FILLER = frozenset(keyword_terms("work worked works build built builds did done made have"))
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


class Pointers:
    """The sections and entries of one index that a question's words point at."""

    def __init__(self, index: SearchIndex, retriever: Retriever) -> None:
        self.corpus = index.corpus
        self.retriever = retriever
        self.documents: dict[str, Document] = self.corpus.by_uid()
        self.entry_terms = [set(keyword_terms(c.keyword_text)) for c in index.chunks]
        # Which entries use each stem: a word only one entry uses points at that entry.
        self._rows_using: dict[str, list[int]] = {}
        for row, entry_terms in enumerate(self.entry_terms):
            for term in entry_terms:
                self._rows_using.setdefault(term, []).append(row)
        # Stems of each section's naming words ("certif", "award"), and of all of them.
        self._section_stems = {
            name: frozenset(keyword_terms(s.naming_text))
            for name, s in self.corpus.site.sections.items()
        }
        self.section_words = frozenset().union(*self._section_stems.values())
        self._section_verbs = {
            name: verbs_for(s.list_words) for name, s in self.corpus.site.sections.items()
        }
        self._records_deeds = {
            name: records_deeds(s.list_words) for name, s in self.corpus.site.sections.items()
        }
        # The section each list word belongs to ("hobbies": interests), to find the sections
        # of a kind whatever their labels.
        self._list_words = {
            word: name for name, s in self.corpus.site.sections.items() for word in s.list_words
        }
        # Sections with an ongoing entry: the ones "What is her job?" may ask about now.
        self._ongoing = frozenset(d.section for d in self.documents.values() if d.end == PRESENT)
        # Rows whose one-word title can point at them: not an entry titled as its own
        # section ("Languages" in Languages, which picks nothing out) nor as another section
        # ("Languages" among the skills leaves "What languages does she speak?" to Languages).
        sections = self.corpus.site.sections
        self._titles = {
            row: chunk.title.lower()
            for row, chunk in enumerate(index.chunks)
            if chunk.title.isalpha()
            and chunk.title != sections[chunk.section].label
            and not any(
                set(keyword_terms(chunk.title)) & named
                for name, named in self._section_stems.items()
                if name != chunk.section
            )
        }

    def names_a_section(self, word: str) -> bool:
        """Whether a word names a kind of entry (see `_sections_named`)."""
        return bool(self.sections_named(word))

    def sections_named(self, word: str) -> frozenset[str]:
        """The sections a word names.

        By their label or list words, or by a word close in meaning ("work" ~ "jobs",
        "studied" ~ "education"); a name ("Rutalia") names none.
        """
        named = self._sections_named_by_word(word)
        if named or not self.retriever.vocabulary.is_common(word):
            return named
        near = self.retriever.related_word(word)
        if near is None:
            return frozenset()
        near_stems = set(keyword_terms(near)[:1])
        return frozenset(n for n, named in self._section_stems.items() if near_stems & named)

    def _sections_named_by_word(self, word: str) -> frozenset[str]:
        """The sections a word names itself: a label or list word, or what one does with them."""
        stems = set(keyword_terms(word)[:1])
        direct = frozenset(n for n, named in self._section_stems.items() if stems & named)
        # What the owner does with a kind of entry names it ("study": her education), even
        # where a label uses the word otherwise ("Case studies", "Outside work").
        by_verb = frozenset(n for n, verbs in self._section_verbs.items() if word in verbs)
        return by_verb or direct

    def names_kind_done(self, verb: str, word: str) -> bool:
        """Whether `word` names the kind of entry `verb` is done with ("worked": companies).

        "Has he worked in pharmaceuticals?" read as "... in companies" asks nothing more
        than whether he worked: the word stood in for is no word of his.
        """
        return any(
            verb in self._section_verbs[name] and word in section.list_words
            for name, section in self.corpus.site.sections.items()
        )

    def verb_fits(self, verb: str, hit: Hit) -> bool:
        """Whether a verb says what the owner does with entries of the hit's kind.

        "speak" for languages, "used" for skills: such a verb needs no entry using it.
        """
        return verb in self._section_verbs[hit.chunk.section]

    def shows_doing(self, verb: str, hit: Hit) -> bool:
        """Whether the hit's entry can show the owner doing `verb` to what it names.

        A job's line may say any deed ("Set up a research repository"); a talk titled
        "Research repositories people actually use" shows a talk given, not one built.
        """
        return self._records_deeds[hit.chunk.section] or self.verb_fits(verb, hit)

    def sections_of(self, kind: SectionKind) -> frozenset[str]:
        """The sections of a kind, found by its list words whatever their labels.

        "What does he do outside work?": the section listing interests.
        """
        return frozenset(
            self._list_words[word] for word in kind.list_words if word in self._list_words
        )

    def asked_by_meaning(self, asked: frozenset[str], terms: QuestionTerms) -> set[str]:
        """The asked sections whose label and list words the question does not use.

        With a word of the question close in meaning to one of them ("study" ~ Education): a
        question that only reads a little like a section's label ("Do they mentor anyone?" ~
        Skills) may still be answered elsewhere.
        """
        used = set(keyword_terms(terms.text))
        unnamed = {name for name in asked if not used & self._section_stems[name]}
        if not terms.known:
            return unnamed
        near = {self.retriever.related_section_word(topic) for topic in terms.known}
        near_stems = {s for word in near if word for s in keyword_terms(word)[:1]}
        return {name for name in unnamed if near_stems & self._section_stems[name]}

    def names_entry(self, terms: QuestionTerms, hits: list[Hit]) -> bool:
        """Whether the question is about the best entry as a whole: its title holds every topic.

        Never a yes/no question about the owner: "Does he manage anyone?" asks for the line
        that says so, not for the job whose title says "Manager".
        """
        if not hits or terms.predicate is not None:
            return False
        return self.title_holds(terms, hits[0])

    def title_holds(self, terms: QuestionTerms, hit: Hit) -> bool:
        """Whether the hit's title holds every topic the corpus uses ("Physics Teacher")."""
        asked = {stem for topic in terms.known for stem in keyword_terms(topic)[:1]}
        return bool(asked) and asked <= set(keyword_terms(hit.chunk.title))

    def names(self, terms: QuestionTerms) -> set[str]:
        """Stems of the names the question asks about that the corpus uses ("figma")."""
        return {stem for name in terms.names for stem in keyword_terms(name)[:1]}

    def asked_now(self, question: str, terms: QuestionTerms) -> str | None:
        """The section whose current entry a question in the present tense asks for.

        "What is her job?", "Which company does he work for?": one job, now, of a section
        that has an ongoing one. Not "What is her experience?" (the section's own name) nor
        "What are her projects?" (several).
        """
        if terms.unknown or terms.predicate is not None or not in_present_tense(question):
            # Nor a yes/no question ("Is she looking for an industry job?").
            return None
        vocabulary = self.retriever.vocabulary
        # The words as asked: "job", not the section word it stands for ("jobs").
        for topic in words(terms.text):
            if not vocabulary.is_topic(topic) or singular(topic) != topic:
                continue
            for name in self.sections_named(topic):
                label = set(keyword_terms(self.corpus.site.sections[name].label))
                if set(keyword_terms(topic)) & label:
                    continue
                if name in self._ongoing:
                    return name
        return None

    def entry_titled(
        self, verbs: frozenset[str], terms: QuestionTerms, hits: list[Hit]
    ) -> Hit | None:
        """The entry whose one-word title the question uses ("warehouses": Warehousing).

        A title names what the entry is about, as a section's label names its entries; a verb
        of the owner's (`verbs`) does not ("What did she design?" is not her Design skills).
        Of two titles, the later word is the thing asked about: "security tools" are Tools.
        """
        if any(u not in KIND_VERBS for u in terms.unknown):
            # A word the portfolio never uses, unless it is what one does with a kind of
            # entry ("Which pharmacy systems does he use?": his "Systems").
            return None
        # In a yes/no question, the thing is what was done, not what it was for: "built
        # navigation software for robots" asks about software, not Robotics.
        asked = list(terms.done_to) or things_asked(verbs, terms)
        latest: dict[int, list[Hit]] = {}
        for hit in hits:
            title = self._titles.get(hit.position)
            if title is None:
                continue
            places = [i for i, a in enumerate(asked) if same_word(a, title)]
            if places:
                latest.setdefault(max(places), []).append(hit)
        # The title names the thing asked, the last word: "robot arms" are not Robotics.
        if not latest or max(latest) != len(asked) - 1:
            return None
        chosen = latest[max(latest)]
        return chosen[0] if len(chosen) == 1 else None

    def only_entry_using(
        self, verbs: frozenset[str], terms: QuestionTerms, hits: list[Hit], asked: frozenset[str]
    ) -> Hit | None:
        """The entry that alone uses a word of the question and holds all its other words.

        Only for a question whose every word the portfolio uses: a word one entry alone uses
        ("thesis", "funded") points at it as surely as a name does, however loosely the rest of
        the entry matches the question. Not when the question reads like another section and
        the entry has the word only in another form ("Where did she study?" is Education, not
        her "diary studies").
        """
        if terms.unknown or not terms.known:
            return None
        # A word naming a kind of entry ("study" ~ Education) asks for that kind, wherever
        # else the word is used ("diary studies").
        plain = [t for t in terms.known if not self.names_a_section(t)]
        # The entry must hold every word asked (what the owner did too: "open" in "is he open
        # to new opportunities?" is not in the entry that alone says "new").
        every_word = {s for topic in plain for s in keyword_terms(topic)[:1]}
        things = set(things_asked(verbs, terms))
        pointing = {s for t in plain if t in things for s in keyword_terms(t)[:1]}
        rows = {self._rows_using[s][0] for s in pointing if len(self._rows_using.get(s, ())) == 1}
        if len(rows) != 1:
            return None
        row = rows.pop()
        if not every_word <= self.entry_terms[row]:
            return None
        hit = next((h for h in hits if h.position == row), None)
        if hit is None:
            return None
        if asked and hit.chunk.section not in asked:
            # Another form of the word ("studies") does not outweigh the section the question
            # reads like; the word itself ("thesis", "years") does.
            written = set(words(hit.chunk.keyword_text))
            if not any(topic in written for topic in terms.known):
                return None
        return hit

    def one_entry_holds_all(
        self, question: str, verbs: frozenset[str], terms: QuestionTerms, hits: list[Hit]
    ) -> bool:
        """Whether one entry holds every name of the question and every kind of entry it names.

        "Kubernetes certification" needs an entry of the certificates with Kubernetes in it;
        "real-time pipelines with Flink" only needs Flink (the rest may be worded otherwise).
        A verb naming a kind of entry, with "at" or "for" an organisation, names it too: "Has
        she worked at Google?" needs a job at Google, not a certificate Google issued ("worked
        on SNAP EBT" may be a project). `verbs` are what the question says the owner did.
        """
        names = self.names(terms)
        verb = terms.predicate
        # A word naming a kind of entry is held by an entry that uses it or is of that kind.
        # Not what the owner did where only a label uses the word otherwise: "Has she worked
        # on Ledgerlint?" needs no entry saying "work" because of a section "Outside work".
        # Nor working or experience, had with every kind of entry: "Has he worked with
        # Kafka?", "Does she have experience with ISO 8583?" are answered by skills (only "at"
        # or "for" an organisation is it a job, below).
        jobs = self.sections_of(WORK)
        kinds_named = {
            stem: sections
            for topic in terms.known
            for stem in keyword_terms(topic)[:1]
            if stem in self.section_words
            for sections in [self.sections_named(topic)]
            if topic != verb
            or not sections <= jobs
            and any(stem in self._section_stems[s] for s in sections)
        }
        # A word standing in for the owner's verb ("speak" ~ "talks") is also held by an entry
        # of a kind the verb itself fits: "Does she speak Danish?" is her languages.
        stand_in = keyword_terms(verb)[:1] if verb is not None and verb in terms.related else []
        at_place = verb is not None and re.search(
            rf"\b{re.escape(verb)}\s+(?:at|for)\b", question, re.IGNORECASE
        )
        kinds = self.sections_named(verb) if verb is not None and at_place else frozenset()
        return any(
            names <= self.entry_terms[h.position]
            and all(
                stem in self.entry_terms[h.position]
                or h.chunk.section in sections
                or stem in stand_in
                and any(self.verb_fits(v, h) for v in verbs)
                for stem, sections in kinds_named.items()
            )
            and (not kinds or h.chunk.section in kinds)
            for h in hits
        )

    def says_year_asked(self, terms: QuestionTerms) -> Callable[[str], bool] | None:
        """Whether a text names a year the question asks about ("in 2017"); None: none asked."""
        years = set(_YEAR.findall(terms.text))
        return (lambda text: bool(years.intersection(_YEAR.findall(text)))) if years else None

    def listed_entries(
        self,
        verbs: frozenset[str],
        terms: QuestionTerms,
        hits: list[Hit],
        phrased: frozenset[str] = frozenset(),
    ) -> list[Hit] | None:
        """Entries the question picks as a group, or None.

        By year ("in 2023"), or every entry of a section ("which companies...", "his projects")
        narrowed by the other topic words ("projects ... at Amazon"). A word the portfolio
        never uses narrows it to nothing ("programming languages" are not the languages she
        speaks), unless it is what the owner did (`verbs`: "What languages does he speak?").
        `phrased` are the sections a heading's words in the question name ("outside work").
        """
        years = {int(y) for y in _YEAR.findall(terms.text)}
        if years:
            # Dated that year, or saying it ("Led the response to the 2017 border closure").
            dated = [
                h
                for h in hits
                if self.documents[h.chunk.uid].year in years
                or any(int(y) in years for p in h.chunk.passages for y in _YEAR.findall(p))
            ]
            if dated:
                return sorted(dated, key=lambda h: h.position)
        if phrased:
            # "What does he do outside work?": a heading's words ask for its entries.
            chosen = [h for h in hits if h.chunk.section in phrased]
            return sorted(chosen, key=lambda h: h.position) or None
        asked = set(words(terms.text))
        qualified = bool(set(terms.unknown) - verbs)
        for name, section in self.corpus.site.sections.items():
            list_words = {w.lower() for w in section.list_words}
            if not asked & list_words or qualified:
                continue
            # Other topic words narrow the list ("projects ... at Amazon").
            narrowing = {keyword_terms(t)[0] for t in terms.known if keyword_terms(t)}
            narrowing -= {keyword_terms(w)[0] for w in list_words} | _LIST_FILLER
            chosen = [
                h
                for h in hits
                if h.chunk.section == name and narrowing <= self.entry_terms[h.position]
            ]
            if chosen:
                return sorted(chosen, key=lambda h: h.position)
        return self.section_named_alone(terms, hits)

    def section_named_alone(self, terms: QuestionTerms, hits: list[Hit]) -> list[Hit] | None:
        """Every entry of the one section the question's words all name, or None.

        "Where has he worked?": his jobs; "Has she published any papers?": her publications.
        Not a yes/no question whose words only read like a kind: "Has he taught anyone?"
        asks whether, not for his education. A word the portfolio never uses rules it out,
        unless it is what one does with that kind ("What software does she use?").
        """
        if not terms.known:
            return None
        if terms.predicate is not None and not all(
            self._sections_named_by_word(topic) for topic in terms.known
        ):
            return None
        named = [self.sections_named(topic) for topic in terms.known]
        if not all(named):
            return None
        common = frozenset.intersection(*named)
        if len(common) != 1:
            return None
        (name,) = common
        if any(word not in self._section_verbs[name] for word in terms.unknown):
            return None
        chosen = [h for h in hits if h.chunk.section in common]
        return sorted(chosen, key=lambda h: h.position) or None
