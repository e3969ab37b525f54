"""The kept chat bodies: byte for byte what jsonify writes, per request ids, and bounded."""

from __future__ import annotations

import json

import pytest

from assistant.engine import Assistant
from assistant.http.chat_body import ChatBodies
from assistant.http.responses import chat_response


def jsonified(body: dict[str, object]) -> bytes:
    return (json.dumps(body, separators=(",", ":"), ensure_ascii=True) + "\n").encode()


@pytest.mark.parametrize(
    "question",
    ["Where did he study?", "Which projects has he built?", "What is his salary expectation?",
     "Wie heißt er? «naïve» ☃"],
)  # fmt: skip
def test_a_kept_body_is_what_jsonify_writes(fake_assistant: Assistant, question: str) -> None:
    bodies = ChatBodies()
    first = fake_assistant.ask(question)
    again = fake_assistant.ask(question)
    assert again.answer_key == first.answer_key and again.session_id != first.session_id
    for reply, request_id in ((first, "req-1"), (again, "req.2_x-y"), (again, "req-3")):
        assert bodies.body(reply, request_id) == jsonified(chat_response(reply, request_id))


def test_kept_bodies_are_bounded(fake_assistant: Assistant) -> None:
    bodies = ChatBodies(max_entries=2)
    questions = ("Where did he study?", "Which companies has he worked for?", "Skills?")
    for question in questions:
        bodies.body(fake_assistant.ask(question), "r")
    assert len(bodies._parts) == 0  # each asked once: nothing worth keeping
    for question in questions:
        bodies.body(fake_assistant.ask(question), "r")
    assert len(bodies._parts) == 2
    small = ChatBodies(max_bytes=64 * 100)  # an answer over a 64th of the bytes is not kept
    fake_assistant.ask("Which projects has he built?")
    small.body(fake_assistant.ask("Which projects has he built?"), "r")
    assert len(small._parts) == 0
