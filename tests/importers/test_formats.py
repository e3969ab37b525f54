"""Each format imports into a corpus that passes the check, with every entry traceable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from assistant.importers import import_portfolio
from assistant.index.corpus import load_corpus
from tests.importers.support import PORTFOLIOS

JSON_RESUME = PORTFOLIOS / "data-engineer-json" / "resume.json"
MARKDOWN = PORTFOLIOS / "designer-markdown" / "portfolio.md"
HTML = PORTFOLIOS / "scientist-html" / "index.html"


def _text(corpus_dir: Path) -> str:
    return " ".join(d.text for d in load_corpus(corpus_dir).documents)


def test_json_resume(tmp_path: Path) -> None:
    import_portfolio([str(JSON_RESUME)], tmp_path / "c", pronouns="he")
    corpus = load_corpus(tmp_path / "c")
    assert corpus.site.owner == "Tomasz Wierzbicki"
    assert corpus.site.pronouns.subject == "he"
    by_uid = corpus.by_uid()
    paywise = by_uid["work-experience/senior-data-engineer-at-paywise"]
    assert paywise.org == "Paywise" and paywise.start == "2022-03" and paywise.end == "present"
    assert paywise.source == "resume.json: $.work[0]"
    # Highlights are kept as written, as sentences.
    assert "Introduced data contracts checked in CI for 140 Kafka topics." in paywise.text
    koszyk = by_uid["work-experience/data-engineer-at-koszyk"]
    assert koszyk.text.startswith("Tomasz worked as Data Engineer at Koszyk from January 2019")
    assert {"education", "certificates", "awards", "publications", "skills", "languages"} <= set(
        corpus.site.sections
    )
    assert corpus.site.sections["education"].evidence == "credential"
    assert "hobbies" in corpus.site.sections["interests"].list_words
    # The contact entry holds the email, the phone and the links exactly as given.
    contact = corpus.contact
    assert contact.email == "tomasz.wierzbicki@example.org"
    assert contact.phone == "+48 512 440 918"
    assert "https://github.com/twierzbicki" in contact.links
    assert contact.linkedin == "https://www.linkedin.com/in/tomasz-wierzbicki-data"
    assert "tomasz.wierzbicki@example.org" in contact.text
    # The country is named as recruiters ask about it, from its ISO code ("PL").
    assert "Tomasz is based in Wroclaw, Lower Silesia, Poland." in corpus.documents[0].text


def test_json_resume_every_sentence_comes_from_the_source(tmp_path: Path) -> None:
    """Every number and capitalised name in the corpus appears in the résumé."""
    import_portfolio([str(JSON_RESUME)], tmp_path / "c", pronouns="he")
    source = JSON_RESUME.read_text(encoding="utf-8")
    # Poland: the country the résumé's countryCode "PL" names.
    added_words = {"Tomasz's", "The", "Courses", "A", "Tomasz", "Poland"}
    for document in load_corpus(tmp_path / "c").documents:
        for word in document.text.replace(",", " ").replace(".", " ").split():
            token = word.strip("()“”\"'%:;").removesuffix("'s")
            if token and (token[0].isupper() or token[0].isdigit()) and token not in added_words:
                assert token in source or _is_spoken_month(token), (document.uid, token)


def _is_spoken_month(token: str) -> bool:
    months = "January February March April May June July August September October November"
    return token in (months + " December").split()


def test_markdown(tmp_path: Path) -> None:
    import_portfolio([str(MARKDOWN)], tmp_path / "c", pronouns="she")
    corpus = load_corpus(tmp_path / "c")
    assert corpus.site.owner == "Lena Halvorsen"
    experience = [d for d in corpus.documents if d.section == "experience"]
    assert [d.title for d in experience][0] == "Lead Product Designer, Havbris (2021 – present)"
    assert experience[0].start == "2021" and experience[0].end == "present"
    assert experience[0].source == "portfolio.md: lines 11-16"
    # A bullet fragment becomes a sentence: capital letter, full stop, no word added.
    assert "Hired and mentor a team of 3 designers." in experience[0].text
    # A section of bullets only: one entry per bullet.
    education = [d for d in corpus.documents if d.section == "education"]
    assert [d.year for d in education] == [2014, 2012]
    assert corpus.contact.email == "lena.halvorsen@example.net"
    assert corpus.contact.phone == "+47 915 22 703"
    assert "https://dribbble.com/lenahalvorsen" in corpus.contact.links
    # The header line under the name: the tagline after her name and where she is based,
    # without the contact details.
    header = corpus.documents[0]
    assert header.text == "Lena Halvorsen: Product designer. Lena is based in Bergen, Norway."


def test_html(tmp_path: Path) -> None:
    import_portfolio([str(HTML)], tmp_path / "c", pronouns="she")
    corpus = load_corpus(tmp_path / "c")
    # The courtesy title is not part of the name answers use.
    assert corpus.site.owner == "Ines Castellano-Mbeki"
    # Section anchors are the page's ids, so citations link to the right place.
    assert corpus.site.url_for("selected-publications") == "#publications"
    text = _text(tmp_path / "c")
    # Navigation, scripts and the footer are dropped.
    assert "Back to top" not in text and "Built with plain HTML" not in text
    assert "analytics" not in text
    celldrift = corpus.by_uid()["research/celldrift"]
    assert (
        celldrift.source
        == "index.html: #research > h3:nth-of-type(1), #research > p:nth-of-type(1)"
    )
    assert "It is used by 35 labs and has been cited 210 times." in celldrift.text
    # Wrapped lines in the page's source do not split sentences.
    assert "single-cell RNA sequencing, with a focus on how immune cells" in text
    publications = [d for d in corpus.documents if d.section == "selected-publications"]
    assert publications[0].title == "CellDrift: modelling temporal shifts in single-cell data"
    assert corpus.contact.email == "ines.cm@example.ac.uk"


PLAIN_RESUME = """\
Maya Okafor
Site reliability engineer, Lagos · maya.okafor@example.com · +234 803 555 0199

