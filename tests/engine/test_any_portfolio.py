"""The engine on an imported portfolio it was never written for (real model, no keywords)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.engine import Assistant
from assistant.importers import import_portfolio
from assistant.index.embedding import Embedder
from assistant.settings import Settings
from assistant.startup import open_assistant
from tests.importers.support import PORTFOLIOS

pytestmark = pytest.mark.model

PORTFOLIO = """\
# Priya Raman

Backend engineer · Chennai, India · priya.raman@example.com · +91 98400 12345

## Experience

### Staff Engineer, Tollgate (2021 – present)

- Runs the payments ledger that settles 2 million toll transactions a day
- Moved the ledger from Oracle to PostgreSQL without downtime
- Works with 3 platform teams on settlement rules
- Mentors a group of 4 junior engineers

### Software Engineer, Harbourline (2016 – 2021)

- Built the container tracking API used by 40 shipping companies

### Graduate Engineer, Kolam Systems (2014 – 2016)

- Wrote billing reports in Java for telecom clients

## Projects

### Tollpath

An open-source simulator of toll plaza queues, written in Go.

### Ledgerlint

A linter that checks double-entry bookkeeping rules in SQL migrations.

## Skills

- Research: load studies, failure analysis, statistics
- Languages: Go, Java, SQL

## Education

- BTech in Computer Science, Anna University, 2014. Thesis: queueing models of toll plazas

## Outside work

Carnatic music, long-distance running and chess.

## Certifications

