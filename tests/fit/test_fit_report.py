"""The job-description fit report: splitting, verdicts, and POST /api/v1/match."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.engine import Assistant
from assistant.fit.requirements import MAX_REQUIREMENTS, split_requirements

MATCH = "/api/v1/match"
JOB = """Senior Backend Engineer

About us
Acme is a fast-growing startup. We move fast.

What you'll do
- Build high-throughput microservices for our checkout
- Run Kubernetes clusters in production

Requirements:
1. 8+ years of experience building distributed systems
2) Experience with Kafka
* A master's degree in Computer Science

Benefits
- Dental and vision insurance

Acme is an equal opportunity employer.
"""


def test_requirements_are_bullets_and_sentences_without_headings_or_boilerplate() -> None:
    assert split_requirements(JOB) == [
        "Build high-throughput microservices for our checkout",
        "Run Kubernetes clusters in production",
        "8+ years of experience building distributed systems",
        "Experience with Kafka",
        "A master's degree in Computer Science",
    ]


def test_prose_descriptions_are_split_into_sentences() -> None:
    text = (
        "You will design event-driven services. You have five years of backend experience.\n"
        "We offer a generous salary."
    )
    assert split_requirements(text) == [
        "You will design event-driven services.",
        "You have five years of backend experience.",
    ]


def test_labelled_lines_keep_requirements_and_drop_offers() -> None:
    text = "Requirements: Go and Python experience\nCompensation: $200,000 plus equity"
    assert split_requirements(text) == ["Go and Python experience"]


def test_the_number_of_requirements_is_capped() -> None:
    text = "\n".join(f"- Experience with tool number {n} in production" for n in range(100))
    assert len(split_requirements(text)) == MAX_REQUIREMENTS


def verdicts(assistant: Assistant, text: str) -> dict[str, str]:
    return {r.requirement: r.verdict for r in assistant.fit_report(text).requirements}


def test_verdicts_follow_what_his_own_entries_show(fake_assistant: Assistant) -> None:
    found = verdicts(fake_assistant, JOB)
    assert found["Build high-throughput microservices for our checkout"] == "evidenced"
    # Never claimed: a technology the portfolio does not show.
    assert found["Run Kubernetes clusters in production"] == "not_found"
    # Kafka appears only in his notes on Uber's architecture: not his own work.
    assert found["Experience with Kafka"] == "not_found"
    # 6+ years stated, 8+ asked: part of it.
    assert found["8+ years of experience building distributed systems"] == "partial"
    # An MS meets a master's requirement.
    assert found["A master's degree in Computer Science"] == "evidenced"


def test_either_alternative_meets_a_requirement(fake_assistant: Assistant) -> None:
    found = verdicts(fake_assistant, "- Experience with Java or event-driven architecture")
    assert list(found.values()) == ["evidenced"]


def test_a_certificate_is_not_hands_on_experience(fake_assistant: Assistant) -> None:
    text = "- Hands-on experience with agentic AI\n- Certification in AI engineering"
    assert list(verdicts(fake_assistant, text).values()) == ["partial", "evidenced"]


def test_a_missing_named_technology_is_not_met_through_an_ordinary_word(
    fake_assistant: Assistant,
) -> None:
    # "programming" shares its stem with his "Microsoft AI Engineer Program": no evidence of Go.
    # A named technology he never shows is not_found even when the rest is his (SNAP EBT).
    text = "- Strong programming skills in Golang\n- SNAP EBT payments in Golang"
    found = verdicts(fake_assistant, text)
    assert list(found.values()) == ["not_found", "not_found"]


def test_stated_goals_are_not_evidence(fake_assistant: Assistant) -> None:
    # The portfolio says he wants to mentor teams, not that he has.
    assert list(verdicts(fake_assistant, "- Mentor teams of engineers").values()) == ["not_found"]


def test_evidence_is_a_verbatim_corpus_sentence_with_its_citation(
    fake_assistant: Assistant,
) -> None:
    texts = {d.uid: d.text for d in fake_assistant.corpus.documents}
    for match in fake_assistant.fit_report(JOB).requirements:
        if match.verdict == "not_found":
            assert match.citations == () and "no evidence" in match.sentence
            continue
        (citation,) = match.citations
        assert match.sentence.replace(" [1]", "") == citation.snippet
        assert citation.snippet in texts[citation.id]
        assert citation.section not in ("insights", "contact")


def post(client: FlaskClient, body: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
    return client.post(MATCH, json=body, **kwargs)


def test_the_report_has_a_summary_and_one_entry_per_requirement(client: FlaskClient) -> None:
    response = post(client, {"job_description": JOB})
    assert response.status_code == 200
    body = response.get_json()
    summary, requirements = body["summary"], body["requirements"]
    assert summary["requirements"] == len(requirements) == 5
    assert summary["evidenced"] + summary["partial"] + summary["not_found"] == 5
    assert [s["requirement"] for s in summary["strongest"]] == [
        requirements[s["index"]]["requirement"] for s in summary["strongest"]
    ]
    assert all(requirements[s["index"]]["verdict"] == "evidenced" for s in summary["strongest"])
    assert body["request_id"] == response.headers["X-Request-ID"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "job_description", "required"),
        ({"job_description": ""}, "job_description", "must not be empty"),
        ({"job_description": " \n\t\x00\x07 "}, "job_description", "must not be empty"),
        ({"job_description": 42}, "job_description", "required, a string"),
        ({"job_description": "x" * 20_001}, "job_description", "at most 20,000"),
        ({"job_description": JOB, "extra": 1}, "extra", "unknown field"),
        # Binary data sent as text: nothing in it reads as a requirement.
        ({"job_description": bytes(range(256)).decode("latin-1") * 20}, "job_description",
         "no requirements found"),
        ({"job_description": "Benefits\n- Dental\n- 401(k)"}, "job_description",
         "no requirements found"),
    ],
)  # fmt: skip
def test_bad_job_descriptions_get_a_422_naming_the_field(
    client: FlaskClient, body: Any, field: str, message: str
) -> None:
    response = post(client, body)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    (error,) = response.get_json()["errors"]
    assert error["field"] == field and message in error["message"]


def test_a_huge_body_is_refused_before_it_is_read(client: FlaskClient) -> None:
    body = json.dumps({"job_description": "a" * 300_000})
    response = client.post(MATCH, data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_a_description_larger_than_a_question_fits(client: FlaskClient) -> None:
    # 20,000 characters of JSON-escaped non-ASCII are far over chat's 16 KiB.
    text = "- Experience with event-driven architecture é\n" * 400
    assert len(json.dumps({"job_description": text[:20_000]})) > 16 * 1024
    assert post(client, {"job_description": text[:20_000]}).status_code == 200


def test_binary_bodies_and_other_media_types_are_refused(client: FlaskClient) -> None:
    raw = client.post(MATCH, data=b"\xff\xfe\x00\x9c\x80", content_type="application/json")
    assert raw.status_code == 400 and raw.get_json()["title"] == "Malformed JSON"
    plain = client.post(MATCH, data=JOB, content_type="text/plain")
    assert plain.status_code == 415


def test_lone_surrogates_are_cleaned(client: FlaskClient) -> None:
    body = '{"job_description": "- Experience with event-driven architecture \\ud800"}'
    response = client.post(MATCH, data=body, content_type="application/json")
    assert response.status_code == 200
    assert "\ufffd" in response.get_json()["requirements"][0]["requirement"]


@given(body=st.one_of(st.text(max_size=3000), st.binary(max_size=500).map(repr)))
@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
def test_random_descriptions_never_cause_a_500(client: FlaskClient, body: str) -> None:
    response = post(client, {"job_description": body})
    assert response.status_code in (200, 422), response.get_data(as_text=True)


def test_a_requirement_whose_first_word_is_not_shown_is_never_evidenced(
    fake_assistant: Assistant,
) -> None:
    # "payments" and "orders" are his; mentoring is not: the rest without it is not the thing.
    found = verdicts(fake_assistant, "- Mentor engineers on payments and orders")
    assert list(found.values()) != ["evidenced"]


def test_a_heading_naming_the_employer_introduces_its_blurb() -> None:
    text = (
        "About Lumen Freight\n"
        "Lumen Freight moves goods across Europe and is building a data platform.\n\n"
        "About the role\n"
        "You will build streaming pipelines with Kafka.\n"
    )
    assert split_requirements(text) == ["You will build streaming pipelines with Kafka."]
