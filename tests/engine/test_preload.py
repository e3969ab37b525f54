"""The loads only some questions need happen in Assistant.preload, not while answering.

Left to the first question needing them (a misspelt word: the inflections lemminflect reads;
a foreign message: py3langid's model), each took 0.1-0.4 s of that question and held up every
other question on its worker.
"""

from __future__ import annotations

from typing import Any

import lemminflect
import pytest
from py3langid.langid import LanguageIdentifier

from assistant.engine import Assistant, understanding
from assistant.index.vocabulary import Vocabulary


def _forget_what_was_loaded() -> None:
    understanding._identifier.cache_clear()
    for cached in (Vocabulary._targets, Vocabulary._english, Vocabulary.repair):
        cached.cache_clear()


def _refuse_loading(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("loaded while answering")

    monkeypatch.setattr(lemminflect, "getAllInflections", refuse)
    monkeypatch.setattr(LanguageIdentifier, "from_model_file", refuse)


def test_a_preloaded_assistant_answers_without_loading(
    real_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forget_what_was_loaded()
    real_assistant.preload()
    _refuse_loading(monkeypatch)
    assert "Texas" in real_assistant.ask("wher did he go to scool").answer.text
    assert real_assistant.ask("¿Dónde estudió la carrera?").answer.text


# Other questions than above: an answer from the cache would compose nothing.
@pytest.mark.parametrize("question", ["wher did he study in scool", "¿Qué estudió en Dallas?"])
def test_without_it_the_first_question_needing_them_loads_them(
    real_assistant: Assistant, monkeypatch: pytest.MonkeyPatch, question: str
) -> None:
    _forget_what_was_loaded()
    _refuse_loading(monkeypatch)
    with pytest.raises(AssertionError, match="loaded while answering"):
        real_assistant.ask(question)