- AWS Certified Solutions Architect, 2020
"""


def _imported(
    factory: pytest.TempPathFactory, embedder: Embedder, name: str, source: Path, pronouns: str
) -> Assistant:
    """The assistant of a portfolio imported from `source`, as its owner would."""
    work = factory.mktemp(name)
    import_portfolio([str(source)], work / "corpus", pronouns=pronouns)
    settings = Settings(corpus_dir=work / "corpus", instance_dir=work / "instance")
    return open_assistant(settings, embedder=embedder)


def _written(factory: pytest.TempPathFactory, name: str, text: str) -> Path:
    """A Markdown source holding `text`, in a folder of its own."""
    source = factory.mktemp(f"{name}-source") / f"{name}.md"
    source.write_text(text, encoding="utf-8")
    return source


@pytest.fixture(scope="module")
def priya(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    source = _written(tmp_path_factory, "priya", PORTFOLIO)
    yield _imported(tmp_path_factory, real_embedder, "priya", source, "she")


def _answer(assistant: Assistant, question: str, session: str | None = None):  # type: ignore[no-untyped-def]
    return assistant.ask(question, session_id=session).answer


def test_order_comes_from_dates(priya: Assistant) -> None:
    assert "Harbourline" in _answer(priya, "Where did she work before Tollgate?").text
    assert "Kolam Systems" in _answer(priya, "What was her first job?").text
    # "work" names her jobs, though one of them also says she "works with 3 platform teams".
    assert "Tollgate" in _answer(priya, "Where does she work now?").text


def test_a_question_in_the_present_asks_about_now(priya: Assistant) -> None:
    # One job, in the present tense: the current one ("title" names a field, not a topic).
    assert "Tollgate" in _answer(priya, "What is her job title?").text
    assert "Kolam" not in _answer(priya, "What is her job title?").text
    # The past tense asks for all of them.
    assert "Kolam Systems" in _answer(priya, "Where has she worked?").text


def test_a_label_using_a_word_otherwise_does_not_take_it(priya: Assistant) -> None:
    # Her interests are headed "Outside work": "work" still means her jobs.
    answer = _answer(priya, "Where does Priya work now?")
    assert not answer.abstained and "Tollgate" in answer.text
    assert "chess" in _answer(priya, "What are her hobbies?").text
    # Nor does her project need to say "work" to be what she worked on.
    answer = _answer(priya, "Has she worked on Ledgerlint?")
    assert not answer.abstained and "double-entry bookkeeping" in answer.text


def test_the_place_under_her_name_is_where_she_is_based(priya: Assistant) -> None:
    assert "Chennai" in _answer(priya, "Where is she based?").text


def test_a_detail_of_the_current_job_is_not_the_current_job(priya: Assistant) -> None:
    # "now" asks about time, but "transactions" is said inside an entry, not in its opening.
    answer = _answer(priya, "How many toll transactions does the ledger settle now?")
    assert "2 million" in answer.text


def test_and_before_that_follows_the_last_answer(priya: Assistant) -> None:
    _answer(priya, "Where did she work before Tollgate?", "s-before")
    assert "Kolam Systems" in _answer(priya, "and before that?", "s-before").text


def test_an_ordinary_word_the_portfolio_words_otherwise(priya: Assistant) -> None:
    # "hobbies": the section is called Interests.
    answer = _answer(priya, "What are her hobbies?")
    assert not answer.abstained and "chess" in answer.text


def test_a_name_held_by_the_wrong_kind_of_entry_is_refused(priya: Assistant) -> None:
    # Java is in her work, not in a certification.
    assert _answer(priya, "Does she have a Java certification?").abstained
    assert not _answer(priya, "Does she have an AWS certification?").abstained


def test_a_thing_narrowed_by_a_word_she_never_uses_is_refused(priya: Assistant) -> None:
    # Her queues are toll plaza queues.
    refused = _answer(priya, "Has she worked on airport queues?")
    assert refused.abstained and "airport queues" in refused.text
    assert not _answer(priya, "Has she worked on toll plaza queues?").abstained


def test_an_amount_asked_needs_a_sentence_stating_one(priya: Assistant) -> None:
    refused = _answer(priya, "Has she written over 1,000 billing reports?")
    assert refused.abstained and refused.reason == "no_count"
    # The sentence states its own number: the recruiter compares.
    answer = _answer(priya, "Has she mentored more than 10 engineers?")
    assert not answer.abstained and "4 junior engineers" in answer.text


def test_chat_words_are_never_the_reason_to_refuse(priya: Assistant) -> None:
    answer = _answer(priya, "contact info pls")
    assert not answer.abstained and "priya.raman@example.com" in answer.text


def test_another_language(priya: Assistant) -> None:
    assert "Tollgate" in _answer(priya, "¿Trabaja en Tollgate?").text
    refused = _answer(priya, "Wo hat sie studiert?")
    assert refused.abstained and "in English" in refused.text


def test_the_second_one_is_the_second_item_listed(priya: Assistant) -> None:
    listed = _answer(priya, "Which projects has she built?", "s-list")
    assert listed.cited_ids[:2] == ("projects/tollpath", "projects/ledgerlint")
    # A name alone says nothing of a project: the sentence after it comes too.
    assert "simulator of toll plaza queues" in listed.text
    assert "double-entry" in _answer(priya, "tell me more about the second one", "s-list").text


def test_the_section_a_question_reads_like_comes_first(priya: Assistant) -> None:
    # "study" is also a word of her skills ("load studies"); the question reads like Education.
    assert "Anna University" in _answer(priya, "Where did she study?").text


def test_comparisons_come_from_the_numbers_stated(priya: Assistant) -> None:
    answer = _answer(priya, "Which of her jobs had the biggest scale?")
    assert "Tollgate" in answer.text and "2 million toll transactions" in answer.text
    # What decided is quoted from the cited entry.
    assert "2 million toll transactions" in answer.citations[0].snippet
    refused = _answer(priya, "Which of her projects had the most users?")
    assert refused.abstained and refused.reason == "no_count"
    # "companies" is what is counted here, not the jobs it also names: her projects count none.
    companies = _answer(priya, "Which of her projects has the most companies?")
    assert companies.abstained and companies.reason == "no_count"


def test_a_word_one_entry_alone_uses_points_at_it(priya: Assistant) -> None:
    # Only her degree mentions a thesis, though the rest of its entry is far from the question.
    answer = _answer(priya, "What was her thesis about?")
    assert "queueing models" in answer.text


def test_an_entry_titled_by_a_word_of_the_question(priya: Assistant) -> None:
    # "languages" is the title of one of her skills, far from the rest of the question.
    answer = _answer(priya, "Which languages does she write code in?")
    assert "Go, Java, SQL" in answer.text


def test_and_at_another_place_quotes_that_entry_as_the_question_did(
    priya: Assistant,
) -> None:
    _answer(priya, "What did she do at Harbourline?", "s-swap")
    answer = _answer(priya, "and at Kolam Systems?", "s-swap")
    assert "billing reports" in answer.text


def test_how_long_from_the_dates(priya: Assistant) -> None:
    assert "2016 – 2021" in _answer(priya, "How long was she at Harbourline?").text


def test_two_questions_in_one(priya: Assistant) -> None:
    answer = _answer(priya, "Which projects has she built? Where did she study?")
    assert "Tollpath" in answer.text and "Anna University" in answer.text
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))


def test_the_thing_asked_about_spelled_out_in_one_sentence_answers(priya: Assistant) -> None:
    # "handled" is not her word, but container tracking is what one sentence says she built.
    answer = _answer(priya, "Has she handled container tracking?")
    assert not answer.abstained and "container tracking API" in answer.text
    # One shared word is not enough: she never says she taught anything.
    assert _answer(priya, "Has she taught Java?").abstained


def test_where_she_lives_is_where_she_is_based(priya: Assistant) -> None:
    answer = _answer(priya, "wher does she live?")
    assert not answer.abstained and "Chennai" in answer.text


def test_a_degree_asked_in_words_finds_it_written_short(priya: Assistant) -> None:
    answer = _answer(priya, "Does she have a bachelor's degree?")
    assert not answer.abstained and "BTech in Computer Science" in answer.text
    # She has no master's: its words are not hers.
    assert _answer(priya, "Does she have a master's degree?").abstained


def test_how_many_finds_the_sentence_that_gives_a_number_of_the_thing(priya: Assistant) -> None:
    # One word of the question ("group"), in a sentence that gives a number of it.
    answer = _answer(priya, "How big is her group?")
    assert not answer.abstained and "4 junior engineers" in answer.text


def test_a_verb_in_another_irregular_form(priya: Assistant) -> None:
    # "build" and "Built": not one stem, one word.
    answer = _answer(priya, "Did she build an API?")
    assert not answer.abstained and "container tracking API" in answer.text


def test_worked_with_a_skill_is_answered_by_her_skills(priya: Assistant) -> None:
    # Working is done with every kind of entry: only "at" an organisation is it her jobs.
    answer = _answer(priya, "Has she worked with statistics?")
    assert not answer.abstained and "statistics" in answer.text
    assert _answer(priya, "Has she worked at Anna University?").abstained


def test_what_was_done_spelled_out_answers_however_the_question_says_how(
    priya: Assistant,
) -> None:
    # "improved" and "better tests" are not her words; the container tracking API is.
    answer = _answer(priya, "Has she improved the container tracking API with better tests?")
    assert not answer.abstained and "container tracking API" in answer.text
    # One thing done ("Java") spells out nothing: what she did with it must be said.
    assert _answer(priya, "Has she taught Java?").abstained


def test_a_slip_in_the_opening_auxiliary_is_repaired(priya: Assistant) -> None:
    # "dose" is an English word, but before "she" it can only be "does".
    answer = _answer(priya, "dose she kno Java")
    assert not answer.abstained and "Java" in answer.text


def test_how_many_in_a_verb_she_never_uses_is_the_amount_stated(priya: Assistant) -> None:
    # "process" is not her word; "... settles 2 million toll transactions a day" states it.
    answer = _answer(priya, "How many toll transactions does she process?")
    assert not answer.abstained and "2 million toll transactions" in answer.text


def test_a_short_form_stands_for_the_word_it_shortens(priya: Assistant) -> None:
    # "stats": the same opening letters as "statistics", and close in meaning.
    answer = _answer(priya, "Does she know stats?")
    assert not answer.abstained and "statistics" in answer.text


# A second owner whose labels use the words recruiters ask with otherwise ("Case studies",
# "Work"), with a Languages section and no place line.
SOFIA = """\
# Sofia Marchetti

