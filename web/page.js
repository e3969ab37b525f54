// Minimal full-page chat: posts to /api/v1/chat and renders answers as text (never HTML).
"use strict";
(function () {
  const form = document.getElementById("ask");
  const input = document.getElementById("question");
  const log = document.getElementById("log");
  let sessionId = null;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function safeUrl(url) {
    try {
      const parsed = new URL(url, window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const question = input.value.trim();
    if (!question) return;
    const turn = el("div", "turn");
    turn.append(el("p", "q", question));
    const answer = el("p", "a", "…");
    turn.append(answer);
    log.append(turn);
    try {
      const response = await fetch("/api/v1/chat", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(sessionId ? { question, session_id: sessionId } : { question }),
      });
      const body = await response.json();
      if (!response.ok) {
        answer.textContent = body.detail || "Something went wrong. Please try again.";
        return;
      }
      input.value = "";
      sessionId = body.session_id;
      answer.textContent = body.answer;
      const sources = el("ol", "sources");
      for (const c of body.citations) {
        const item = el("li");
        const href = safeUrl(c.url);
        const title = href ? el("a", null, c.title) : el("span", null, c.title);
        if (href) { title.href = href; title.target = "_blank"; title.rel = "noopener"; }
        item.append(title, el("span", null, ` — “${c.snippet}”`));
        sources.append(item);
      }
      turn.append(sources);
    } catch (e) {
      answer.textContent = "Network error. Please try again.";
    }
  });
})();
