from __future__ import annotations

import gzip
import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect

pytestmark = pytest.mark.model

# The launcher: "Ask about this portfolio" until the widget is first opened, then the title
# the assistant serves for its owner (GET /api/v1/site).
LAUNCHER = re.compile(r"^Ask about ")


def open_widget(page: Page) -> None:
    page.get_by_role("button", name=LAUNCHER).click()
    expect(page.get_by_label("Your question")).to_be_focused()


def ask(page: Page, question: str) -> None:
    field = page.get_by_label("Your question")
    field.fill(question)
    field.press("Enter")


def last_answer(page: Page):  # type: ignore[no-untyped-def]
    return page.locator(".message.assistant:not(.typing)").last


def test_demo_page_on_another_origin_embeds_the_widget_and_answers(
    page: Page, demo_url: str, assistant_url: str, artifacts: Path
) -> None:
    api_requests: list[str] = []
    page.on("request", lambda r: api_requests.append(r.url) if "/api/" in r.url else None)
    page.goto(demo_url)
    launcher = page.get_by_role("button", name="Ask about this portfolio")
    expect(launcher).to_be_visible()
    # Privacy: nothing asked of the API and nothing stored before the visitor opens it.
    page.wait_for_timeout(300)
    assert api_requests == []
    assert page.evaluate("sessionStorage.length") == 0

    started = time.perf_counter()
    open_widget(page)
    # The title, greeting and footnote name the owner the assistant serves.
    expect(page.locator("h2#title")).to_have_text("Ask about Akshay")
    expect(page.locator(".footnote")).to_contain_text("Akshay's portfolio")
    ask(page, "Where did he study?")
    answer = last_answer(page)
    expect(answer).to_contain_text("University of Texas at Dallas")
    first_answer_ms = (time.perf_counter() - started) * 1000
    chip = answer.locator("a.chip").first
    expect(chip).to_contain_text("Education")
    assert chip.get_attribute("href") == demo_url + "#about"
    assert chip.get_attribute("target") == "_blank" and chip.get_attribute("rel") == "noopener"
    marker = answer.locator("a.marker").first
    assert marker.inner_text() == "[1]" and marker.get_attribute("href").endswith("#about")
    (artifacts / "timings.json").write_text(
        json.dumps({"open_to_first_answer_ms": round(first_answer_ms, 1)}, indent=2)
    )

    # The conversation survives navigation within the tab, and Clear forgets it.
    page.reload()
    expect(last_answer(page)).to_contain_text("University of Texas at Dallas")
    page.get_by_role("button", name="Clear the conversation").click()
    expect(page.locator(".message.user")).to_have_count(0)


def test_a_suggestion_works_by_click_and_by_keyboard(page: Page, demo_url: str) -> None:
    page.goto(demo_url)
    open_widget(page)
    first = page.locator("button.suggestion").first
    expect(first).to_be_visible()
    text = first.inner_text()
    first.click()
    expect(page.locator(".message.user").last).to_contain_text(text)
    expect(last_answer(page).locator("a.chip").first).to_be_visible()
    # Keyboard: reach a follow-up suggestion with Tab and press Enter.
    follow_up = page.locator("button.suggestion").first
    expect(follow_up).to_be_visible()
    label = follow_up.inner_text()
    follow_up.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".message.user").last).to_contain_text(label)
    expect(page.locator(".message.user")).to_have_count(2)


def test_escape_closes_and_focus_returns_to_the_launcher(page: Page, demo_url: str) -> None:
    page.goto(demo_url)
    page.keyboard.press("Tab")
    for _ in range(20):
        if page.evaluate("document.activeElement?.tagName") == "ASSISTANT-CHAT":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Your question")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("section.panel")).to_be_hidden()
    expect(page.get_by_role("button", name=LAUNCHER)).to_be_focused()


