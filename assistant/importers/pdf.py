"""Read the text layer of a PDF résumé (pypdf); a scanned PDF has none and is refused."""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from assistant.errors import ImportProblem

MAX_PAGES = 20


def pdf_lines(data: bytes, name: str) -> list[tuple[str, str]]:
    """Each line of each page's text, with "page P, line N" places."""
    # pypdf logs every malformed object it repairs; the one line of a failure is enough.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ImportProblem(f"{name}: the PDF is encrypted; export it without a password")
        lines: list[tuple[str, str]] = []
        for page_number, page in enumerate(reader.pages[:MAX_PAGES], start=1):
            text = page.extract_text() or ""
            for line_number, line in enumerate(text.splitlines(), start=1):
                lines.append((line, f"page {page_number}, line {line_number}"))
            lines.append(("", f"page {page_number}, end"))
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ImportProblem(f"{name}: not a readable PDF ({exc})") from exc
    if not any(line.strip() for line, _ in lines):
        raise ImportProblem(f"{name}: scanned PDF: no text to import")
    return lines
