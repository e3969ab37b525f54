// The portfolio assistant's chat widget: one custom element, <assistant-chat>, and a loader.
//
//   <script src="https://ASSISTANT_HOST/widget.js" defer data-title="Ask about Ada"></script>
//
// adds a launcher button that opens the chat panel. <assistant-chat inline> can also be placed
// in a page. Everything renders inside a shadow root; content from the server is only ever set
// as text (textContent), never parsed as HTML.
(() => {
  "use strict";

  const SCRIPT = document.currentScript;
  const SCRIPT_URL = SCRIPT && SCRIPT.src ? new URL(SCRIPT.src, location.href) : null;
  const STORAGE_PREFIX = "assistant-chat:";
  const SECTION_LABELS = {
    about: "About", experience: "Experience", skills: "Skills",
    insights: "Insights", projects: "Projects", contact: "Contact",
  };

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === false || value === null || value === undefined) continue;
      node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  // Only http(s) links leave the widget; anything else (javascript:, data:) is shown as text.
  function safeHttpUrl(url) {
    try {
      const parsed = new URL(url, location.href);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (error) {
      return null;
    }
  }

  function retryAfterSeconds(response) {
    const value = response.headers.get("Retry-After");
    if (!value) return null;
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return Math.max(1, Math.ceil(seconds));
    const date = Date.parse(value);
    return Number.isNaN(date) ? null : Math.max(1, Math.ceil((date - Date.now()) / 1000));
  }

  class AssistantChatElement extends HTMLElement {
    static tagName = "assistant-chat";

    static get observedAttributes() {
      return ["chat-title", "greeting", "accent", "position", "open", "api-base"];
    }

    static define(tagName = AssistantChatElement.tagName) {
      if (!customElements.get(tagName)) customElements.define(tagName, AssistantChatElement);
    }

    constructor() {
      super();
      this.attachShadow({ mode: "open" });
      this.messages = [];
      this.sessionId = null;
      this.controller = null;
      this.started = false;
      this.busy = false;
      this.built = false;
      this.jobMode = false;
      this.jobBusy = false;
    }

    get apiBase() {
      const given = this.getAttribute("api-base");
      const base = given || (SCRIPT_URL ? SCRIPT_URL.origin : location.origin);
      return base.replace(/\/+$/, "");
    }

    get inline() {
      return this.hasAttribute("inline");
    }

    get storageKey() {
      return STORAGE_PREFIX + this.apiBase;
    }

    connectedCallback() {
      if (!this.built) this.build();
      this.restore();
      if (this.inline || this.hasAttribute("open")) this.openPanel(false);
    }

    disconnectedCallback() {
      if (this.controller) this.controller.abort();
      this.controller = null;
    }

    attributeChangedCallback(name) {
      if (!this.built) return;
      if (name === "chat-title") this.titleNode.textContent = this.titleText();
      if (name === "accent") this.applyAccent();
      if (name === "position") this.wrapper.dataset.position = this.position();
      if (name === "open" && this.hasAttribute("open")) this.openPanel(false);
    }

    titleText() {
      // The site's title (GET /api/v1/site, fetched on opening) until then a neutral one.
      return this.getAttribute("chat-title") || (this.site && this.site.title) ||
        "Ask about this portfolio";
    }

    position() {
      return this.getAttribute("position") === "bottom-left" ? "bottom-left" : "bottom-right";
    }

    applyAccent() {
      const accent = this.getAttribute("accent");
      if (accent && CSS.supports("color", accent)) {
        this.style.setProperty("--assistant-accent", accent);
      }
    }

    build() {
      this.built = true;
      const root = this.shadowRoot;
      const stylesheet = el("link", { rel: "stylesheet", href: this.stylesheetUrl() });
      stylesheet.addEventListener("load", () => this.wrapper.classList.add("styled"));

      this.launcher = el("button", {
        type: "button", class: "launcher", part: "launcher",
        "aria-label": this.titleText(), "aria-expanded": "false", "aria-controls": "panel",
      }, el("span", { "aria-hidden": "true", class: "launcher-icon" }, "?"));
      this.launcher.addEventListener("click", () => this.togglePanel());

      this.titleNode = el("h2", { id: "title", part: "title" }, this.titleText());
      const clearButton = el("button", { type: "button", class: "ghost", part: "clear" },
        "Clear");
      clearButton.setAttribute("aria-label", "Clear the conversation");
      clearButton.addEventListener("click", () => this.clear());
      const closeButton = el("button", { type: "button", class: "ghost close", part: "close",
        "aria-label": "Close the chat" }, el("span", { "aria-hidden": "true" }, "×"));
      closeButton.addEventListener("click", () => this.closePanel());
      this.closeButton = closeButton;

      this.log = el("div", { class: "log", part: "log", role: "log", "aria-live": "polite",
        "aria-relevant": "additions", "aria-labelledby": "title", tabindex: "0" });
      this.suggestionsNode = el("div", { class: "suggestions", part: "suggestions" });

      this.input = el("input", { id: "question", name: "question", type: "text",
        maxlength: "1000", autocomplete: "off", required: true, part: "input",
        placeholder: "Ask about his experience, projects, skills…" });
      this.sendButton = el("button", { type: "submit", class: "send", part: "send" }, "Send");
      this.form = el("form", { class: "composer", part: "composer" },
        el("label", { for: "question", class: "visually-hidden" }, "Your question"),
        this.input, this.sendButton);
      this.form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.send(this.input.value);
      });

      this.modeButton = el("button", { type: "button", class: "mode-switch", part: "mode-switch" },
        "Check a job description");
      this.modeButton.addEventListener("click", () => this.setJobMode(!this.jobMode));
      this.chatView = el("div", { class: "view chat-view" },
        this.log, this.suggestionsNode, this.form);
      this.jobView = this.buildJobView();

      this.panel = el("section", { id: "panel", class: "panel", part: "panel",
        "aria-labelledby": "title", hidden: true },
        el("header", { part: "header" }, this.titleNode,
          el("div", { class: "header-actions" }, clearButton, this.inline ? null : closeButton)),
        this.chatView, this.jobView,
        el("div", { class: "panel-footer" }, this.modeButton,
          this.footnoteNode = el("p", { class: "footnote" },
            "Answers come only from this portfolio, with sources.")));
      this.panel.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && !this.inline) {
          event.stopPropagation();
          this.closePanel();
        }
      });

      this.wrapper = el("div", { class: this.inline ? "wrapper inline" : "wrapper floating" },
        this.inline ? null : this.launcher, this.panel);
      this.wrapper.dataset.position = this.position();
      root.replaceChildren(stylesheet, this.wrapper);
      this.applyAccent();
    }

    // The job-description mode: paste a posting, get each requirement checked with sources.
    buildJobView() {
      this.jobInput = el("textarea", { id: "job", name: "job_description", rows: "7",
        maxlength: "20000", required: true, part: "job-input", "aria-describedby": "job-hint",
        placeholder: "Paste the job description: responsibilities and qualifications…" });
      this.jobButton = el("button", { type: "submit", class: "send", part: "job-send" },
        "Check fit");
      const form = el("form", { class: "job-form", part: "job-form" },
        el("label", { for: "job", class: "job-label" }, "Job description"),
        this.jobInput,
        el("p", { id: "job-hint", class: "hint" },
          "Each requirement is checked against his portfolio: evidenced, partial or not found."),
        this.jobButton);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.checkJob(this.jobInput.value);
      });
      this.reportNode = el("div", { class: "report", part: "report", role: "region",
        "aria-label": "Fit report", "aria-live": "polite", tabindex: "-1" });
      return el("div", { class: "view job-view", hidden: true }, form, this.reportNode);
    }

    setJobMode(on) {
      this.jobMode = on;
      this.jobView.hidden = !on;
      this.chatView.hidden = on;
      this.modeButton.textContent = on ? "Back to the chat" : "Check a job description";
      this.modeButton.setAttribute("aria-pressed", on ? "true" : "false");
      (on ? this.jobInput : this.input).focus();
    }

    async checkJob(rawText) {
      const text = String(rawText || "");
      if (!text.trim() || this.jobBusy) return;
      this.jobBusy = true;
      this.jobButton.disabled = true;
      this.reportNode.replaceChildren(el("p", { class: "typing-text", role: "status" },
        "Checking each requirement…"));
      let node;
      try {
        const response = await fetch(this.apiBase + "/api/v1/match", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ job_description: text }),
          signal: this.abortSignal(),
          credentials: "omit",
        });
        node = response.ok ? this.reportView(await response.json())
          : await this.jobFailureNode(response);
      } catch (error) {
        if (error && error.name === "AbortError") return;
        node = el("p", { class: "message error", role: "alert" },
          "Couldn't reach the assistant. Check your connection and try again.");
      } finally {
        this.jobBusy = false;
        this.jobButton.disabled = false;
      }
      this.reportNode.replaceChildren(node);
      const heading = this.reportNode.querySelector("h3");
      if (heading) {
        this.jobInput.rows = 3; // the report gets the room; the text can still be edited
        heading.focus();
      }
    }

    async jobFailureNode(response) {
      let body = {};
      try {
        body = await response.json();
      } catch (error) {
        body = {};
      }
      let text = "The assistant had a problem checking it. Please try again.";
      if (response.status === 429) {
        const seconds = retryAfterSeconds(response);
        text = `Too many requests right now. Try again ${seconds ? `in ${seconds} s` : "shortly"}.`;
      } else if (response.status === 413) {
        text = "That is too long to check: paste the job description's text only.";
      } else if (response.status < 500) {
        const first = Array.isArray(body.errors) && body.errors[0] ? body.errors[0].message : "";
        text = `That couldn't be checked: ${first || body.detail || "invalid input"}.`;
      }
      return el("p", { class: "message error", part: "message error", role: "alert" }, text);
    }

    reportView(report) {
      const summary = report.summary || {};
      const items = Array.isArray(report.requirements) ? report.requirements : [];
      const total = Number(summary.requirements) || items.length;
      const view = el("div", {},
        el("h3", { tabindex: "-1" },
          `${Number(summary.evidenced) || 0} of ${total} requirements evidenced`),
        el("p", { class: "summary" }, `${Number(summary.evidenced) || 0} evidenced · ` +
          `${Number(summary.partial) || 0} partial · ${Number(summary.not_found) || 0} not found`));
      const strongest = Array.isArray(summary.strongest) ? summary.strongest : [];
      if (strongest.length) {
        view.append(el("p", { class: "strongest" }, el("strong", {}, "Strongest matches: "),
          strongest.map((s) => String(s.requirement || "")).join("; ")));
      }
      const list = el("ul", { class: "checklist", part: "checklist" });
      for (const item of items) list.append(this.requirementNode(item));
      view.append(list);
      return view;
    }

    requirementNode(item) {
      const labels = { evidenced: "Evidenced", partial: "Partial", not_found: "Not found" };
      const verdict = Object.hasOwn(labels, item.verdict) ? item.verdict : "not_found";
      const node = el("li", { class: `requirement ${verdict}`, part: `requirement ${verdict}` },
        el("span", { class: "badge", part: "badge" }, labels[verdict]),
        el("span", { class: "requirement-text" }, String(item.requirement || "")));
      // The evidence sentence, its [1] marker linked to the cited section like a chat answer.
      const evidence = this.answerNode({ answer: item.sentence, citations: item.citations });
      evidence.className = "evidence";
      evidence.setAttribute("part", "evidence");
      evidence.querySelector(".visually-hidden")?.remove();
      node.append(evidence);
      const missing = Array.isArray(item.missing) ? item.missing.map(String) : [];
      if (verdict === "partial" && missing.length) {
        node.append(el("p", { class: "missing" }, "Not shown: " + missing.join(", ")));
      }
      return node;
    }

    stylesheetUrl() {
      return SCRIPT_URL ? new URL("widget.css", SCRIPT_URL).href : this.apiBase + "/widget.css";
    }

    togglePanel() {
      if (this.panel.hidden) this.openPanel(true);
      else this.closePanel();
    }

    openPanel(focus) {
      const wasHidden = this.panel.hidden;
      this.panel.hidden = false;
      this.launcher.setAttribute("aria-expanded", "true");
      this.wrapper.classList.add("open");
      if (!this.started) this.start();
      this.save();
      if (focus) (this.jobMode ? this.jobInput : this.input).focus();
      if (wasHidden) {
        this.dispatchEvent(new CustomEvent("assistant-chat:open", { bubbles: true, composed: true }));
      }
    }

    closePanel() {
      if (this.inline) return;
      this.panel.hidden = true;
      this.launcher.setAttribute("aria-expanded", "false");
      this.wrapper.classList.remove("open");
      this.save();
      this.launcher.focus();
    }

    // Nothing is fetched or stored until the visitor opens the widget.
    start() {
      this.started = true;
      this.loadSite();
    }

    // Who the assistant is about (owner, title, greeting) and the starter questions.
    async loadSite() {
      let site = {};
      try {
        const response = await fetch(this.apiBase + "/api/v1/site", {
          signal: this.abortSignal(), credentials: "omit" });
        if (response.ok) site = await response.json();
      } catch (error) {
        // Optional: without it the widget greets neutrally and the visitor can still ask.
      }
      this.site = site && typeof site === "object" ? site : {};
      const text = (value) => (typeof value === "string" && value ? value : null);
      this.titleNode.textContent = this.titleText();
      this.launcher.setAttribute("aria-label", this.titleText());
      if (text(this.site.footnote)) this.footnoteNode.textContent = this.site.footnote;
      if (this.messages.length === 0) {
        const greeting = this.getAttribute("greeting") || text(this.site.greeting) ||
          "Hi! Ask me about this portfolio.";
        this.messages.push({ role: "greeting", text: greeting });
        this.render();
      }
      if (this.messages.some((m) => m.role === "user")) return;
      const suggestions = Array.isArray(this.site.suggestions) ? this.site.suggestions : [];
      this.showSuggestions(suggestions);
    }

    showSuggestions(questions) {
      const buttons = questions.slice(0, 6).filter((q) => typeof q === "string").map((q) => {
        const button = el("button", { type: "button", class: "suggestion", part: "suggestion" }, q);
        button.addEventListener("click", () => this.send(q));
        return button;
      });
      this.suggestionsNode.replaceChildren(...buttons);
      this.suggestionsNode.hidden = buttons.length === 0;
    }

    abortSignal() {
      if (!this.controller) this.controller = new AbortController();
      return this.controller.signal;
    }

    async send(rawQuestion) {
      const question = String(rawQuestion || "").trim();
      if (!question || this.busy) return;
      this.busy = true;
      this.input.value = question;
      this.sendButton.disabled = true;
      this.showSuggestions([]);
      this.removeTransient();
      this.messages.push({ role: "user", text: question });
      this.render();
      const typing = this.typingIndicator();
      this.log.append(typing);
      this.scrollToEnd();
      let failure = null;
      try {
        const body = { question };
        if (this.sessionId) body.session_id = this.sessionId;
        const response = await fetch(this.apiBase + "/api/v1/chat", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body),
          signal: this.abortSignal(),
          credentials: "omit",
        });
        if (response.ok) {
          const answer = await response.json();
          this.sessionId = typeof answer.session_id === "string" ? answer.session_id : null;
          this.messages.push({ role: "assistant", answer });
          this.input.value = "";
        } else {
          failure = await this.describeFailure(response, question);
        }
      } catch (error) {
        if (error && error.name === "AbortError") return;
        failure = { text: "Couldn't reach the assistant. Check your connection and try again.",
          question, retry: true };
      } finally {
        typing.remove();
        this.busy = false;
        this.sendButton.disabled = false;
      }
      if (failure) {
        // The failed question stays out of the stored conversation but stays in the input.
        this.messages.pop();
        this.messages.push({ role: "user", text: question, failed: true });
        this.render();
        this.log.append(this.failureNode(failure));
        this.input.value = question;
      } else {
        this.render();
        const answer = this.messages[this.messages.length - 1].answer;
        this.showSuggestions(Array.isArray(answer.follow_ups) ? answer.follow_ups : []);
        this.dispatchEvent(new CustomEvent("assistant-chat:answer", {
          bubbles: true, composed: true, detail: { abstained: !!answer.abstained } }));
      }
      this.save();
      this.scrollToEnd();
    }

    async describeFailure(response, question) {
      let detail = "";
      try {
        detail = (await response.json()).detail || "";
      } catch (error) {
        detail = "";
      }
      if (response.status === 429) {
        const seconds = retryAfterSeconds(response);
        const when = seconds ? `in ${seconds} second${seconds === 1 ? "" : "s"}` : "in a moment";
        return { text: `Too many questions right now. You can ask again ${when}.`, question,
          retry: true, waitSeconds: seconds };
      }
      if (response.status >= 500) {
        return { text: "The assistant had a problem answering. Please try again.", question,
          retry: true };
      }
      return { text: detail ? `That question couldn't be sent: ${detail}.` :
        "That question couldn't be sent.", question, retry: false };
    }

    failureNode(failure) {
      const node = el("div", { class: "message error", part: "message error", role: "alert" },
        el("p", {}, failure.text));
      if (failure.retry) {
        const retry = el("button", { type: "button", class: "retry", part: "retry" }, "Retry");
        retry.addEventListener("click", () => {
          this.messages = this.messages.filter((m) => !m.failed);
          node.remove();
          this.send(failure.question);
        });
        if (failure.waitSeconds) {
          retry.disabled = true;
          setTimeout(() => { retry.disabled = false; }, failure.waitSeconds * 1000);
        }
        node.append(retry);
      }
      node.dataset.transient = "true";
      return node;
    }

    removeTransient() {
      for (const node of this.log.querySelectorAll("[data-transient]")) node.remove();
      this.messages = this.messages.filter((m) => !m.failed);
    }

    typingIndicator() {
      return el("div", { class: "message assistant typing", part: "message typing",
        role: "status", "aria-label": "The assistant is typing" },
        el("span", { class: "dot" }), el("span", { class: "dot" }), el("span", { class: "dot" }));
    }

    render() {
      this.log.replaceChildren(...this.messages.map((message) => this.messageNode(message)));
    }

    messageNode(message) {
      if (message.role === "user") {
        return el("div", { class: "message user", part: "message user" },
          el("span", { class: "visually-hidden" }, "You: "), message.text);
      }
      if (message.role === "greeting") {
        return el("div", { class: "message assistant", part: "message assistant" },
          el("p", {}, message.text));
      }
      return this.answerNode(message.answer || {});
    }

    answerNode(answer) {
      const citations = Array.isArray(answer.citations) ? answer.citations : [];
      const byNumber = new Map(citations.map((c) => [Number(c.n), c]));
      const abstained = !!answer.abstained;
      const node = el("div", {
        class: abstained ? "message assistant abstained" : "message assistant",
        part: abstained ? "message assistant abstained" : "message assistant",
      }, el("span", { class: "visually-hidden" }, "Assistant: "));
      const paragraph = el("p", {});
      // "[n]" markers become links to the cited section; everything else stays plain text.
      const parts = String(answer.answer || "").split(/(\[\d+\])/);
      for (const part of parts) {
        const marker = /^\[(\d+)\]$/.exec(part);
        const citation = marker ? byNumber.get(Number(marker[1])) : null;
        const href = citation ? safeHttpUrl(citation.url) : null;
        if (citation && href) {
          paragraph.append(el("a", { class: "marker", href, target: "_blank", rel: "noopener",
            "aria-label": `Source ${marker[1]}: ${citation.title}` }, part));
        } else {
          paragraph.append(part);
        }
      }
      node.append(paragraph);
      if (abstained) node.append(this.contactLinks(String(answer.answer || "")));
      else if (citations.length) node.append(this.citationChips(citations));
      return node;
    }

    contactLinks(text) {
      const links = [];
      const email = /[\w.+-]+@[\w-]+(\.[\w-]+)+/.exec(text);
      if (email) links.push(el("a", { href: "mailto:" + email[0], part: "contact-link" },
        "Email " + email[0]));
      const linkedin = /linkedin\.com\/in\/[\w-]+/i.exec(text);
      if (linkedin) links.push(el("a", { href: "https://www." + linkedin[0], target: "_blank",
        rel: "noopener", part: "contact-link" }, "LinkedIn profile"));
      return el("div", { class: "contact", part: "contact" }, ...links);
    }

    citationChips(citations) {
      const list = el("ol", { class: "citations", part: "citations", "aria-label": "Sources" });
      for (const citation of citations) {
        const label = [`[${citation.n}] ${citation.title}`,
          SECTION_LABELS[citation.section] || citation.section, citation.updated]
          .filter(Boolean).join(" · ");
        const href = safeHttpUrl(citation.url);
        const chip = href
          ? el("a", { class: "chip", part: "chip", href, target: "_blank", rel: "noopener",
            title: citation.snippet || "" }, label)
          : el("span", { class: "chip", part: "chip", title: citation.snippet || "" }, label);
        list.append(el("li", {}, chip));
      }
      return list;
    }

    scrollToEnd() {
      this.log.scrollTop = this.log.scrollHeight;
    }

    // The conversation survives navigation within the tab, and only once the widget was opened.
    save() {
      if (!this.started) return;
      try {
        sessionStorage.setItem(this.storageKey, JSON.stringify({
          messages: this.messages.filter((m) => !m.failed).slice(-40),
          sessionId: this.sessionId,
          open: !this.panel.hidden,
        }));
      } catch (error) {
        // Storage may be full or disabled; the chat still works for this page.
      }
    }

    restore() {
      let saved = null;
      try {
        saved = JSON.parse(sessionStorage.getItem(this.storageKey) || "null");
      } catch (error) {
        saved = null;
      }
      if (!saved || !Array.isArray(saved.messages)) return;
      this.messages = saved.messages;
      this.sessionId = typeof saved.sessionId === "string" ? saved.sessionId : null;
      this.started = true;
      this.render();
      if (saved.open) this.openPanel(false);
    }

    clear() {
      if (this.controller) this.controller.abort();
      this.controller = null;
      this.busy = false;
      this.sendButton.disabled = false;
      this.messages = [];
      this.sessionId = null;
      this.reportNode.replaceChildren();
      this.jobInput.value = "";
      if (this.jobMode) this.setJobMode(false);
      try {
        sessionStorage.removeItem(this.storageKey);
      } catch (error) {
        // Nothing stored.
      }
      this.started = false;
      this.start();
      this.input.focus();
    }
  }

  AssistantChatElement.define();
  window.AssistantChatElement = AssistantChatElement;

  // The loader: a <script src=".../widget.js" data-*> tag adds one floating widget to the page.
  function addFloatingWidget() {
    if (!SCRIPT || SCRIPT.dataset.mount === "none") return;
    if (document.querySelector("assistant-chat:not([inline])")) return;
    const widget = document.createElement("assistant-chat");
    const attributes = { title: "chat-title", greeting: "greeting", accent: "accent",
      position: "position", apiBase: "api-base" };
    for (const [key, attribute] of Object.entries(attributes)) {
      const value = SCRIPT.dataset[key];
      if (value) widget.setAttribute(attribute, value);
    }
    if (SCRIPT.dataset.open === "true") widget.setAttribute("open", "");
    document.body.append(widget);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addFloatingWidget, { once: true });
  } else {
    addFloatingWidget();
  }
})();
