from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.errors import CorpusError
from assistant.index.corpus import load_corpus, split_sentences

ROOT = Path(__file__).resolve().parents[2]
SOURCE = (Path(__file__).resolve().parents[1] / "data" / "portfolio-source.txt").read_text(
    encoding="utf-8"
)

GOOD_ENTRY = """\
  - id: sample
    title: Sample entry
    updated: 2026-08-01
    text: >-
      Akshay built a sample system that handles many requests.
"""


def write_projects(corpus_dir: Path, body: str) -> None:
    (corpus_dir / "projects.yaml").write_text("entries:\n" + body, encoding="utf-8")


def test_real_corpus_loads() -> None:
    corpus = load_corpus(ROOT / "corpus")
    assert {d.section for d in corpus.documents} == set(corpus.site.sections)
    assert corpus.contact.email == "akshaykbkale@gmail.com"
    assert corpus.contact.linkedin == "https://www.linkedin.com/in/akshaykbkale"
    assert len({d.uid for d in corpus.documents}) == len(corpus.documents)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            GOOD_ENTRY.replace("    title: Sample entry\n", ""),
            "entry 1 'sample': field 'title' is required",
        ),
        (GOOD_ENTRY.replace("id: sample", "id: Bad_Id"), "field 'id' must be lowercase letters"),
        (
            GOOD_ENTRY + "    year: twenty\n",
            "entry 1 'sample': field 'year' must be an integer, got 'twenty'",
        ),
        (GOOD_ENTRY + "    year: 1492\n", "field 'year' must be between 1950 and 2100"),
        (GOOD_ENTRY.replace("2026-08-01", "last week"), "field 'updated' must be a date"),
        (GOOD_ENTRY + "    titel: typo\n", "field 'titel' is not a known field"),
        (GOOD_ENTRY + "    tags: not-a-list\n", "field 'tags' must be a list of strings"),
        (
            GOOD_ENTRY.replace(
                "Akshay built a sample system that handles many requests.", "MS CS, UTD, 2021."
            ),
            "is too terse; write a full sentence",
        ),
        (GOOD_ENTRY.replace("requests.", "requests"), "must be full sentences ending in '.'"),
        (GOOD_ENTRY + GOOD_ENTRY, "entry 2 'sample': field 'id' 'sample' is used by another entry"),
        ("  - just a string\n", "entry 1: must be a mapping of fields"),
        (GOOD_ENTRY + "    email: not-an-email\n", "field 'email' must be an email address"),
    ],
)
def test_bad_entries_are_named(corpus_dir: Path, entry: str, message: str) -> None:
    write_projects(corpus_dir, entry)
    with pytest.raises(CorpusError) as caught:
        load_corpus(corpus_dir)
    assert any(message in p and "projects.yaml" in p for p in caught.value.problems), (
        caught.value.problems
    )


def test_every_problem_is_reported_at_once(corpus_dir: Path) -> None:
    write_projects(
        corpus_dir,
        GOOD_ENTRY
        + "    year: twenty\n"
        + GOOD_ENTRY.replace("sample", "other").replace("    title: Sample entry\n", ""),
    )
    (corpus_dir / "skills.yaml").write_text("entries: [", encoding="utf-8")
    with pytest.raises(CorpusError) as caught:
        load_corpus(corpus_dir)
    problems = caught.value.problems
    assert len(problems) == 3
    assert any("skills.yaml: invalid YAML" in p for p in problems)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: (d / "about.yaml").unlink(), "about.yaml: file is missing"),
        (
            lambda d: (d / "notes.yaml").write_text("entries: []"),
            "notes.yaml: not a section declared in site.yaml (about, experience",
        ),
        (
            lambda d: (d / "site.yaml").write_text("owner: A B\nsections: {}\nsuggestions: []\n"),
            "field 'sections' must declare at least one section",
        ),
        (
            lambda d: (d / "site.yaml").write_text(
                "owner: A B\nsections:\n  Bad Name: {anchor: x}\nsuggestions: []\n"
            ),
            "section name 'Bad Name' must be 1-32 of a-z",
        ),
        (
            lambda d: (d / "about.yaml").write_text("- a list"),
            "must be a mapping with an 'entries' list",
        ),
        (lambda d: (d / "about.yaml").write_bytes(b"\xff\xfe"), "not UTF-8 text"),
        (
            lambda d: (d / "site.yaml").write_text("owner: ''\nsections: {}\n"),
            "field 'owner' must be a non-empty string",
        ),
        (
            lambda d: (d / "contact.yaml").write_text("entries: []"),
            "needs an entry with an 'email' field",
        ),
    ],
)
def test_bad_files_are_named(corpus_dir: Path, change, message: str) -> None:  # type: ignore[no-untyped-def]
    change(corpus_dir)
    with pytest.raises(CorpusError, match=re.escape(message)):
        load_corpus(corpus_dir)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="corpus folder not found"):
        load_corpus(tmp_path / "nowhere")


