from __future__ import annotations

import pytest

from assistant.engine.question_terms import analyse, owner_verbs
from assistant.index.vocabulary import Vocabulary, spelled_out
from assistant.index.words import keyword_terms, unaccented, verb_lemmas, words

VOCAB = Vocabulary.from_texts(
    [
        "Akshay built the Carrier Selection Engine for shipping partners.",
        "He earned an MS from the University of Texas at Dallas; graduate school. 7-Eleven email",
        "The Split Payment System used SNAP EBT payments via Kafka.",
    ],
    common_words=["visa", "tall", "salary", "the", "people", "experienced", "phone", "worked"],
)


def test_words_keep_hyphenated_names_whole_and_split() -> None:
    assert words("7-Eleven's 7NOW") == ["7-eleven", "7eleven", "7", "eleven", "7now"]
    assert "carrier" in keyword_terms("the Carrier engines")


@pytest.mark.parametrize(
    ("typed", "repaired"),
    [
        ("carier", "carrier"),
        ("scool", "school"),
        ("paymnet", "payment"),
        ("emial", "email"),
        ("univeristy", "university"),
    ],
)
def test_typos_are_repaired(typed: str, repaired: str) -> None:
    assert VOCAB.repair(typed) == repaired


@pytest.mark.parametrize("word", ["visa", "tall", "salary"])
def test_real_words_are_never_repaired(word: str) -> None:
    # "visa" is one letter from "via", "tall" from "all": still not typos.
    assert VOCAB.repair(word) == word


def test_numbers_are_never_repaired() -> None:
    # One digit from the corpus's year is another year, not a slip.
    vocabulary = Vocabulary.from_texts(["He earned an MS in 2021."])
    assert vocabulary.repair("2022") == "2022"
    assert analyse("What did he do in 2022?", vocabulary).text == "What did he do in 2022?"


def test_clipped_words_stand_for_the_corpus_word() -> None:
    assert VOCAB.repair("grad") == "graduate"


def test_a_long_clipped_word_stands_for_the_english_word_it_begins() -> None:
    vocabulary = Vocabulary.from_texts(
        ["BA in Japanese Studies."],
        common_words="undergraduate undergraduates professor professional".split(),
    )
    assert vocabulary.repair("undergrad") == "undergraduate"
    # Too short to tell which word it begins.
    assert vocabulary.repair("prof") == "prof"


def test_irregular_forms_are_forms_of_the_same_word() -> None:
    # The stemmer leaves "led" apart from "leads" and "build" from "built"; the lexicon joins them.
    vocabulary = Vocabulary.from_texts(["Leads a docs team.", "Built the tracking API."])
    assert vocabulary.knows("led") and "leads" in vocabulary.forms("led")
    assert vocabulary.knows("build") and vocabulary.forms("build") == ("built",)
    assert not vocabulary.knows("taught") and not vocabulary.knows("bought")


def test_two_words_the_corpus_writes_as_one_are_joined() -> None:
    vocabulary = Vocabulary.from_texts(["Certified ScrumMaster.", "Threat-modelling workshops."])
    terms = analyse("Is he a certified Scrum Master?", vocabulary)
    assert "ScrumMaster" in terms.text and terms.unknown == ()
    # A hyphenated word's parts stay apart, as the question wrote them.
    assert "threat modelling" in analyse("Has she done threat modelling?", vocabulary).text


def test_what_a_yes_no_question_says_was_done() -> None:
    assert analyse("Has he reduced support tickets with better docs?", VOCAB).done_to == (
        "support",
        "tickets",
    )
    assert analyse("Has he led a team?", VOCAB).done_to == ("team",)
    assert analyse("Where did he study?", VOCAB).done_to == ()


def test_unknown_and_rare_terms() -> None:
    terms = analyse("Does he know Kubernetes or have a salary?", VOCAB)
    assert "kubernetes" in terms.unknown and "salary" in terms.unknown
    assert terms.rare_unknown == ("Kubernetes",)
    terms = analyse("Has he worked at Google?", VOCAB)
    assert terms.rare_unknown == ("Google",)


def test_question_words_are_not_topics() -> None:
    terms = analyse("Tell me about the carier engine please", VOCAB)
    assert terms.topics == ("carrier", "engine")
    assert terms.unknown == ()
    assert "carrier" in terms.text