def test_html_in_the_corpus_is_shown_as_text_and_runs_nothing(page: Page, demo_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(demo_url)
    open_widget(page)
    ask(page, "What note about markup safety does he keep?")
    answer = last_answer(page)
    expect(answer).to_contain_text("<img src=x onerror=alert(1)>")
    expect(answer.locator("a.chip")).to_contain_text("<img src=x onerror=alert(1)>")
    assert page.locator("assistant-chat img").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []


def test_a_429_shows_when_to_retry_and_keeps_the_question(page: Page, demo_url: str) -> None:
    def too_many(route: Route) -> None:
        route.fulfill(
            status=429,
            headers={
                "Retry-After": "30",
                "Content-Type": "application/problem+json",
                "Access-Control-Allow-Origin": "*",
                "Access-Control-Expose-Headers": "Retry-After",
            },
            body=json.dumps(
                {
                    "type": "about:blank",
                    "title": "Too Many Requests",
                    "status": 429,
                    "detail": "slow down",
                    "request_id": "x",
                }
            ),
        )

    page.goto(demo_url)
    open_widget(page)
    page.route("**/api/v1/chat", too_many)
    ask(page, "Where did he study?")
    error = page.locator(".message.error")
    expect(error).to_contain_text("You can ask again in 30 seconds")
    expect(page.get_by_label("Your question")).to_have_value("Where did he study?")
    expect(error.get_by_role("button", name="Retry")).to_be_disabled()

    # A server error offers a retry that works once the server is back.
    page.unroute("**/api/v1/chat")
    page.route(
        "**/api/v1/chat",
        lambda route: route.fulfill(
            status=503,
            body="{}",
            headers={
                "Access-Control-Allow-Origin": "*",
                "Content-Type": "application/problem+json",
            },
        ),
    )
    ask(page, "Where did he study?")
    expect(page.locator(".message.error")).to_contain_text("had a problem")
    page.unroute("**/api/v1/chat")
    page.locator(".message.error").get_by_role("button", name="Retry").click()
    expect(last_answer(page)).to_contain_text("University of Texas at Dallas")


def test_network_failure_is_reported_and_requests_abort_on_removal(
    page: Page, demo_url: str
) -> None:
    page.goto(demo_url)
    open_widget(page)
    page.route("**/api/v1/chat", lambda route: route.abort("internetdisconnected"))
    ask(page, "Where did he study?")
    expect(page.locator(".message.error")).to_contain_text("Couldn't reach the assistant")
    page.unroute("**/api/v1/chat")

    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.failure or ""))
    page.route("**/api/v1/chat", lambda route: None)  # never answered: stays in flight
    ask(page, "What did he build at Amazon?")
    page.wait_for_timeout(200)
    page.evaluate("document.querySelector('assistant-chat').remove()")
    page.wait_for_timeout(300)
    assert any("ABORTED" in f.upper() for f in failed), failed


AGGRESSIVE_CSS = "* { all: unset !important; } button { display: none !important; }"


def widget_geometry(page: Page) -> dict[str, object]:
    return page.evaluate("""() => {
        const root = document.querySelector('assistant-chat').shadowRoot;
        const box = (s) => { const r = root.querySelector(s).getBoundingClientRect();
            return [Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)]; };
        const style = (s, p) => getComputedStyle(root.querySelector(s))[p];
        return {launcher: box('.launcher'), panel: box('.panel'), input: box('input'),
                send: box('.send'), sendColor: style('.send', 'backgroundColor'),
                font: style('input', 'fontSize'), display: style('.send', 'display')};
    }""")


def test_host_css_and_widget_css_do_not_touch_each_other(page: Page, demo_url: str) -> None:
    page.goto(demo_url)
    open_widget(page)
    before = widget_geometry(page)
    page.add_style_tag(content=AGGRESSIVE_CSS)
    page.wait_for_timeout(100)
    assert widget_geometry(page) == before

    host_style = """() => { const s = (q) => getComputedStyle(document.querySelector(q));
        return [s('h1').fontFamily, s('h1').fontSize, s('body').backgroundColor,
                s('section button').backgroundColor, s('nav a').color]; }"""
    page.goto(demo_url)
    with_widget = page.evaluate(host_style)
    page.route("**/widget.js", lambda route: route.abort())
    page.goto(demo_url)
    without_widget = page.evaluate(host_style)
    assert with_widget == without_widget


