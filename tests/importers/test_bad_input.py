"""Bad input: exit 1, one clear line, and nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.importers.support import PORTFOLIOS, run_import

GOOD_RESUME = '{"basics": {"name": "Ada Byron", "email": "ada@example.com"}, "work": []}'


def _scanned_pdf(path: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")  # a picture of a page: no text layer
    pdf.output(str(path))


CASES = [
    # (file name, content, the message's telling part)
    ("missing.json", None, "missing.json: cannot read it (No such file or directory)"),
    ("resume.docx", b"PK\x03\x04 binary", "resume.docx: unknown format; use a JSON Resume"),
    ("resume.json", b'{"basics": ', "resume.json: invalid JSON at line 1 column 12"),
    (
        "resume.json",
        b"[1, 2]",
        "resume.json: not a JSON Resume: the document must be a JSON object",
    ),
    ("resume.json", b'{"name": "Ada"}', "resume.json: not a JSON Resume: basics is missing"),
    (
        "resume.json",
        b'{"basics": {"name": 7}, "work": [{"startDate": "March 2020"}]}',
        "not a JSON Resume: $.basics.name must be a string, got a number; "
        "$.work[0].startDate must be a date like 2019, 2019-01 or 2019-01-31, got 'March 2020'",
    ),
    ("resume.json", b'{"basics": {"name": "Ada"}}', "no email address found"),
    (
        "page.html",
        b"<html><body><nav>Home</nav><script>x()</script></body></html>",
        "page.html: the page has no text to import",
    ),
    ("resume.txt", b"\xff\xfe\x00r\x00e", "resume.txt: not UTF-8 text"),
    (
        "resume.md",
        b"## Skills\n\n- Go\n- Rust\n\nEmail ada@example.com\n",
        "resume.md: no owner name found (no title heading); pass --owner NAME",
    ),
    ("broken.pdf", b"%PDF-1.4\nnot really a pdf", "broken.pdf: not a readable PDF"),
    ("scanned.pdf", "scanned", "scanned.pdf: scanned PDF: no text to import"),
]


@pytest.mark.parametrize(
    ("name", "content", "message"), CASES, ids=[c[0] + ":" + c[2][:30] for c in CASES]
)
def test_bad_source(tmp_path: Path, name: str, content, message: str) -> None:
    source = tmp_path / name
    if content == "scanned":
        _scanned_pdf(source)
    elif content is not None:
        source.write_bytes(content)
    target = tmp_path / "corpus"
    result = run_import(str(source), "--corpus", str(target))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ") and message in lines[0], lines[0]
    assert not target.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ([name] if content is not None else [])


def test_existing_folder_without_force(tmp_path: Path) -> None:
    target = tmp_path / "corpus"
    target.mkdir()
    (target / "about.yaml").write_text("entries: []\n")
    source = PORTFOLIOS / "designer-markdown" / "portfolio.md"
    result = run_import(str(source), "--corpus", str(target))
    assert result.exit_code == 1
    assert "was not written by assistant import; pass --force to replace it" in result.output
    assert [p.name for p in target.iterdir()] == ["about.yaml"]


def test_good_import_says_what_it_wrote(tmp_path: Path) -> None:
    source = tmp_path / "resume.json"
    source.write_text(GOOD_RESUME)
    result = run_import(str(source), "--corpus", str(tmp_path / "corpus"), "--pronouns", "she")
    assert result.exit_code == 0, result.output
    assert "1 entry in 1 section;" in result.output
