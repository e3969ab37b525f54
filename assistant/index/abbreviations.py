"""The words that abbreviations of degrees stand for, so a question in words finds them.

Résumés write degrees short ("MSc in Biostatistics", "MBA, IE Business School"); recruiters
ask in words ("What is her master's degree in?", "Does he have a doctorate?"). The words are
searched with the entry, never shown: an answer quotes the entry as written.
"""

from __future__ import annotations

import re

# Academic degrees as the English-speaking world abbreviates them (with and without dots,
# matched on the letters alone), and the words they are read as.
DEGREES: dict[str, str] = {
    "ba": "bachelor arts",
    "bs": "bachelor science",
    "bsc": "bachelor science",
    "beng": "bachelor engineering",
    "btech": "bachelor technology",
    "bfa": "bachelor fine arts",
    "ma": "master arts",
    "ms": "master science",
    "msc": "master science",
    "meng": "master engineering",
    "mtech": "master technology",
    "mfa": "master fine arts",
    "mba": "master business administration",
    "mphil": "master philosophy",
    "phd": "doctorate doctoral doctor philosophy",
    "dphil": "doctorate doctoral doctor philosophy",
    # Professional degrees: law, medicine, education, business, public health, nursing. Not
    # those that are words or titles too ("MD" a managing director, "MARCH" a month).
    "llb": "bachelor laws law",
    "llm": "master laws law",
    "jd": "doctor law juris doctorate",
    "mbbs": "bachelor medicine surgery",
    "edd": "doctorate doctor education",
    "bba": "bachelor business administration",
    "dba": "doctorate doctor business administration",
    "mpa": "master public administration",
    "mph": "master public health",
    "bsn": "bachelor science nursing",
    "msn": "master science nursing",
    "barch": "bachelor architecture",
}
# A word of up to six letters, maybe with dots between them ("MSc", "M.Sc.", "B.A.").
_SHORT_WORD = re.compile(r"\b[A-Za-z](?:\.?[A-Za-z]){1,5}\b")


def degree_words(text: str) -> str:
    """The words the degrees abbreviated in `text` stand for ("" when there are none).

    An abbreviation has two capitals at least ("MSc", "PhD", "MA"): "Ma" or "ms" is more
    likely a name or a unit than a degree.
    """
    found = []
    for match in _SHORT_WORD.finditer(text):
        letters = match.group(0).replace(".", "")
        if sum(c.isupper() for c in letters) >= 2 and letters.lower() in DEGREES:
            found.append(DEGREES[letters.lower()])
    return " ".join(dict.fromkeys(found))