def test_predicate_of_a_yes_no_question() -> None:
    assert analyse("Has he managed a team?", VOCAB).predicate == "managed"
    assert analyse("Is he experienced with payments?", VOCAB).predicate == "experienced"
    assert analyse("Where did he study?", VOCAB).predicate is None


def test_the_owner_is_who_is_asked_about_never_a_topic() -> None:
    vocabulary = Vocabulary.from_texts(
        ["Ada Lovelace wrote the first published program for the Analytical Engine."],
        owner="Ada Lovelace",
        pronoun="she",
    )
    terms = analyse("Has Ada published programs?", vocabulary)
    assert terms.predicate == "published" and "ada" not in terms.topics
    assert analyse("Did she publish programs?", vocabulary).predicate == "publish"
    assert analyse("Tell me about Lovelace", vocabulary).topics == ()
    # Another person's name is not the owner: no yes/no question about her.
    assert analyse("Has Grace published programs?", vocabulary).predicate is None


def test_what_the_owner_did_is_a_verb_not_a_thing_asked_about() -> None:
    vocabulary = Vocabulary.from_texts(["Ada designs tools."], owner="Ada Lovelace", pronoun="she")
    assert owner_verbs("What did she design?", vocabulary) == {"design"}
    assert owner_verbs("Which tools has Ada built?", vocabulary) == {"built"}
    assert owner_verbs("Which design tools does the team use?", vocabulary) == frozenset()


def test_equally_close_slips_prefer_the_same_letters_and_roots_find_the_word() -> None:
    vocabulary = Vocabulary.from_texts(
        ["Wrote the incident response playbook."],
        common_words=["handed", "handled", "response", "incident", "the"],
    )
    # One swap from "handled", one dropped letter from "handed": the swap.
    assert vocabulary.repair("handeld") == "handled"
    # "respons" shares its root, not its stem, with the corpus's "response".
    assert vocabulary.repair("respons") == "response"
    # So does a misspelt name with the name.
    named = Vocabulary.from_texts(["Developer Advocate, Cloudberry."], common_words=["developer"])
    assert named.repair("cloudbery") == "cloudberry"


def test_equally_close_slips_keep_the_first_letter_and_put_a_letter_back() -> None:
    vocabulary = Vocabulary.from_texts(["Tomasz is based in Wroclaw."], common_words=["based"])
    # "her" (first letter dropped), "when" (one changed) and "where" (one put back) are one
    # slip away each.
    assert vocabulary.repair("wher") == "where"


def test_where_does_she_live_asks_where_she_is_based() -> None:
    based = Vocabulary.from_texts(["Tomasz is based in Wroclaw."], common_words=["live"])
    assert analyse("Where does he live?", based).known == ("based",)
    assert analyse("wher is he located", based).known == ("based",)
    # Not a where-question, or a portfolio that names no place: the word stays itself.
    assert analyse("Does he live in Wroclaw?", based).unknown == ("live",)
    nowhere = Vocabulary.from_texts(["Tomasz built pipelines."], common_words=["live"])
    assert analyse("Where does he live?", nowhere).unknown == ("live",)


def test_a_word_of_asking_written_as_a_name_the_portfolio_uses() -> None:
    vocabulary = Vocabulary.from_texts(["Languages: Python, Go, JavaScript."], common_words=["go"])
    assert "go" in analyse("Does she know Go?", vocabulary).names
    assert analyse("Where did she go to school?", vocabulary).names == ()
    # "how long" asks about time, which the dates answer.
    assert "long" not in analyse("How long was she at Northcart?", vocabulary).topics


def test_a_dropped_letter_in_a_short_word_is_put_back() -> None:
    vocabulary = Vocabulary.from_texts(["He built it with GCP."], common_words=["work", "know"])
    assert vocabulary.repair("wrk") == "work"
    assert vocabulary.repair("knw") == "know"
    # A short name is not another word with a letter dropped.
    assert vocabulary.repair("cpp") == "cpp"


def test_texting_shorthand_is_never_a_topic() -> None:
    terms = analyse("wat did u build at Amazon", VOCAB)
    assert "wat" not in terms.topics and "u" not in terms.topics


def test_the_verbs_a_word_may_be_a_form_of() -> None:
    assert verb_lemmas("taught") == {"teach"} and "lead" in verb_lemmas("leads")
    assert verb_lemmas("managers") == frozenset()