Machine learning engineer in Turin, Italy. sofia@example.it

## Work

### Staff ML Engineer, Vetrina (2023 – present)

- Shipped a ranking model that raised search conversion by 11%

### ML Engineer, Trattoria Labs (2019 – 2023)

- Trained demand forecasting models for 300 restaurants
- Kept the table booking service running through the holidays

## Case studies

### Forecasting for kitchens

Cutting food waste at partner restaurants by 18%.

## Skills

- Models: gradient boosting, transformers
- Tools: Python, PyTorch, LightGBM, Kubeflow

## Education

MSc in Applied Mathematics, Politecnico di Torino, 2016.

## Talks

- "Forecasting for small kitchens", PyData Milan, 2022

## Languages

Italian (native), French (conversational).
"""


@pytest.fixture(scope="module")
def sofia(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    source = _written(tmp_path_factory, "sofia", SOFIA)
    yield _imported(tmp_path_factory, real_embedder, "sofia", source, "she")


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        # What one does with a kind of entry needs no entry using the word: languages are
        # spoken, tools used.
        ("Does she speak French?", "French (conversational)"),
        ("What tools does she use?", "Kubeflow"),
        ("Does she program in Python?", "Python"),
        # ... and names that kind where a label uses the word otherwise.
        ("Where did she study?", "Politecnico di Torino"),
        ("What degree does she hold?", "MSc in Applied Mathematics"),
        ("Where does she work at the moment?", "Vetrina"),
        # A place in the tagline is where she is based.
        ("Where is she based?", "Turin"),
        # A list of one job ("production" reads like her companies) is quoted by the
        # sentence that answers, not by its opening alone.
        ("Has she done demand forecasting in production?", "demand forecasting models"),
    ],
)
def test_what_the_owner_does_with_a_kind_of_entry(
    sofia: Assistant, question: str, fact: str
) -> None:
    answer = _answer(sofia, question)
    assert not answer.abstained and fact in answer.text


def test_a_verb_of_another_kind_is_still_refused(sofia: Assistant) -> None:
    # Teaching is not what one does with skills or languages.
    assert _answer(sofia, "Has she taught PyTorch?").abstained


def test_a_verb_the_portfolio_never_uses_is_not_answered_by_a_kind_it_reads_like(
    sofia: Assistant,
) -> None:
    # "teach" reads like her education, but a university is not where she taught.
    answer = _answer(sofia, "Which university did she teach at?")
    assert answer.abstained and answer.reason == "not_done"


def test_a_word_the_portfolio_uses_only_in_another_sense_is_not_known(
    sofia: Assistant,
) -> None:
    # The stemmer makes "booking" a form of "book"; it means something else.
    assert _answer(sofia, "Has she written a book?").abstained
    answer = _answer(sofia, "Has she worked on bookings?")
    assert not answer.abstained and "table booking service" in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "Has Priya worked on toll transactions?",
        "Has Priya Raman built a tracking API?",
        "What does Priya's ledger settle?",
    ],
)
def test_her_name_in_a_question_does_not_pull_up_the_entries_that_write_it(
    priya: Assistant, question: str
) -> None:
    # Her introduction and contact details write her name; the work that answers does not.
    answer = _answer(priya, question)
    assert not answer.abstained
    assert answer.citations[0].id.startswith("experience/")


def test_a_sentence_saying_what_she_did_outweighs_an_entry_titled_by_the_thing(
    sofia: Assistant,
) -> None:
    # Her skills are titled Models; what she trained is in her work.
    answer = _answer(sofia, "What models has she trained?")
    assert "demand forecasting models" in answer.text
    assert "gradient boosting" in _answer(sofia, "What models does she know?").text


def test_a_change_with_its_size_answers_a_verb_she_never_uses(sofia: Assistant) -> None:
    # "reduced" is not her word; "Cutting food waste ... by 18%" gives the size of the change.
    answer = _answer(sofia, "Has she reduced waste?")
    assert not answer.abstained and "by 18%" in answer.text
    # A change in something else is no answer.
    assert _answer(sofia, "Has she reduced forecasting errors?").abstained


def test_a_verb_read_as_a_section_word_still_fits_its_own_kind(sofia: Assistant) -> None:
    # "speak" reads like her Talks; Italian is among her languages, which are spoken.
    answer = _answer(sofia, "Does she speak Italian?")
    assert not answer.abstained and "Italian (native)" in answer.text
    # Turin is only where she is based: neither a talk nor a language.
    assert _answer(sofia, "Has she spoken in Turin?").abstained


@pytest.fixture(scope="module")
def mireille(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A one-page site that writes each job's dates on a line of their own, under its heading.
    source = PORTFOLIOS / "game-programmer-html" / "index.html"
    yield _imported(tmp_path_factory, real_embedder, "mireille", source, "she")


def test_dates_on_their_own_line_order_the_jobs(mireille: Assistant) -> None:
    assert "Pinecone" in _answer(mireille, "Where did she work before Lumen Forge?").text


def test_the_entry_titled_by_a_name_is_about_it(mireille: Assistant) -> None:
    # Her GitHub link, not the project with 2,300 stars on GitHub.
    answer = _answer(mireille, "What's her GitHub?")
    assert "github.com/mfontaine" in answer.text and "stars" not in answer.text


@pytest.fixture(scope="module")
def niamh(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A PDF résumé with a summary that sums up her jobs in general words.
    source = PORTFOLIOS / "data-analyst-pdf" / "resume.pdf"
    yield _imported(tmp_path_factory, real_embedder, "niamh", source, "she")


def test_what_she_did_in_the_verb_asked_is_quoted_first(niamh: Assistant) -> None:
    # Her Brambly Foods job has three other lines that read more like the question.
    assert "sales dashboard" in _answer(niamh, "What did she build at Brambly Foods?").text


def test_the_entry_that_did_it_outweighs_the_summary_saying_so(niamh: Assistant) -> None:
    # The summary says "dashboards that store managers actually use"; the job says how many.
    answer = _answer(niamh, "Has Niamh built dashboards for store managers before?")
    assert "140 store managers" in answer.text


def test_a_skill_listed_comes_with_a_line_of_work_using_it(niamh: Assistant) -> None:
    # "Methods: forecasting, ..." says she has the skill; her job says what she did with it.
    answer = _answer(niamh, "Tell me about her forecasting").text
    assert "Methods: forecasting" in answer and "cutting food waste by 12%" in answer
    # A list of her tools asks for the list alone.
    assert "food waste" not in _answer(niamh, "What tools does she use?").text


@pytest.fixture(scope="module")
def kenji(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A Markdown résumé naming a university both as a job and inside another job's line.
    source = PORTFOLIOS / "robotics-engineer-markdown" / "resume.md"
    yield _imported(tmp_path_factory, real_embedder, "kenji", source, "he")


def test_at_a_name_is_the_entry_titled_by_it(kenji: Assistant) -> None:
    # Not "Mentors 2 working students from TU Munich" in his Lagerwerk job.
    kenji.ask("What did he build at Feldhaus Automation?", session_id="tu")
    answer = _answer(kenji, "What about at TU Munich?", session="tu")
    assert "grasp planning" in answer.text


def test_a_title_naming_a_word_before_the_thing_asked_is_not_about_it(kenji: Assistant) -> None:
    # "robot arms" are not his skills titled Robotics.
    assert "UR10 arm" in _answer(kenji, "Has he worked with robot arms?").text


def test_two_parts_quoting_one_entry_cite_both_sentences(kenji: Assistant) -> None:
    answer = _answer(kenji, "Where does he work and what does he lead there?")
    assert "Lagerwerk" in answer.text and "motion planning" in answer.text
    assert "motion planning" in answer.citations[0].snippet


@pytest.fixture(scope="module")
def grace(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A plain-text résumé: a shouted name, her title and her city on lines of their own.
    source = PORTFOLIOS / "solutions-architect-text" / "resume.txt"
    yield _imported(tmp_path_factory, real_embedder, "grace", source, "she")


def test_a_question_about_the_owner_alone_is_her_introduction(grace: Assistant) -> None:
    answer = _answer(grace, "What's her title?")
    assert not answer.abstained and "Solutions Architect" in answer.text
    assert answer.text.startswith("Grace Mwangi")  # not "GRACE MWANGI"


def test_how_many_counts_the_thing_not_what_she_did(grace: Assistant) -> None:
    # "work" reads like her jobs; the banks are counted in one line of one of them.
    assert "30 banks" in _answer(grace, "How many banks does she work with?").text


def test_experience_with_a_skill_needs_no_job_holding_it(grace: Assistant) -> None:
    answer = _answer(grace, "Does she have experience with ISO 8583?")
    assert not answer.abstained and "ISO 8583" in answer.text
    # A job at an organisation still needs a job there.
    assert _answer(grace, "Has she worked at Scrum Alliance?").abstained


def test_a_verb_asked_alone_is_answered_by_the_line_doing_it(grace: Assistant) -> None:
    # "Has she designed anything?" reads like no kind of entry; "Designs payment
    # integrations ..." says she does. Not a noun sharing the verb's stem.
    answer = _answer(grace, "Has she designed anything?")
    assert not answer.abstained and "Designs payment integrations" in answer.text


def test_how_much_in_a_verb_she_never_uses_is_the_size_of_the_change(sofia: Assistant) -> None:
    # "reduce" is not her word; "Cutting food waste ... by 18%" gives the size.
    answer = _answer(sofia, "How much did she reduce food waste?")
    assert not answer.abstained and "by 18%" in answer.text
    # A thing no sentence gives a change in stays refused.
    assert _answer(sofia, "How much did she reduce salaries?").abstained


def test_what_was_done_for_something_is_not_the_entry_titled_by_it(kenji: Assistant) -> None:
    # "for robots" says what the software was for; his skills titled Robotics are no answer.
    answer = _answer(kenji, "Has Kenji built navigation software for robots?")
    assert "navigation stack" in answer.text


@pytest.fixture(scope="module")
def amara(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A plain-text résumé whose talk is titled with what one of her jobs did.
    source = PORTFOLIOS / "ux-researcher-text" / "resume.txt"
    yield _imported(tmp_path_factory, real_embedder, "amara", source, "she")


def test_a_line_of_work_doing_it_outweighs_a_talk_titled_with_it(amara: Assistant) -> None:
    answer = _answer(amara, "Has she built a research repository before?").text
    assert "Set up a research repository" in answer and "people actually use" not in answer
    # Speaking about it is what the talk shows.
    answer = _answer(amara, "Has she spoken about research repositories?").text
    assert "people actually use" in answer


@pytest.fixture(scope="module")
def tomas(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A GitHub profile README with a section "What I'm working on".
    source = PORTFOLIOS / "backend-engineer-readme" / "README.md"
    yield _imported(tmp_path_factory, real_embedder, "tomas", source, "he")


def test_a_sentence_as_close_as_the_best_is_quoted_from_a_weaker_entry(tomas: Assistant) -> None:
    # "Building the ledger service" leads; his Cuota job, which says more of other things,
    # holds "Designed the double-entry ledger".
    answer = _answer(tomas, "Has he built a ledger before?").text
    assert "Building the ledger service" in answer and "double-entry ledger" in answer


def test_a_verb_of_a_kind_of_entry_stands_for_no_section_of_another_kind(tomas: Assistant) -> None:
    # "use" is what one does with skills, not "What I'm working on" ("working" is near it).
    answer = _answer(tomas, "What cloud does he use?")
    assert "ledger" not in answer.text
    assert "Kafka" in _answer(tomas, "What tools does he use?").text


@pytest.fixture(scope="module")
def ines(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A PDF résumé listing her programs under "Software" and summing up her work in a profile.
    source = PORTFOLIOS / "structural-engineer-pdf" / "resume.pdf"
    yield _imported(tmp_path_factory, real_embedder, "ines", source, "she")


def test_what_one_does_with_the_kind_of_a_section_named_asks_for_it(ines: Assistant) -> None:
    # "use" is no word of hers; it is what one does with software.
    answer = _answer(ines, "What software does she use?")
    assert not answer.abstained and "Tekla Structures" in answer.text
    assert "Tekla Structures" in _answer(ines, "Has she used Tekla?").text
    assert _answer(ines, "Has she used Abaqus?").abstained


def test_a_summary_comes_with_the_line_of_work_doing_it(ines: Assistant) -> None:
    # Only her profile says "mass-timber structures"; her job says what she designed.
    answer = _answer(ines, "Has she designed mass timber structures?").text
    assert "mass-timber structures" in answer and "cross-laminated timber" in answer


@pytest.fixture(scope="module")
def advocate(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A one-page site whose introduction and skills sum up what her jobs did.
    source = PORTFOLIOS / "advocate-html" / "index.html"
    yield _imported(tmp_path_factory, real_embedder, "advocate", source, "she")


def test_a_summary_comes_with_the_line_of_work_holding_the_thing(advocate: Assistant) -> None:
    # "... run the workshops" and "Speaking: workshops, ..." say she does; a job says how many.
    answer = _answer(advocate, "Has she run workshops?").text
    assert "run the workshops" in answer and "Organised 30 workshops" in answer


def test_a_question_asking_for_countries_finds_the_ones_named(grace: Assistant) -> None:
    # No sentence says "country"; one names three.
    answer = _answer(grace, "What countries has she worked in?")
    assert not answer.abstained and "Kenya, Uganda and Tanzania" in answer.text
    assert _answer(grace, "Has she worked in Germany?").abstained


@pytest.fixture(scope="module")
def lucas(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A research scientist's JSON Resume: "computer" only in his Computer Science degree.
    source = PORTFOLIOS / "nlp-scientist-json" / "resume.json"
    yield _imported(tmp_path_factory, real_embedder, "lucas", source, "he")


def test_jobs_quoted_for_the_verb_alone_do_not_answer_a_thing_never_named(lucas: Assistant) -> None:
    # "vision" is no word of his; his jobs, quoted for "worked", name no computer either.
    assert _answer(lucas, "Has he worked on computer vision?").abstained
    # A thing he names is still answered.
    assert not _answer(lucas, "Has he worked on speech recognition?").abstained


@pytest.fixture(scope="module")
def marta(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A Markdown portfolio with a Contact section ("send" reads like it).
    source = PORTFOLIOS / "data-journalist-markdown" / "portfolio.md"
    yield _imported(tmp_path_factory, real_embedder, "marta", source, "she")


def test_how_many_in_a_verb_read_as_a_section_word_is_the_amount_stated(marta: Assistant) -> None:
    # "send" is no word of hers and reads like Contact; the sentence states "120 hospitals".
    answer = _answer(marta, "How many hospitals did she send requests to?")
    assert "120 hospitals" in answer.text


@pytest.fixture(scope="module")
def aiko(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A plain-text résumé: "Manages" accounts and people, "support" only in her first job.
    source = PORTFOLIOS / "customer-success-text" / "resume.txt"
    yield _imported(tmp_path_factory, real_embedder, "aiko", source, "she")


def test_a_thing_partly_named_needs_a_sentence_saying_the_deed_asked(aiko: Assistant) -> None:
    # "team" is no word of hers; "Answered enterprise support tickets" never says managed.
    assert _answer(aiko, "Has she managed a support team?").abstained
    # A thing she names whole is answered, whatever the verb.
    answer = _answer(aiko, "Has she managed enterprise accounts?")
    assert "35 enterprise accounts" in answer.text


@pytest.fixture(scope="module")
def chemist(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A one-page site: "Medicinal chemist, Gothenburg, Sweden" under her name, tools in Methods.
    source = PORTFOLIOS / "chemist-html" / "index.html"
    yield _imported(tmp_path_factory, real_embedder, "chemist", source, "she")


def test_a_number_given_exactly_must_be_the_one_stated(chemist: Assistant) -> None:
    assert _answer(chemist, "Has she run phase 3 trials?").abstained
    assert "phase 1 trials" in _answer(chemist, "Has she run phase 1 trials?").text
    assert _answer(chemist, "Does she supervise 5 chemists?").abstained
    # A bound is not a number given exactly.
    assert "over 600 compounds" in _answer(chemist, "Has she made over 500 compounds?").text


def test_a_scientists_methods_are_her_skills(chemist: Assistant) -> None:
    assert "ChemDraw" in _answer(chemist, "Does she use ChemDraw?").text
    assert "Gothenburg" in _answer(chemist, "Where is she based?").text


def test_a_word_one_entry_alone_uses_outweighs_the_present_tense(chemist: Assistant) -> None:
    # "does she work" reads like now (her current job); "diseases" is her profile's alone.
    assert "inflammatory diseases" in _answer(chemist, "What diseases does she work on?").text


@pytest.fixture(scope="module")
def daniel(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A Markdown résumé: his degree under "Qualifications", a place after an em dash.
    source = PORTFOLIOS / "financial-analyst-markdown" / "resume.md"
    yield _imported(tmp_path_factory, real_embedder, "daniel", source, "he")


def test_what_one_does_with_a_kind_names_its_section_however_labelled(daniel: Assistant) -> None:
    # "study" is near none of "Qualifications", "degrees", "schools", "universities" (0.52).
    assert "University of Ghana" in _answer(daniel, "Where did he study?").text


def test_the_present_asks_nothing_of_a_thing_never_named(daniel: Assistant) -> None:
    # "current" reads like now; his latest-dated entry (ACCA, 2020) is no salary.
    assert _answer(daniel, "What's his current salary?").abstained
    assert "Volta Mobile" in _answer(daniel, "What is his current job?").text


@pytest.fixture(scope="module")
def priya_nair(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A plain-text CV: a nurse, her phone in the UK's national format.
    source = PORTFOLIOS / "nurse-text" / "cv.txt"
    yield _imported(tmp_path_factory, real_embedder, "priya-nair", source, "she")


def test_what_she_is_named_last_must_be_a_word_of_hers(priya_nair: Assistant) -> None:
    # "nurse" is hers, "prescriber" is not: her tagline is no answer.
    assert _answer(priya_nair, "Is she a nurse prescriber?").abstained
    assert "NMC registered nurse" in _answer(priya_nair, "Is she a registered nurse?").text
    assert "07700 900123" in _answer(priya_nair, "What's her phone number?").text


@pytest.fixture(scope="module")
def lea(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A Markdown résumé with accented names: a former physics teacher ("Lycée", "Université").
    source = PORTFOLIOS / "instructional-designer-markdown" / "portfolio.md"
    yield _imported(tmp_path_factory, real_embedder, "lea", source, "she")


def test_a_name_is_the_same_with_or_without_its_accents(lea: Assistant) -> None:
    assert "Orbis Software" in _answer(lea, "Where does Léa work now?").text
    assert "Orbis Software" in _answer(lea, "Where does Lea work now?").text
    assert "Physics Teacher" in _answer(lea, "What did she do at Lycee Ampere?").text


def test_a_deed_done_to_something_else_is_no_answer(lea: Assistant) -> None:
    # She taught at a lycée; the université is where she studied.
    assert _answer(lea, "Has she taught at a university?").abstained
    assert "Taught physics" in _answer(lea, "Has she taught physics?").text
    # The deed in any form of its verb, said by her job, not her degree's "teaching track".
    assert "Taught physics" in _answer(lea, "Did she teach physics?").text


def test_what_she_was_is_the_title_that_names_it(lea: Assistant) -> None:
    # "teacher" reads like Education (her "teaching track" degree); her job says it.
    assert "Physics Teacher" in _answer(lea, "Was she a teacher?").text


@pytest.fixture(scope="module")
def herrera(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A one-page site: jobs as cards (the employer on the line of dates), results in a table.
    source = PORTFOLIOS / "supply-chain-html" / "index.html"
    yield _imported(tmp_path_factory, real_embedder, "herrera", source, "he")


def test_joining_an_employer_is_when_the_job_began(herrera: Assistant) -> None:
    assert "2019" in _answer(herrera, "When did he join Norte Appliances?").text


def test_a_year_asked_finds_the_sentence_that_says_it(herrera: Assistant) -> None:
    # His job spans 2014 – 2019; its line about 2017 is what happened then.
    assert "2017 border closure" in _answer(herrera, "What happened in 2017?").text


def test_where_and_how_long_before_an_employer(herrera: Assistant) -> None:
    answer = _answer(herrera, "Where did he work and for how long before Norte Appliances?")
    assert "Ruedas Automotive" in answer.text and "2014 – 2019" in answer.text
    assert "China to Mexico" in _answer(herrera, "Has he done nearshoring?").text


def test_a_word_standing_in_for_the_kind_worked_at_is_not_his(herrera: Assistant) -> None:
    # "pharmaceuticals" reads like "companies" (0.53), the kind of entry one works at.
    answer = _answer(herrera, "Has he worked in pharmaceuticals?")
    assert answer.abstained and "pharmaceuticals" in answer.text
    assert "Ruedas Automotive" in _answer(herrera, "Has he worked in automotive?").text


def test_contact_asked_of_a_get_in_touch_section(herrera: Assistant) -> None:
    # No word of his says "contact": his section is "Get in touch".
    for question in (
        "How can I contact him?",
        "contact info pls",
        "Wie lautet seine E-Mail-Adresse?",
    ):
        assert "tomas.herrera@example.mx" in _answer(herrera, question).text, question


@pytest.fixture(scope="module")
def aroha(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A PDF résumé: "Role, Company" lines with the dates at their right end.
    source = PORTFOLIOS / "marketing-manager-pdf" / "resume.pdf"
    yield _imported(tmp_path_factory, real_embedder, "aroha", source, "she")


def test_a_verb_of_the_kind_listing_a_name_fits_though_a_job_names_it_first(
    aroha: Assistant,
) -> None:
    # HubSpot is in her skills and in a job's line; "used" is what one does with skills.
    assert "HubSpot" in _answer(aroha, "Has she used HubSpot?").text


def test_when_a_dated_entry_named_began_whatever_the_verb(aroha: Assistant) -> None:
    assert "2020 – Present" in _answer(aroha, "When did she start at Kaitiaki Tours?").text
    # "Co." ends no sentence: the job's opening keeps its dates.
    assert "2016 – 2020" in _answer(aroha, "How long was she at Harbour Dairy?").text
    # Not an undated entry naming it (Google Ads in her skills), nor a deed never said.
    assert _answer(aroha, "When did she join Google?").abstained
    assert _answer(aroha, "Has she started a company?").abstained


@pytest.fixture(scope="module")
def ingrid(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A JSON Resume document: a landscape architect, her current job with no end date.
    source = PORTFOLIOS / "landscape-architect-json" / "resume.json"
    yield _imported(tmp_path_factory, real_embedder, "ingrid", source, "she")


def test_before_that_is_before_the_entry_the_last_answer_was_first_about(
    ingrid: Assistant,
) -> None:
    # The first answer cites her current job first, then the one before it.
    ingrid.ask("Where does Ingrid work?", session_id="jobs")
    assert "Byrum Studio" in _answer(ingrid, "and before that?", session="jobs").text


def test_a_verb_read_as_a_kind_of_entry_is_no_deed_of_it(ingrid: Assistant) -> None:
    # "teach" reads like Education; teaching is not what one does with a degree.
    assert _answer(ingrid, "Does she teach at a university?").abstained
    assert "Norwegian University of Life Sciences" in _answer(ingrid, "Where did she study?").text


@pytest.fixture(scope="module")
def achterberg(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A Markdown profile of a lawyer: jobs in paragraphs, admissions dated like the jobs.
    source = PORTFOLIOS / "lawyer-markdown" / "profile.md"
    yield _imported(tmp_path_factory, real_embedder, "achterberg", source, "he")


def test_now_is_an_entry_that_goes_on_when_no_kind_is_named(achterberg: Assistant) -> None:
    # His admission to the Dutch bar is dated 2021 too; his job since 2021 goes on.
    assert "Senior Associate" in _answer(achterberg, "What is his current title?").text


def test_a_professional_degree_written_short(achterberg: Assistant) -> None:
    assert "LLM" in _answer(achterberg, "Does he have a master's degree?").text
    assert "Hartley & Crewe" in _answer(achterberg, "Where did he train?").text


@pytest.fixture(scope="module")
def ravi(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A plain-text CV: a pharmacist, his name in capitals with the letters after it.
    source = PORTFOLIOS / "pharmacist-text" / "resume.txt"
    yield _imported(tmp_path_factory, real_embedder, "ravi", source, "he")


def test_a_title_asked_with_the_verb_of_its_kind(ravi: Assistant) -> None:
    # "use" is no word of his; it is what one does with skills, "Systems" among them.
    assert "ProScript" in _answer(ravi, "Which pharmacy systems does he use?").text
    assert "General Pharmaceutical Council" in _answer(ravi, "Is he registered with the GPhC?").text


@pytest.fixture(scope="module")
def nadia(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A Markdown CV whose jobs are bold company lines over bullets.
    source = PORTFOLIOS / "event-producer-markdown" / "cv.md"
    yield _imported(tmp_path_factory, real_embedder, "nadia", source, "she")


def test_counting_a_thing_in_the_present_is_no_question_of_now(nadia: Assistant) -> None:
    # "does she work" reads like now; the number of suppliers is in a line, not the opening.
    assert "40 suppliers" in _answer(nadia, "How many suppliers does she work with?").text
    assert "AED 6 million" in _answer(nadia, "How large are her budgets?").text
    assert "2020" in _answer(nadia, "When did she join Lumen Live Events?").text


@pytest.fixture(scope="module")
def sipho(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    # A site whose contact paragraph links to GitHub inline, and a project "with 800 stars on
    # GitHub".
    source = PORTFOLIOS / "qa-engineer-html" / "index.html"
    yield _imported(tmp_path_factory, real_embedder, "sipho", source, "he")


@pytest.mark.parametrize("question", ["What's his GitHub?", "github link?", "Is he on GitHub?"])
def test_a_site_asked_alone_is_the_entry_linking_to_it(sipho: Assistant, question: str) -> None:
    assert "github.com/sndlovu" in _answer(sipho, question).text


def test_a_site_used_is_not_the_link_to_it(sipho: Assistant) -> None:
    assert "github.com/sndlovu" not in _answer(sipho, "Does he use GitHub?").text
    assert "800 stars" in _answer(sipho, "How many stars does flakehunter have on GitHub?").text