def test_no_serious_accessibility_violations(page: Page, demo_url: str, axe_script: Path) -> None:
    page.goto(demo_url)
    open_widget(page)
    ask(page, "What is his salary expectation?")
    expect(page.locator(".message.abstained")).to_contain_text("akshaykbkale@gmail.com")
    expect(page.locator(".message.abstained a[href^='mailto:']")).to_be_visible()
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate("axe.run('assistant-chat')")
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def test_screenshots_at_desktop_and_phone_sizes(
    browser: Browser, demo_url: str, artifacts: Path
) -> None:
    for name, options in {
        "desktop": {"viewport": {"width": 1280, "height": 800}},
        "phone": {
            "viewport": {"width": 390, "height": 844},
            "is_mobile": True,
            "has_touch": True,
            "device_scale_factor": 3,
        },
    }.items():
        context = browser.new_context(**options)
        page = context.new_page()
        page.goto(demo_url)
        page.get_by_role("button", name=LAUNCHER).click()
        ask(page, "Tell me about his projects")
        expect(last_answer(page).locator("a.chip").first).to_be_visible()
        if name == "phone":
            panel = page.locator("section.panel").bounding_box()
            assert panel is not None and panel["width"] == 390 and panel["height"] >= 800
            font = page.evaluate("""getComputedStyle(document.querySelector('assistant-chat')
                .shadowRoot.querySelector('input')).fontSize""")
            assert float(font.removesuffix("px")) >= 16
        page.screenshot(path=str(artifacts / f"widget-{name}.png"), scale="css")
        context.close()


def test_widget_size_is_recorded(artifacts: Path) -> None:
    root = Path(__file__).resolve().parents[2] / "web"
    sizes = {}
    for name in ("widget.js", "widget.css"):
        data = (root / name).read_bytes()
        sizes[name] = {"bytes": len(data), "gzipped": len(gzip.compress(data, 9))}
    (artifacts / "widget-size.json").write_text(json.dumps(sizes, indent=2))
    assert sizes["widget.js"]["gzipped"] < 20_000


JOB = """Senior Backend Engineer

Requirements
- Experience with event-driven architecture
- Experience with Kubernetes
- 8+ years of experience building distributed systems

Benefits
- Dental insurance
"""


def test_a_job_description_is_checked_requirement_by_requirement(
    page: Page, demo_url: str, axe_script: Path, artifacts: Path
) -> None:
    page.goto(demo_url)
    open_widget(page)
    page.get_by_role("button", name="Check a job description").click()
    field = page.get_by_label("Job description")
    expect(field).to_be_focused()
    field.fill(JOB)
    page.get_by_role("button", name="Check fit").click()
    # Focus moves to the report's heading, so a screen reader announces the result.
    expect(page.get_by_role("heading", name="1 of 3 requirements evidenced")).to_be_focused()
    expect(page.locator(".strongest")).to_contain_text(
        "Strongest matches: Experience with event-driven architecture"
    )
    items = page.locator("li.requirement")
    expect(items).to_have_count(3)  # the benefits are not a requirement
    expect(items.nth(0)).to_contain_text("Evidenced")
    expect(items.nth(0).locator("a.marker")).to_have_attribute("href", demo_url + "#skills")
    expect(items.nth(0).locator("a.chip")).to_contain_text("Event-driven architecture")
    expect(items.nth(1)).to_contain_text("Not found")
    expect(items.nth(1)).to_contain_text("no evidence of Kubernetes")
    expect(items.nth(1).locator("a")).to_have_count(0)
    expect(items.nth(2)).to_contain_text("Partial")
    expect(items.nth(2)).to_contain_text("6+ years")
    page.screenshot(path=str(artifacts / "widget-job-report.png"), scale="css")

    page.add_script_tag(path=str(axe_script))
    result = page.evaluate("axe.run('assistant-chat')")
    serious = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []

    # Text with no requirement in it: the server's reason, as an alert.
    field.fill("Benefits\n- Dental insurance")
    page.get_by_role("button", name="Check fit").click()
    expect(page.get_by_role("alert")).to_contain_text("no requirements found")

    page.get_by_role("button", name="Back to the chat").click()
    expect(page.get_by_label("Your question")).to_be_focused()


def test_the_job_description_report_fits_a_phone(
    browser: Browser, demo_url: str, artifacts: Path
) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(demo_url)
    page.get_by_role("button", name=LAUNCHER).click()
    page.get_by_role("button", name="Check a job description").click()
    page.get_by_label("Job description").fill(JOB)
    page.get_by_role("button", name="Check fit").click()
    expect(page.locator("li.requirement")).to_have_count(3)
    font = page.evaluate("""getComputedStyle(document.querySelector('assistant-chat')
        .shadowRoot.querySelector('textarea')).fontSize""")
    assert float(font.removesuffix("px")) >= 16  # iOS does not zoom into the field
    width = page.evaluate("""document.querySelector('assistant-chat').shadowRoot
        .querySelector('.report').scrollWidth""")
    assert width <= 390  # no sideways scrolling
    page.screenshot(path=str(artifacts / "widget-job-report-phone.png"), scale="css")
    context.close()