SUMMARY
I keep payment systems up. Eight years of on-call for systems that move money.

EXPERIENCE
Staff SRE, Naira Pay (2020 - present)
- Cut the monthly downtime of the card platform from 50 minutes to 4 minutes
- Led the move of 200 services to Kubernetes, running on three
  cloud regions
Systems Engineer, Lagos Telecom (2015 - 2020)
- Ran the billing cluster for 20 million subscribers

EDUCATION
- BEng in Electrical Engineering, University of Lagos, 2014
- MSc in Computer Science, University of Ibadan, 2016

PROJECTS
Pagerlite
A small alerting tool that pages the on-call engineer by SMS.
Ledgerwatch
A dashboard of settlement delays, used by 3 banks.

SKILLS
Platforms: Kubernetes, Terraform, AWS
Languages: Go, Python
"""


def test_plain_text(tmp_path: Path) -> None:
    source = tmp_path / "resume.txt"
    source.write_text(PLAIN_RESUME, encoding="utf-8")
    import_portfolio([str(source)], tmp_path / "c", pronouns="she")
    corpus = load_corpus(tmp_path / "c")
    assert corpus.site.owner == "Maya Okafor"
    naira = corpus.by_uid()["experience/staff-sre-naira-pay-2020-present"]
    assert naira.start == "2020" and naira.end == "present"
    # A wrapped bullet is one sentence.
    assert (
        "Led the move of 200 services to Kubernetes, running on three cloud regions." in naira.text
    )
    assert naira.source == "resume.txt: lines 8-11"
    assert len([d for d in corpus.documents if d.section == "education"]) == 2
    assert corpus.contact.email == "maya.okafor@example.com"
    assert corpus.contact.phone == "+234 803 555 0199"
    # Headings written in capitals are labelled as words.
    assert corpus.site.sections["experience"].label == "Experience"
    # A name alone over a sentence is an entry; "Label: values" lines are one entry each.
    projects = [d for d in corpus.documents if d.section == "projects"]
    assert [d.title for d in projects] == ["Pagerlite", "Ledgerwatch"]
    assert projects[1].text == "Ledgerwatch. A dashboard of settlement delays, used by 3 banks."
    skills = [d.text for d in corpus.documents if d.section == "skills"]
    assert skills == ["Platforms: Kubernetes, Terraform, AWS.", "Languages: Go, Python."]


def test_plain_text_header_place_and_bare_address(tmp_path: Path) -> None:
    source = tmp_path / "resume.txt"
    header = (
        "Maya Okafor\n"
        "Site reliability engineer | Lagos, Nigeria | https://maya.example.com"
        " | maya.okafor@example.com\n\n"
    )
    source.write_text(header + PLAIN_RESUME.split("\n", 2)[2], encoding="utf-8")
    import_portfolio([str(source)], tmp_path / "c", pronouns="she")
    corpus = load_corpus(tmp_path / "c")
    # The address is a contact link, not part of a sentence; the place says where she is.
    assert "https://maya.example.com" in corpus.contact.links
    assert corpus.documents[0].text == (
        "Maya Okafor: Site reliability engineer. Maya is based in Lagos, Nigeria."
    )


def test_a_place_said_in_the_tagline_is_where_she_is_based(tmp_path: Path) -> None:
    source = tmp_path / "resume.txt"
    header = (
        "Maya Okafor\nSite reliability engineer in Lagos, Nigeria. I keep payments up.\n"
        "maya.okafor@example.com\n\n"
    )
    source.write_text(header + PLAIN_RESUME.split("\n", 2)[2], encoding="utf-8")
    import_portfolio([str(source)], tmp_path / "c", pronouns="she")
    corpus = load_corpus(tmp_path / "c")
    # The tagline stays as written; the place is said as the header's place would be.
    assert corpus.documents[0].text == (
        "Maya Okafor: Site reliability engineer in Lagos, Nigeria. I keep payments up. "
        "Maya is based in Lagos, Nigeria."
    )


def test_a_place_closing_the_tagline_after_a_comma_is_where_she_is_based(tmp_path: Path) -> None:
    source = tmp_path / "resume.txt"
    header = "Maya Okafor\nSite reliability engineer, Lagos, Nigeria\nmaya.okafor@example.com\n\n"
    source.write_text(header + PLAIN_RESUME.split("\n", 2)[2], encoding="utf-8")
    import_portfolio([str(source)], tmp_path / "c", pronouns="she")
    corpus = load_corpus(tmp_path / "c")
    # A country closes it; capitalised names without one ("Python, Go, Rust") are no place.
    assert corpus.documents[0].text == (
        "Maya Okafor: Site reliability engineer, Lagos, Nigeria. Maya is based in Lagos, Nigeria."
    )


def test_a_place_set_apart_by_an_em_dash_is_where_she_is_based(tmp_path: Path) -> None:
    source = tmp_path / "resume.txt"
    header = "Maya Okafor\nSite reliability engineer — Lagos, Nigeria\nmaya.okafor@example.com\n\n"
    source.write_text(header + PLAIN_RESUME.split("\n", 2)[2], encoding="utf-8")
    import_portfolio([str(source)], tmp_path / "c", pronouns="she")
    corpus = load_corpus(tmp_path / "c")
    assert corpus.documents[0].text.endswith("Maya is based in Lagos, Nigeria.")


@pytest.mark.parametrize(
    ("line", "phone"),
    [
        ("maya.okafor@example.com | 07700 900123", "07700 900123"),  # national, trunk 0
        ("maya.okafor@example.com | +44 7700 900123", "+44 7700 900123"),  # a group of six
        ("maya.okafor@example.com | ORCID 0000-0002-1825-0097", None),  # no phone at all
    ],
)
def test_phone_numbers_as_written(tmp_path: Path, line: str, phone: str | None) -> None:
    source = tmp_path / "resume.txt"
    header = f"Maya Okafor\nSite reliability engineer\n{line}\n\n"
    source.write_text(header + PLAIN_RESUME.split("\n", 2)[2], encoding="utf-8")
    import_portfolio([str(source)], tmp_path / "c", pronouns="she")
    assert load_corpus(tmp_path / "c").contact.phone == phone


def test_pdf_made_here(tmp_path: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for line in PLAIN_RESUME.replace("·", "|").splitlines():
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    source = tmp_path / "resume.pdf"
    pdf.output(str(source))
    import_portfolio([str(source)], tmp_path / "c", pronouns="she")
    corpus = load_corpus(tmp_path / "c")
    assert corpus.site.owner == "Maya Okafor"
    texts = _text(tmp_path / "c")
    assert "Cut the monthly downtime of the card platform from 50 minutes to 4 minutes." in texts
    assert corpus.contact.email == "maya.okafor@example.com"
    # Lines of one page are said as one span.
    naira = corpus.by_uid()["experience/staff-sre-naira-pay-2020-present"]
    assert naira.source == "resume.pdf: page 1, lines 6-9"  # the text layer has no blank lines


def test_several_sources_make_one_portfolio(tmp_path: Path) -> None:
    extra = tmp_path / "talks.md"
    extra.write_text(
        "# Tomasz Wierzbicki\n\n## Talks\n\n- Streaming on a budget, 2022\n- Flink at scale, 2021\n"
    )
    import_portfolio([str(JSON_RESUME), str(extra)], tmp_path / "c", pronouns="he")
    corpus = load_corpus(tmp_path / "c")
    assert "talks" in corpus.site.sections and "work-experience" in corpus.site.sections


def test_manifest_records_every_entry(tmp_path: Path) -> None:
    import_portfolio([str(MARKDOWN)], tmp_path / "c", pronouns="she")
    manifest = json.loads((tmp_path / "c" / "import-manifest.json").read_text())
    assert set(manifest["entries"]) == set(load_corpus(tmp_path / "c").by_uid())
    site = yaml.safe_load((tmp_path / "c" / "site.yaml").read_text())
    assert site["suggestions"][-1] == "How can I contact her?"


@pytest.mark.parametrize(
    ("name", "document"),
    [
        (
            "site.html",
            "<h1>Ines Soto</h1><p>ines@example.com</p><section id='work'><h2>Work</h2>"
            "<h3>Gameplay Programmer — Pinecone</h3><p class='when'>2017 – 2021</p>"
            "<ul><li>Wrote the enemy AI</li></ul>"
            "<h3>Tools Programmer — Quatre</h3><p>Mar 2015 – present</p>"
            "<p>Made editor plugins in 2016.</p></section>",
        ),
        (
            "resume.md",
            "# Ines Soto\n\nines@example.com\n\n## Work\n\n"
            "### Gameplay Programmer — Pinecone\n\n*2017 – 2021*\n\n"
            "- Wrote the enemy AI\n\n### Tools Programmer — Quatre\n\nMar 2015 – present\n\n"
            "Made editor plugins in 2016.\n",
        ),
    ],
)
def test_dates_on_their_own_line_under_a_heading(tmp_path: Path, name: str, document: str) -> None:
    source = tmp_path / name
    source.write_text(document, encoding="utf-8")
    import_portfolio([str(source)], tmp_path / "c", pronouns="she")
    jobs = [d for d in load_corpus(tmp_path / "c").documents if d.section == "work"]
    assert [(d.start, d.end) for d in jobs] == [("2017", "2021"), ("2015", "present")]
    # Read with the heading, as a heading holding its dates is; nothing else is added.
    assert jobs[0].text == "Gameplay Programmer — Pinecone (2017 – 2021). Wrote the enemy AI."
    assert jobs[1].text.endswith("(Mar 2015 – present). Made editor plugins in 2016.")


def test_a_json_resume_date_is_said_as_a_sentence_says_it(tmp_path: Path) -> None:
    resume = json.loads(JSON_RESUME.read_text(encoding="utf-8"))
    resume["awards"] = [{"title": "Leader of the Year", "date": "2022-12-01", "awarder": "Paywise"}]
    resume["certificates"] = [{"name": "CKA", "date": "2021-05", "issuer": "CNCF"}]
    source = tmp_path / "resume.json"
    source.write_text(json.dumps(resume), encoding="utf-8")
    import_portfolio([str(source)], tmp_path / "c", pronouns="he")
    text = _text(tmp_path / "c")
    assert "the Leader of the Year from Paywise on 1 December 2022." in text
    assert "from CNCF in May 2021." in text


def test_plain_text_lines_a_writer_ended_stay_apart(tmp_path: Path) -> None:
    source = tmp_path / "resume.txt"
    source.write_text(
        "GRACE MWANGI\nSolutions Architect\nNairobi, Kenya\ngrace@example.co.ke\n\n"
        "CERTIFICATIONS\nAWS Certified Solutions Architect, 2022\nTOGAF 9 Certified, 2020\n\n"
        "PROFILE\nSolutions architect who helps banks and telcos in East Africa adopt cloud\n"
        "payments, from the first workshop to the go-live.\n",
        encoding="utf-8",
    )
    import_portfolio([str(source)], tmp_path / "c", pronouns="she")
    corpus = load_corpus(tmp_path / "c")
    # The shouted name is the owner's name; her title and her city are two lines, not one.
    assert corpus.site.owner == "Grace Mwangi"
    header = next(d for d in corpus.documents if d.section == "profile")
    assert header.text == "Grace Mwangi: Solutions Architect. Grace is based in Nairobi, Kenya."
    text = _text(tmp_path / "c")
    assert "AWS Certified Solutions Architect, 2022. TOGAF 9 Certified, 2020." in text
    # A wrapped line goes on in the next one.
    assert "adopt cloud payments, from the first workshop" in text


def test_the_employer_on_the_line_of_dates_titles_the_entry(tmp_path: Path) -> None:
    source = tmp_path / "site.html"
    source.write_text(
        "<h1>Tomás Herrera</h1><p>tomas@example.mx</p><section id='career'><h2>Career</h2>"
        "<article><h3>Warehouse Supervisor</h3><p>Ruedas Automotive · Saltillo · 2010 – 2014</p>"
        "<ul><li>Supervised 3 shifts</li></ul></article></section>",
        encoding="utf-8",
    )
    import_portfolio([str(source)], tmp_path / "c", pronouns="he")
    (job,) = [d for d in load_corpus(tmp_path / "c").documents if d.section == "career"]
    assert job.title == "Warehouse Supervisor, Ruedas Automotive, Saltillo"
    assert (job.start, job.end) == ("2010", "2014")


def test_a_table_row_is_an_entry_named_by_its_first_cell(tmp_path: Path) -> None:
    source = tmp_path / "site.html"
    source.write_text(
        "<h1>Tomás Herrera</h1><p>tomas@example.mx</p><section id='results'><h2>Results</h2>"
        "<table><thead><tr><th>Project</th><th>Year</th><th>Outcome</th></tr></thead><tbody>"
        "<tr><td>Supplier dashboard</td><td>2022</td><td>Flags late suppliers</td></tr>"
        "<tr><td>Nearshoring</td><td>2020</td><td>Moved sourcing to Mexico</td></tr>"
        "</tbody></table></section>"
        # A table laid out with paragraphs is read as its paragraphs.
        "<section id='talks'><h2>Talks</h2><table><tr><td><p>Lean planning, 2021.</p></td>"
        "<td><p>Stock that moves, 2019.</p></td></tr></table></section>",
        encoding="utf-8",
    )
    import_portfolio([str(source)], tmp_path / "c", pronouns="he")
    documents = load_corpus(tmp_path / "c").documents
    results = [(d.title, d.year, d.text) for d in documents if d.section == "results"]
    assert results == [
        ("Supplier dashboard", 2022, "Supplier dashboard (2022): Flags late suppliers."),
        ("Nearshoring", 2020, "Nearshoring (2020): Moved sourcing to Mexico."),
    ]
    talks = " ".join(d.text for d in documents if d.section == "talks")
    assert "Lean planning, 2021." in talks and "Stock that moves, 2019." in talks


def test_plain_text_underlined_headings_and_jobs_opening_with_their_dates(tmp_path: Path) -> None:
    source = tmp_path / "cv.txt"
    source.write_text(
        "Sam Okafor\nHead Chef | Bristol, United Kingdom\n"
        "sam@example.co.uk   07911 123456   instagram.com/samokafor.cooks\n\n"
        "Experience\n----------\n"
        "2021 - present   Head Chef, Ember & Yam, Bristol\n  * Runs a kitchen brigade of 11\n\n"
        "2016 - 2021   Sous Chef, The Linden, Bath\n  * Ran the pastry section\n\n"
        "Other\n=====\n"
        "Cookbook: Smoke and Pepper, 2022\nLanguages: English (native), Yoruba (fluent)\n",
        encoding="utf-8",
    )
    import_portfolio([str(source)], tmp_path / "c", pronouns="they")
    corpus = load_corpus(tmp_path / "c")
    jobs = [d for d in corpus.documents if d.section == "experience"]
    assert [(d.title, d.start, d.end) for d in jobs] == [
        ("Head Chef, Ember & Yam, Bristol", "2021", "present"),
        ("Sous Chef, The Linden, Bath", "2016", "2021"),
    ]
    assert jobs[0].text.startswith("Head Chef, Ember & Yam, Bristol (2021 - present).")
    # The line of contact details stands apart from the tagline: the place is read, and an
    # address without its scheme is a link named by its site.
    text = _text(tmp_path / "c")
    assert "Sam is based in Bristol, United Kingdom." in text
    assert "Sam's instagram.com page is https://instagram.com/samokafor.cooks." in text
    # A labelled line of a kind, under "Other", is a section of that kind.
    labels = {name: s.label for name, s in corpus.site.sections.items()}
    assert labels.get("languages") == "Languages" and "other" in labels
    assert [d.section for d in corpus.documents if d.title == "Cookbook"] == ["other"]


def test_post_nominals_and_a_job_line_opening_with_dates_without_bullets(tmp_path: Path) -> None:
    source = tmp_path / "cv.txt"
    source.write_text(
        "RAVI PATEL MPharm MRPharmS\nCommunity pharmacist, Leeds\nravi@example.co.uk\n\n"
        "EMPLOYMENT HISTORY\nAug 2014 - Dec 2018: Relief Pharmacist, Yorkshire Pharmacy Group\n"
        "- Covered 15 branches across West Yorkshire\n"
        "Jul 2012 - Jul 2014: Pre-registration Pharmacist, Boots, Bradford\n",
        encoding="utf-8",
    )
    import_portfolio([str(source)], tmp_path / "c", pronouns="he")
    corpus = load_corpus(tmp_path / "c")
    assert corpus.site.owner == "Ravi Patel"
    jobs = [
        (d.title, d.start, d.end) for d in corpus.documents if d.section == "employment-history"
    ]
    assert jobs == [
        ("Relief Pharmacist, Yorkshire Pharmacy Group", "2014", "2018"),
        ("Pre-registration Pharmacist, Boots, Bradford", "2012", "2014"),
    ]


@pytest.mark.parametrize(
    ("name", "owner"),
    [
        ("Ines Carvalho CEng MIStructE", "Ines Carvalho"),
        ("Ana Ruiz, PhD", "Ana Ruiz"),
        ("Jane Doe MBA", "Jane Doe"),
        # Surnames with a capital inside are names, not letters after one.
        ("Mary Ann McDonald", "Mary Ann McDonald"),
        ("Anna van DeVries", "Anna van DeVries"),
    ],
)
def test_the_letters_after_a_name_are_not_the_name(tmp_path: Path, name: str, owner: str) -> None:
    source = tmp_path / "resume.md"
    source.write_text(f"# {name}\n\nme@example.com\n\n## Experience\n\n- Built things\n", "utf-8")
    import_portfolio([str(source)], tmp_path / "c", pronouns="she")
    assert load_corpus(tmp_path / "c").site.owner == owner


def test_a_bold_line_over_bullets_is_an_entry(tmp_path: Path) -> None:
    source = tmp_path / "cv.md"
    source.write_text(
        "# Nadia Haddad\n\nnadia@example.ae\n\n## Experience\n\n"
        "**Lumen Live Events** — Senior Event Producer (2020–present)\n"
        "- Produced the FutureFin summit\n\n"
        "**Harbour Hotels Group** — Events Manager (2016–2020)\n- Ran 120 weddings a year\n\n"
        # A paragraph that only opens in bold is a paragraph.
        "**Note:** all figures are per year and were audited by the hotels' finance teams.\n",
        encoding="utf-8",
    )
    import_portfolio([str(source)], tmp_path / "c", pronouns="she")
    jobs = [d for d in load_corpus(tmp_path / "c").documents if d.section == "experience"]
    assert [(d.start, d.end) for d in jobs[:2]] == [("2020", "present"), ("2016", "2020")]
    assert jobs[0].title == "Lumen Live Events — Senior Event Producer (2020–present)"
    assert "Note: all figures are per year" in " ".join(d.text for d in jobs)