def test_sentences_split_cleanly() -> None:
    assert split_sentences("He built it in 2024.  It doubled $30 to $60. At Amazon he led.") == [
        "He built it in 2024.",
        "It doubled $30 to $60.",
        "At Amazon he led.",
    ]


def _source_words() -> set[str]:
    return set(re.findall(r"[a-z0-9$%+.\-]+", SOURCE.lower().replace("·", " ")))


def test_every_name_and_number_in_the_corpus_is_in_the_portfolio_text() -> None:
    """Grounding guard: capitalised words and figures must come from the owner's site."""
    corpus = load_corpus(ROOT / "corpus")
    source = SOURCE.lower()
    owner_words = {w.lower() for w in corpus.site.owner.split()}
    # Sentence openers and pronouns carry no fact.
    ordinary = {"he", "his", "at", "in", "before", "another", "one", "you", "the", "it"}
    unsupported = []
    for document in corpus.documents:
        for sentence in split_sentences(document.text):
            tokens = re.findall(r"[A-Za-z0-9$%+\-']+", sentence)
            for token in tokens:
                word = token.lower().strip("'").removesuffix("'s")
                has_fact = any(c.isdigit() for c in token) or token[:1].isupper()
                if not has_fact or word in owner_words or word in ordinary:
                    continue
                if word not in source:
                    unsupported.append(f"{document.uid}: {token}")
    assert unsupported == []


def test_a_quoted_date_is_a_date(corpus_dir: Path) -> None:
    write_projects(corpus_dir, GOOD_ENTRY.replace("2026-08-01", "'2026-08-01'"))
    corpus = load_corpus(corpus_dir)
    sample = next(d for d in corpus.documents if d.id == "sample")
    assert sample.updated.isoformat() == "2026-08-01"


def test_sections_are_whatever_site_yaml_declares(tmp_path: Path) -> None:
    """A résumé's sections (education, certificates...) with the contact entry anywhere."""
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "site.yaml").write_text(
        "owner: Ada Example\n"
        "sections:\n"
        "  education: {anchor: edu, label: Education, evidence: credential}\n"
        "  profile: {anchor: profile, label: Profile}\n"
        "suggestions: ['Where did she study?']\n",
        encoding="utf-8",
    )
    (corpus_dir / "education.yaml").write_text(
        "entries:\n" + GOOD_ENTRY.replace("Akshay built a sample system", "Ada studied a sample"),
        encoding="utf-8",
    )
    (corpus_dir / "profile.yaml").write_text(
        "entries:\n  - id: reach\n    title: Reach her\n    updated: '2026-01-01'\n"
        "    email: ada@example.org\n    text: >-\n      Ada reads every email sent to "
        "ada@example.org.\n",
        encoding="utf-8",
    )
    corpus = load_corpus(corpus_dir)
    assert list(corpus.site.sections) == ["education", "profile"]
    assert corpus.contact.uid == "profile/reach"
    assert corpus.site.url_for("education") == "#edu"


@pytest.mark.parametrize(
    ("line", "subject", "object_", "possessive"),
    [("", "they", "them", "their"), ("pronouns: she\n", "she", "her", "her")],
)
def test_pronouns(corpus_dir: Path, line: str, subject: str, object_: str, possessive: str) -> None:
    site = corpus_dir / "site.yaml"
    text = site.read_text(encoding="utf-8").replace("pronouns: he\n", line)
    site.write_text(text, encoding="utf-8")
    pronouns = load_corpus(corpus_dir).site.pronouns
    assert (pronouns.subject, pronouns.object, pronouns.possessive) == (
        subject,
        object_,
        possessive,
    )


@pytest.mark.parametrize("value", ["it", "[he]", "{he: him}"])
def test_unknown_pronouns_are_named(corpus_dir: Path, value: str) -> None:
    site = corpus_dir / "site.yaml"
    site.write_text(
        site.read_text().replace("pronouns: he", f"pronouns: {value}"), encoding="utf-8"
    )
    with pytest.raises(CorpusError, match="field 'pronouns' must be one of he, she, they"):
        load_corpus(corpus_dir)


def test_a_sentence_does_not_end_at_an_abbreviation() -> None:
    assert split_sentences("Brand Manager, Harbour Dairy Co. 2016 – 2020. Ran A/B tests.") == [
        "Brand Manager, Harbour Dairy Co. 2016 – 2020.",
        "Ran A/B tests.",
    ]
    assert split_sentences("Worked with Dr. Ames, e.g. on 3 trials. Then left.") == [
        "Worked with Dr. Ames, e.g. on 3 trials.",
        "Then left.",
    ]