def test_an_english_word_written_as_a_name_must_be_written_so() -> None:
    vocabulary = Vocabulary.from_texts(
        ["Taught a course on natural language processing.", "Built payments at Stripe."],
        common_words=["nature", "natural", "payments", "payment", "published", "worked"],
    )
    # "Nature" the journal is not "natural"; "Payments" is the corpus's word.
    assert analyse("Has he published in Nature?", vocabulary).rare_unknown == ("Nature",)
    assert analyse("Has he worked on Payments?", vocabulary).rare_unknown == ()


def test_equally_close_english_words_prefer_one_the_portfolio_uses() -> None:
    english = ["seek", "sleek", "speak"]
    vocabulary = Vocabulary.from_texts(["Lucas speaks Portuguese."], common_words=english)
    assert vocabulary.repair("speek") == "speak"
    # Without it, a wrong letter comes before a letter too many ("seek"), then the order.
    nowhere = Vocabulary.from_texts(["Lucas built parsers."], common_words=english)
    assert nowhere.repair("speek") == "sleek"


def test_a_slip_in_another_form_of_a_corpus_word() -> None:
    # The portfolio writes "Forecast"; "forcasting" is a slip for its other form.
    vocabulary = Vocabulary.from_texts(["Forecast loan losses."], common_words=["loan"])
    assert vocabulary.repair("forcasting") == "forecasting"
    assert vocabulary.knows("forecasting")


def test_a_word_the_portfolio_writes_only_in_capitals_is_a_name_in_any_case() -> None:
    vocabulary = Vocabulary.from_texts(
        ["WORK EXPERIENCE", "Designed buildings in Portugal and the UK.", "Work in Porto."],
        common_words=["uk", "work", "experience", "worked"],
    )
    assert analyse("has she worked in the uk", vocabulary).names == ("uk",)
    # A heading in capitals throughout names nothing; a word also written otherwise is a word.
    assert analyse("has she work experience", vocabulary).names == ()


def test_words_are_matched_without_their_accents() -> None:
    assert words("Léa studied at the Université Lumière") == [
        "lea",
        "studied",
        "at",
        "the",
        "universite",
        "lumiere",
    ]
    # One letter for one, and other scripts and letters with no accent as written.
    assert unaccented("Łódź, 東京, Ærø") == "Łodz, 東京, Ærø"
    vocabulary = Vocabulary.from_texts(["Léa works at Orbis."], owner="Léa Fontaine")
    assert analyse("Where does Lea work?", vocabulary).unknown == ()
    # What is named in a refusal is written as asked.
    assert analyse("Has she worked at Crédit Agricole?", vocabulary).rare_unknown == (
        "Crédit",
        "Agricole",
    )


def test_a_word_known_by_another_ending_is_searched_in_it() -> None:
    vocabulary = Vocabulary.from_texts(["Trainee solicitor at Hartley & Crewe."])
    assert analyse("Where did he train?", vocabulary).text.endswith(" trainee")
    # Not a longer word that begins with it.
    salesforce = Vocabulary.from_texts(["Ran Salesforce reports."])
    assert "salesforce" not in analyse("Has she done sales?", salesforce).text.lower()


def test_a_slip_the_stemmer_forgives_is_the_portfolios_spelling() -> None:
    # "taping" is no whole word of the model's English; the portfolio writes it.
    vocabulary = Vocabulary.from_texts(["Kinesio taping practitioner."], common_words=["tape"])
    assert vocabulary.repair("tapeing") == "taping"


def test_an_acronym_of_a_name_the_portfolio_spells_out() -> None:
    vocabulary = Vocabulary.from_texts(
        ["General Pharmaceutical Council, registered since 2013.", "Royal Society of Chemistry."],
        common_words=["registered", "member"],
    )
    assert spelled_out("GPhC", vocabulary) == "General Pharmaceutical Council"
    assert spelled_out("RSC", vocabulary) == "Royal Society of Chemistry"
    assert "pharmaceutical" in analyse("Is he registered with the GPhC?", vocabulary).text.lower()
    # An acronym of nothing it spells out stays a name it never mentions.
    assert analyse("Is he registered with the HCPC?", vocabulary).rare_unknown == ("HCPC",)
    assert spelled_out("Python", vocabulary) is None
