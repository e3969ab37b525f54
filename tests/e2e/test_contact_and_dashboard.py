"""The visitor's contact form, ratings, copy and lists in the widget; the owner's dashboard."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from .conftest import ADMIN_TOKEN
from .test_widget import LAUNCHER, ask, last_answer, open_widget

pytestmark = pytest.mark.model

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 3,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def axe_serious(page: Page, axe_script: Path, context: str = "document") -> list[object]:
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate(f"axe.run({context})")
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_the_contact_form_by_keyboard_with_field_errors_and_consent(
    page: Page, demo_url: str, assistant_url: str, axe_script: Path
) -> None:
    page.goto(demo_url)
    open_widget(page)
    contact = page.get_by_role("button", name="Contact Akshay")
    expect(contact).to_be_visible()
    contact.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your name")).to_be_focused()
    assert axe_serious(page, axe_script, "'assistant-chat'") == []

    # Tab through the form, typing; an invalid email and no consent first.
    page.keyboard.type("Dana Recruiter")
    page.keyboard.press("Tab")
    page.keyboard.type("dana@localhost")
    page.keyboard.press("Tab")
    page.keyboard.type("Acme")
    page.keyboard.press("Tab")
    page.keyboard.type("We have a backend role. Can we talk?")
    page.keyboard.press("Tab")  # the consent box, left unticked
    expect(page.locator("#contact-consent")).to_be_focused()
    page.keyboard.press("Tab")  # past the hidden honeypot, to the submit button
    expect(page.get_by_role("button", name="Send to Akshay")).to_be_focused()
    page.keyboard.press("Enter")

    email = page.get_by_label("Your email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_be_focused()  # the first field in error
    expect(page.locator("#contact-email-error")).to_be_visible()
    expect(page.locator("#contact-consent-error")).to_contain_text("true")
    expect(page.locator("#contact-name-error")).to_be_hidden()

    email.fill("dana@example.com")
    page.locator("#contact-consent").focus()
    page.keyboard.press("Space")
    expect(page.locator("#contact-consent")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(
        page.get_by_role("heading", name=re.compile("Akshay will get back to you"))
    ).to_be_focused()
    expect(page.locator(".contact-done")).to_contain_text("dana@example.com")


def test_a_refusal_offers_the_contact_form(page: Page, demo_url: str) -> None:
    page.goto(demo_url)
    open_widget(page)
    ask(page, "What is his salary expectation?")
    refusal = page.locator(".message.abstained")
    expect(refusal).to_be_visible()
    refusal.get_by_role("button", name="Contact Akshay").click()
    expect(page.get_by_label("Your name")).to_be_focused()


def test_an_answer_is_rated_once_and_changed_and_copied(page: Page, demo_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    ratings: list[dict[str, object]] = []
    page.on(
        "request",
        lambda r: ratings.append(r.post_data_json) if r.url.endswith("/api/v1/feedback") else None,
    )
    page.goto(demo_url)
    open_widget(page)
    ask(page, "Where did he study?")
    answer = last_answer(page)
    expect(answer).to_contain_text("University of Texas at Dallas")
    up = answer.get_by_role("button", name="Helpful", exact=True)
    down = answer.get_by_role("button", name="Not helpful")
    expect(up).to_have_attribute("aria-pressed", "false")
    with page.expect_response(re.compile(r"/api/v1/feedback$")) as first:
        up.click()
    assert first.value.status == 202
    expect(up).to_have_attribute("aria-pressed", "true")
    with page.expect_response(re.compile(r"/api/v1/feedback$")) as second:
        down.click()
    assert second.value.status == 202
    expect(down).to_have_attribute("aria-pressed", "true")
    expect(up).to_have_attribute("aria-pressed", "false")
    assert [r["helpful"] for r in ratings] == [True, False]
    assert ratings[0]["request_id"] == ratings[1]["request_id"]

    answer.get_by_role("button", name="Copy").click()
    expect(answer.get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "University of Texas at Dallas" in copied and "[1] Education" in copied


def test_a_list_answer_is_a_list_and_a_phone_shows_three_chips(
    browser: Browser, demo_url: str, artifacts: Path
) -> None:
    for name, options in {"desktop": DESKTOP, "phone": PHONE}.items():
        context = browser.new_context(**options)
        page = context.new_page()
        page.goto(demo_url)
        page.get_by_role("button", name=LAUNCHER).click()
        ask(page, "Which projects has he built?")
        answer = last_answer(page)
        items = answer.locator("ul.items > li")
        # The five projects of the corpus, and the test corpus's note with HTML in it.
        expect(items).to_have_count(6)
        expect(items.first).to_contain_text("Order Orchestration Engine")
        chips = answer.locator("a.chip")
        expect(chips.first).to_have_text("[1] Order Orchestration Engine")
        assert (chips.first.get_attribute("title") or "").startswith("Projects · ")
        more = answer.get_by_role("button", name="+3 more")
        if name == "phone":
            expect(chips.nth(2)).to_be_visible()
            expect(chips.nth(3)).to_be_hidden()
            expect(more).to_be_visible()
        else:
            expect(chips.nth(5)).to_be_visible()
            expect(more).to_be_hidden()
        page.screenshot(path=str(artifacts / f"list-answer-{name}.png"), scale="css")
        if name == "phone":
            more.click()
            expect(chips.nth(5)).to_be_visible()
        page.get_by_role("button", name="Contact Akshay").click()
        expect(page.get_by_label("Your name")).to_be_focused()
        page.screenshot(path=str(artifacts / f"contact-form-{name}.png"), scale="css")
        context.close()


def test_the_interface_speaks_spanish_with_lang_es(page: Page, demo_url: str) -> None:
    page.goto(demo_url)
    page.evaluate("document.querySelector('assistant-chat').setAttribute('lang', 'es')")
    page.get_by_role("button", name=re.compile("^Pregunta sobre")).click()
    expect(page.locator("h2#title")).to_have_text("Pregunta sobre Akshay")
    expect(page.get_by_label("Tu pregunta")).to_be_focused()
    expect(page.get_by_role("button", name="Enviar", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Contactar con Akshay")).to_be_visible()
    page.get_by_label("Tu pregunta").fill("Where did he study?")
    page.get_by_label("Tu pregunta").press("Enter")
    answer = last_answer(page)
    # The answer stays in the portfolio's language; the interface around it is Spanish.
    expect(answer).to_contain_text("University of Texas at Dallas")
    expect(answer.get_by_role("button", name="Copiar")).to_be_visible()
    expect(answer.get_by_role("button", name="Útil", exact=True)).to_be_visible()


def test_an_answer_while_closed_shows_the_unread_dot(page: Page, demo_url: str) -> None:
    page.goto(demo_url)
    open_widget(page)
    held: list[Route] = []
    page.route("**/api/v1/chat", lambda route: held.append(route))
    ask(page, "Where did he study?")
    page.keyboard.press("Escape")
    while not held:
        page.wait_for_timeout(50)
    held[0].continue_()
    launcher = page.get_by_role("button", name=re.compile(r"\(new answer\)$"))
    expect(launcher).to_be_visible()
    expect(page.locator(".unread")).to_be_visible()
    launcher.click()
    expect(page.locator(".unread")).to_be_hidden()


def test_the_transcript_downloads_as_markdown_with_sources(page: Page, demo_url: str) -> None:
    page.goto(demo_url)
    open_widget(page)
    ask(page, "Where did he study?")
    expect(last_answer(page)).to_contain_text("University of Texas at Dallas")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the conversation").click()
    assert download.value.suggested_filename == "conversation.md"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "**You:** Where did he study?" in text
    assert "University of Texas at Dallas" in text and re.search(r"\[1\]: http\S+#about", text)


def admin_login(page: Page, base: str, token: str = ADMIN_TOKEN) -> None:
    page.goto(base + "/admin")
    expect(page).to_have_url(base + "/admin/login")
    page.get_by_label("Admin token").fill(token)
    page.get_by_role("button", name="Log in").click()


def test_the_owner_logs_in_sees_the_chart_and_deletes_a_lead(
    browser: Browser, assistant_url: str, axe_script: Path, artifacts: Path
) -> None:
    import json
    import urllib.request

    body = {
        "name": "Lee <b>Spam</b>",
        "email": "lee@example.com",
        "message": "Please call me.",
        "consent": True,
    }
    request = urllib.request.Request(
        assistant_url + "/api/v1/leads",
        json.dumps(body).encode(),
        {"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        lead_id = json.loads(response.read())["id"]
    for name, options in {"desktop": DESKTOP, "phone": PHONE}.items():
        # bypass_csp: axe is injected as an inline script, which the pages' CSP refuses.
        context = browser.new_context(**options, bypass_csp=True)
        page = context.new_page()
        admin_login(page, assistant_url)
        expect(page).to_have_url(assistant_url + "/admin")
        chart = page.get_by_role("img", name="Questions per day")
        expect(chart).to_be_visible()
        assert axe_serious(page, axe_script) == []
        page.screenshot(path=str(artifacts / f"dashboard-{name}.png"), scale="css", full_page=True)
        for path in ("/admin/feedback", "/admin/report"):
            page.goto(assistant_url + path)
            assert axe_serious(page, axe_script) == [], path
        context.close()

    context = browser.new_context(**DESKTOP, bypass_csp=True)
    page = context.new_page()
    admin_login(page, assistant_url)
    page.get_by_role("link", name="Leads", exact=True).click()
    row = page.locator("tr", has_text="lee@example.com")
    expect(row).to_contain_text("Lee <b>Spam</b>")  # shown as text
    assert axe_serious(page, axe_script) == []
    # A forged delete (no CSRF token) from the logged-in browser is refused.
    forged = page.evaluate(
        """async (id) => (await fetch('/admin/leads/' + id + '/delete',
              {method: 'POST', body: new URLSearchParams({})})).status""",
        lead_id,
    )
    assert forged == 403
    row.get_by_role("button", name=re.compile("^Delete the lead")).click()
    expect(page.get_by_role("status")).to_have_text("The lead was deleted.")
    expect(page.locator("tr", has_text="lee@example.com")).to_have_count(0)
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(assistant_url + "/admin/login")
    context.close()


def test_repeated_bad_logins_lock_the_browser_out(
    browser: Browser, assistant_url: str, axe_script: Path
) -> None:
    # An address of its own (the server trusts one proxy), so no other test is locked out.
    context = browser.new_context(
        extra_http_headers={"X-Forwarded-For": "203.0.113.9"}, bypass_csp=True
    )
    page = context.new_page()
    page.goto(assistant_url + "/admin/login")
    assert axe_serious(page, axe_script) == []
    # Failures count per minute of the clock: start early in one, so that all fall in it.
    if time.time() % 60 > 40:
        time.sleep(61 - time.time() % 60)
    for _ in range(10):
        page.get_by_label("Admin token").fill("not-the-token")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_label("Admin token").fill(ADMIN_TOKEN)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"try again in \d+ s"))
    expect(page).to_have_url(assistant_url + "/admin/login")
    context.close()
