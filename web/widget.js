// The portfolio assistant's chat widget: one custom element, <assistant-chat>, and a loader.
//
//   <script src="https://ASSISTANT_HOST/widget.js" defer data-title="Ask about Ada"></script>
//
// adds a launcher button that opens the chat panel. <assistant-chat inline> can also be placed
// in a page. Everything renders inside a shadow root; content from the server is only ever set
// as text (textContent), never parsed as HTML. The interface speaks English, Spanish, French or
// German (navigator.language, or a lang / data-lang attribute); answers stay in the portfolio's
// language.
(() => {
  "use strict";

  const SCRIPT = document.currentScript;
  const SCRIPT_URL = SCRIPT && SCRIPT.src ? new URL(SCRIPT.src, location.href) : null;
  const STORAGE_PREFIX = "assistant-chat:";
  const CHIPS_ON_A_PHONE = 3;
  // The interface's words. {name} is the owner's first name, {n} a number.
  const STRINGS = {
    en: {
      title: "Ask about {name}", neutralTitle: "Ask about this portfolio",
      greeting: "Hi! Ask me about {name}'s work and background, or how to reach them.",
      footnote: "Answers come only from {name}'s portfolio, with sources.",
      open: "Open the chat", newAnswer: "new answer", clear: "Clear",
      clearLabel: "Clear the conversation", close: "Close the chat",
      download: "Download the conversation", question: "Your question",
      placeholder: "Ask about experience, projects, skills…", send: "Send",
      checkJob: "Check a job description", backToChat: "Back to the chat", typing: "The assistant is typing",
      you: "You: ", assistant: "Assistant: ", sources: "Sources", more: "+{n} more",
      source: "Source {n}: {title}", retry: "Retry",
      helpful: "Helpful", unhelpful: "Not helpful", copy: "Copy", copied: "Copied",
      thanks: "Thanks for the feedback.",
      offline: "Couldn't reach the assistant. Check your connection and try again.",
      tooMany: "Too many questions right now. You can ask again {when}.",
      inSeconds: "in {n} seconds", inSecond: "in 1 second", shortly: "in a moment",
      failed: "The assistant had a problem answering. Please try again.",
      notSent: "That question couldn't be sent.", notSentBecause: "That question couldn't be sent: {detail}.",
      contact: "Contact {name}", contactIntro: "Leave your details and {name} will get back to you.",
      name: "Your name", email: "Your email", company: "Company (optional)", message: "Message",
      consent: "I agree that {name} receives these details and that they are kept for {n} days.",
      stored: "Your name, email, company and message are stored for {name} for {n} days, then deleted.",
      submit: "Send to {name}", sending: "Sending…",
      sent: "Thanks! {name} will get back to you at {email}.",
      fix: "Please correct the fields marked below.", required: "Required.",
      tooManyForms: "Too many messages from this connection. Try again later.",
      formFailed: "Your message couldn't be sent. Please try again.",
      transcript: "Conversation with {name}'s portfolio assistant",
      jobLabel: "Job description", jobPlaceholder: "Paste the job description: responsibilities and qualifications…",
      jobHint: "Each requirement is checked against {name}'s portfolio: evidenced, partial or not found.",
      checkFit: "Check fit", checking: "Checking each requirement…",
      jobFailed: "The assistant had a problem checking it. Please try again.",
      jobTooMany: "Too many requests right now. Try again {when}.",
      jobTooLong: "That is too long to check: paste the job description's text only.",
      jobInvalid: "That couldn't be checked: {detail}.",
      evidencedOf: "{n} of {total} requirements evidenced",
      tally: "{evidenced} evidenced · {partial} partial · {missing} not found",
      strongest: "Strongest matches: ", evidenced: "Evidenced", partial: "Partial",
      notFound: "Not found", notShown: "Not shown: ",
    },
    es: {
      title: "Pregunta sobre {name}", neutralTitle: "Pregunta sobre este portafolio",
      greeting: "¡Hola! Pregúntame sobre la experiencia y la trayectoria de {name}, o cómo contactar.",
      footnote: "Las respuestas vienen solo del portafolio de {name}, con fuentes.",
      open: "Abrir el chat", newAnswer: "respuesta nueva", clear: "Borrar",
      clearLabel: "Borrar la conversación", close: "Cerrar el chat",
      download: "Descargar la conversación", question: "Tu pregunta",
      placeholder: "Pregunta por experiencia, proyectos, habilidades…", send: "Enviar",
      checkJob: "Comprobar una oferta de empleo", backToChat: "Volver al chat",
      typing: "El asistente está escribiendo", you: "Tú: ", assistant: "Asistente: ",
      sources: "Fuentes", more: "+{n} más", source: "Fuente {n}: {title}", retry: "Reintentar",
      helpful: "Útil", unhelpful: "No útil", copy: "Copiar", copied: "Copiado",
      thanks: "Gracias por tu opinión.",
      offline: "No se pudo contactar con el asistente. Revisa tu conexión e inténtalo de nuevo.",
      tooMany: "Demasiadas preguntas ahora mismo. Puedes volver a preguntar {when}.",
      inSeconds: "en {n} s", shortly: "en un momento",
      failed: "El asistente tuvo un problema al responder. Inténtalo de nuevo.",
      notSent: "No se pudo enviar esa pregunta.", notSentBecause: "No se pudo enviar esa pregunta: {detail}.",
      contact: "Contactar con {name}", contactIntro: "Deja tus datos y {name} te responderá.",
      name: "Tu nombre", email: "Tu correo electrónico", company: "Empresa (opcional)",
      message: "Mensaje",
      consent: "Acepto que {name} reciba estos datos y que se guarden durante {n} días.",
      stored: "Tu nombre, correo, empresa y mensaje se guardan para {name} durante {n} días y después se borran.",
      submit: "Enviar a {name}", sending: "Enviando…",
      sent: "¡Gracias! {name} te responderá en {email}.",
      fix: "Corrige los campos marcados abajo.", required: "Obligatorio.",
      tooManyForms: "Demasiados mensajes desde esta conexión. Inténtalo más tarde.",
      formFailed: "No se pudo enviar tu mensaje. Inténtalo de nuevo.",
      transcript: "Conversación con el asistente del portafolio de {name}",
      jobLabel: "Oferta de empleo", jobPlaceholder: "Pega la oferta: responsabilidades y requisitos…",
      jobHint: "Cada requisito se compara con el portafolio de {name}: demostrado, parcial o no encontrado.",
      checkFit: "Comprobar", checking: "Comprobando cada requisito…",
      jobFailed: "El asistente tuvo un problema al comprobarla. Inténtalo de nuevo.",
      jobTooMany: "Demasiadas solicitudes ahora mismo. Inténtalo {when}.",
      jobTooLong: "Es demasiado largo: pega solo el texto de la oferta.",
      jobInvalid: "No se pudo comprobar: {detail}.",
      evidencedOf: "{n} de {total} requisitos demostrados",
      tally: "{evidenced} demostrados · {partial} parciales · {missing} no encontrados",
      strongest: "Coincidencias más fuertes: ", evidenced: "Demostrado", partial: "Parcial",
      notFound: "No encontrado", notShown: "No se muestra: ",
    },
    fr: {
      title: "Questions sur {name}", neutralTitle: "Questions sur ce portfolio",
      greeting: "Bonjour ! Posez-moi vos questions sur le parcours de {name}, ou sur comment le contacter.",
      footnote: "Les réponses viennent uniquement du portfolio de {name}, avec leurs sources.",
      open: "Ouvrir le chat", newAnswer: "nouvelle réponse", clear: "Effacer",
      clearLabel: "Effacer la conversation", close: "Fermer le chat",
      download: "Télécharger la conversation", question: "Votre question",
      placeholder: "Expérience, projets, compétences…", send: "Envoyer",
      checkJob: "Vérifier une offre d'emploi", backToChat: "Retour au chat",
      typing: "L'assistant écrit", you: "Vous : ", assistant: "Assistant : ",
      sources: "Sources", more: "+{n} de plus", source: "Source {n} : {title}",
      retry: "Réessayer", helpful: "Utile", unhelpful: "Pas utile", copy: "Copier",
      copied: "Copié", thanks: "Merci pour votre avis.",
      offline: "Impossible de joindre l'assistant. Vérifiez votre connexion et réessayez.",
      tooMany: "Trop de questions pour le moment. Vous pourrez reposer la question {when}.",
      inSeconds: "dans {n} s", shortly: "dans un instant",
      failed: "L'assistant n'a pas pu répondre. Veuillez réessayer.",
      notSent: "Cette question n'a pas pu être envoyée.", notSentBecause: "Cette question n'a pas pu être envoyée : {detail}.",
      contact: "Contacter {name}", contactIntro: "Laissez vos coordonnées et {name} vous répondra.",
      name: "Votre nom", email: "Votre e-mail", company: "Entreprise (facultatif)",
      message: "Message",
      consent: "J'accepte que {name} reçoive ces informations et qu'elles soient conservées {n} jours.",
      stored: "Vos nom, e-mail, entreprise et message sont conservés pour {name} pendant {n} jours, puis supprimés.",
      submit: "Envoyer à {name}", sending: "Envoi…",
      sent: "Merci ! {name} vous répondra à {email}.",
      fix: "Veuillez corriger les champs indiqués ci-dessous.", required: "Obligatoire.",
      tooManyForms: "Trop de messages depuis cette connexion. Réessayez plus tard.",
      formFailed: "Votre message n'a pas pu être envoyé. Veuillez réessayer.",
      transcript: "Conversation avec l'assistant du portfolio de {name}",
      jobLabel: "Offre d'emploi", jobPlaceholder: "Collez l'offre : responsabilités et qualifications…",
      jobHint: "Chaque exigence est comparée au portfolio de {name} : démontrée, partielle ou introuvable.",
      checkFit: "Vérifier", checking: "Vérification de chaque exigence…",
      jobFailed: "L'assistant n'a pas pu la vérifier. Veuillez réessayer.",
      jobTooMany: "Trop de demandes pour le moment. Réessayez {when}.",
      jobTooLong: "C'est trop long : collez seulement le texte de l'offre.",
      jobInvalid: "Impossible de la vérifier : {detail}.",
      evidencedOf: "{n} exigences démontrées sur {total}",
      tally: "{evidenced} démontrées · {partial} partielles · {missing} introuvables",
      strongest: "Meilleures correspondances : ", evidenced: "Démontrée", partial: "Partielle",
      notFound: "Introuvable", notShown: "Non démontré : ",
    },
    de: {
      title: "Fragen zu {name}", neutralTitle: "Fragen zu diesem Portfolio",
      greeting: "Hallo! Fragen Sie mich nach der Erfahrung und dem Werdegang von {name} oder nach Kontaktdaten.",
      footnote: "Antworten stammen nur aus dem Portfolio von {name}, mit Quellen.",
      open: "Chat öffnen", newAnswer: "neue Antwort", clear: "Leeren",
      clearLabel: "Unterhaltung leeren", close: "Chat schließen",
      download: "Unterhaltung herunterladen", question: "Ihre Frage",
      placeholder: "Erfahrung, Projekte, Kenntnisse…", send: "Senden",
      checkJob: "Stellenanzeige prüfen", backToChat: "Zurück zum Chat",
      typing: "Der Assistent schreibt", you: "Sie: ", assistant: "Assistent: ",
      sources: "Quellen", more: "+{n} weitere", source: "Quelle {n}: {title}",
      retry: "Erneut versuchen", helpful: "Hilfreich", unhelpful: "Nicht hilfreich",
      copy: "Kopieren", copied: "Kopiert", thanks: "Danke für Ihr Feedback.",
      offline: "Der Assistent ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.",
      tooMany: "Gerade zu viele Fragen. Sie können {when} wieder fragen.",
      inSeconds: "in {n} s", shortly: "gleich",
      failed: "Der Assistent konnte nicht antworten. Bitte versuchen Sie es erneut.",
      notSent: "Diese Frage konnte nicht gesendet werden.", notSentBecause: "Diese Frage konnte nicht gesendet werden: {detail}.",
      contact: "{name} kontaktieren", contactIntro: "Hinterlassen Sie Ihre Daten, {name} meldet sich.",
      name: "Ihr Name", email: "Ihre E-Mail-Adresse", company: "Firma (optional)",
      message: "Nachricht",
      consent: "Ich bin einverstanden, dass {name} diese Angaben erhält und sie {n} Tage gespeichert werden.",
      stored: "Name, E-Mail, Firma und Nachricht werden für {name} {n} Tage gespeichert und dann gelöscht.",
      submit: "An {name} senden", sending: "Wird gesendet…",
      sent: "Danke! {name} meldet sich unter {email}.",
      fix: "Bitte korrigieren Sie die markierten Felder.", required: "Pflichtfeld.",
      tooManyForms: "Zu viele Nachrichten von dieser Verbindung. Bitte später erneut versuchen.",
      formFailed: "Ihre Nachricht konnte nicht gesendet werden. Bitte erneut versuchen.",
      transcript: "Unterhaltung mit dem Portfolio-Assistenten von {name}",
      jobLabel: "Stellenanzeige", jobPlaceholder: "Stellenanzeige einfügen: Aufgaben und Anforderungen…",
      jobHint: "Jede Anforderung wird mit dem Portfolio von {name} abgeglichen: belegt, teilweise oder nicht gefunden.",
      checkFit: "Prüfen", checking: "Jede Anforderung wird geprüft…",
      jobFailed: "Der Assistent konnte sie nicht prüfen. Bitte erneut versuchen.",
      jobTooMany: "Gerade zu viele Anfragen. Bitte {when} erneut versuchen.",
      jobTooLong: "Das ist zu lang: fügen Sie nur den Text der Stellenanzeige ein.",
      jobInvalid: "Konnte nicht geprüft werden: {detail}.",
      evidencedOf: "{n} von {total} Anforderungen belegt",
      tally: "{evidenced} belegt · {partial} teilweise · {missing} nicht gefunden",
      strongest: "Stärkste Übereinstimmungen: ", evidenced: "Belegt", partial: "Teilweise",
      notFound: "Nicht gefunden", notShown: "Nicht belegt: ",
    },
  };

  // The first supported language of the given ones ("es-MX" -> "es"), else English.
  function pickLanguage(...candidates) {
    for (const candidate of candidates) {
      const code = String(candidate || "").toLowerCase().split("-")[0];
      if (Object.hasOwn(STRINGS, code)) return code;
    }
    return "en";
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, key) =>
      Object.hasOwn(values, key) ? String(values[key]) : whole);
  }

  // A speech bubble with three dots, drawn with DOM calls (nothing is parsed as HTML).
  const BUBBLE_PATH = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 " +
    "2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 " +
    "0 0 3zm5 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3z";

  function bubbleIcon() {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    for (const [name, value] of Object.entries({ viewBox: "0 0 24 24", width: "28",
      height: "28", "aria-hidden": "true", focusable: "false", class: "launcher-icon" })) {
      svg.setAttribute(name, value);
    }
    const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", BUBBLE_PATH);
    svg.append(path);
    return svg;
  }

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
      return ["chat-title", "greeting", "accent", "position", "open", "api-base", "lang"];
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
      this.jobBusy = false;
      this.view = "chat";
      this.unread = false;
      this.site = {};
    }

    // The interface language: the element's lang attribute, else the browser's.
    get language() {
      return pickLanguage(this.getAttribute("lang"), navigator.language,
        ...(navigator.languages || []));
    }

    // One of the interface's strings, with {name} the owner's first name.
    t(key, values = {}) {
      const table = STRINGS[this.language];
      const template = Object.hasOwn(table, key) ? table[key] : STRINGS.en[key];
      return fill(template, { name: this.ownerName(), ...values });
    }

    ownerName() {
      const owner = this.site && typeof this.site.owner === "string" ? this.site.owner.trim() : "";
      return owner.split(/\s+/)[0] || "";
    }

    // A text the server words for its owner (in English, with the right pronouns), or ours in
    // the interface's language.
    siteText(key, serverValue) {
      if (this.language === "en" && typeof serverValue === "string" && serverValue) {
        return serverValue;
      }
      return this.ownerName() ? this.t(key) : null;
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
      if (name === "lang") this.rebuild();
      if (name === "chat-title") this.titleNode.textContent = this.titleText();
      if (name === "accent") this.applyAccent();
      if (name === "position") this.wrapper.dataset.position = this.position();
      if (name === "open" && this.hasAttribute("open")) this.openPanel(false);
    }

    titleText() {
      // The site's title (GET /api/v1/site, fetched on opening) until then a neutral one.
      return this.getAttribute("chat-title") || this.siteText("title", this.site.title) ||
        this.t("neutralTitle");
    }

    // The interface again, in another language (the conversation stays).
    rebuild() {
      const open = !this.panel.hidden;
      this.build();
      this.render();
      if (this.site && this.site.owner) this.applySite();
      if (open) this.openPanel(false);
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
      this.namedTexts = [];
      const root = this.shadowRoot;
      const stylesheet = el("link", { rel: "stylesheet", href: this.stylesheetUrl() });
      stylesheet.addEventListener("load", () => this.wrapper.classList.add("styled"));

      this.unreadDot = el("span", { class: "unread", part: "unread", hidden: !this.unread });
      this.launcher = el("button", {
        type: "button", class: "launcher", part: "launcher",
        "aria-expanded": "false", "aria-controls": "panel",
      }, bubbleIcon(), this.unreadDot);
      this.launcher.addEventListener("click", () => this.togglePanel());
      this.labelLauncher();

      this.titleNode = el("h2", { id: "title", part: "title" }, this.titleText());
      const action = (label, className, handler, text) => {
        const button = el("button", { type: "button", class: `ghost ${className}`,
          part: className, "aria-label": label }, text);
        button.addEventListener("click", handler);
        return button;
      };
      this.contactButton = this.named(el("button", { type: "button", class: "contact-open",
        part: "contact-open", "aria-controls": "contact-view" }), () => this.contactLabel());
      this.contactButton.addEventListener("click", () => this.setView("contact"));
      const downloadButton = action(this.t("download"), "download", () => this.download(),
        el("span", { "aria-hidden": "true" }, "⤓"));
      const clearButton = action(this.t("clearLabel"), "clear", () => this.clear(),
        this.t("clear"));
      this.closeButton = action(this.t("close"), "close", () => this.closePanel(),
        el("span", { "aria-hidden": "true" }, "×"));

      this.log = el("div", { class: "log", part: "log", role: "log", "aria-live": "polite",
        "aria-relevant": "additions", "aria-labelledby": "title", tabindex: "0" });
      this.suggestionsNode = el("div", { class: "suggestions", part: "suggestions" });

      this.input = el("input", { id: "question", name: "question", type: "text",
        maxlength: "1000", autocomplete: "off", required: true, part: "input",
        placeholder: this.t("placeholder") });
      this.sendButton = el("button", { type: "submit", class: "send", part: "send" },
        this.t("send"));
      this.form = el("form", { class: "composer", part: "composer" },
        el("label", { for: "question", class: "visually-hidden" }, this.t("question")),
        this.input, this.sendButton);
      this.form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.send(this.input.value);
      });
      this.status = el("p", { class: "visually-hidden", role: "status" });

      this.modeButton = el("button", { type: "button", class: "mode-switch", part: "mode-switch",
        "aria-pressed": "false" }, this.t("checkJob"));
      this.modeButton.addEventListener("click",
        () => this.setView(this.view === "job" ? "chat" : "job"));
      this.chatView = el("div", { class: "view chat-view" },
        this.log, this.suggestionsNode, this.form);
      this.jobView = this.buildJobView();
      this.contactView = this.buildContactView();

      this.panel = el("section", { id: "panel", class: "panel", part: "panel",
        "aria-labelledby": "title", hidden: true, lang: this.language },
        el("header", { part: "header" }, this.titleNode,
          el("div", { class: "header-actions" }, this.contactButton, downloadButton, clearButton,
            this.inline ? null : this.closeButton)),
        this.chatView, this.jobView, this.contactView, this.status,
        el("div", { class: "panel-footer" }, this.modeButton,
          this.footnoteNode = el("p", { class: "footnote" },
            this.siteText("footnote", this.site.footnote) || "")));
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
      this.view = "chat";
    }

    contactLabel() {
      return this.t("contact").trim();
    }

    // The contact form: name, email, company, message and consent; errors shown by field.
    buildContactView() {
      this.contactFields = {};
      this.contactErrors = {};
      const field = (name, label, control) => {
        const error = el("p", { id: `contact-${name}-error`, class: "field-error", hidden: true });
        control.id = `contact-${name}`;
        control.name = name;
        control.setAttribute("part", `contact-${name}`);
        this.contactFields[name] = control;
        this.contactErrors[name] = error;
        return el("div", { class: "field" }, el("label", { for: control.id }, label), control,
          error);
      };
      const consent = el("input", { type: "checkbox", required: true });
      consent.id = "contact-consent";
      consent.name = "consent";
      this.contactFields.consent = consent;
      this.contactErrors.consent = el("p", { id: "contact-consent-error", class: "field-error",
        hidden: true });
      // Hidden from people (and screen readers); robots fill it in.
      const honeypot = el("input", { type: "text", name: "website", tabindex: "-1",
        autocomplete: "off", class: "honeypot", "aria-hidden": "true" });
      this.contactFields.website = honeypot;
      this.contactNotice = el("p", { class: "form-notice", role: "alert", hidden: true });
      this.contactSubmit = this.named(el("button", { type: "submit", class: "send",
        part: "contact-send" }), () => this.t("submit"));
      const form = el("form", { class: "contact-form", part: "contact-form", novalidate: true,
        "aria-labelledby": "contact-heading" },
        this.named(el("h3", { id: "contact-heading", tabindex: "-1" }), () => this.contactLabel()),
        this.named(el("p", { class: "hint" }), () => this.t("contactIntro")),
        this.contactNotice,
        field("name", this.t("name"), el("input", { type: "text", maxlength: "100",
          autocomplete: "name", required: true })),
        field("email", this.t("email"), el("input", { type: "email", maxlength: "254",
          autocomplete: "email", required: true })),
        field("company", this.t("company"), el("input", { type: "text", maxlength: "100",
          autocomplete: "organization" })),
        field("message", this.t("message"), el("textarea", { rows: "4", maxlength: "2000",
          required: true })),
        el("div", { class: "field consent" }, consent,
          this.named(el("label", { for: "contact-consent" }),
            () => this.t("consent", { n: this.leadDays() })),
          this.contactErrors.consent),
        el("label", { class: "honeypot", "aria-hidden": "true" }, "Website", honeypot),
        this.named(el("p", { class: "hint" }), () => this.t("stored", { n: this.leadDays() })),
        this.contactSubmit);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.submitLead();
      });
      this.contactForm = form;
      this.contactDoneNode = el("div", { class: "contact-done", hidden: true });
      return el("div", { id: "contact-view", class: "view contact-view", hidden: true },
        form, this.contactDoneNode);
    }

    // A node whose text names the owner: set now, and again once the site is known.
    named(node, text) {
      this.namedTexts.push([node, text]);
      node.textContent = text();
      return node;
    }

    leadDays() {
      const days = Number(this.site && this.site.lead_days);
      return Number.isFinite(days) && days > 0 ? days : 180;
    }

    showFieldErrors(errors) {
      let first = null;
      // In the form's order, so that the first field in error gets the focus.
      for (const name of ["name", "email", "company", "message", "consent"]) {
        const control = this.contactFields[name];
        const error = this.contactErrors[name];
        const message = errors[name];
        error.textContent = message || "";
        error.hidden = !message;
        if (message) {
          control.setAttribute("aria-invalid", "true");
          control.setAttribute("aria-describedby", error.id);
          first = first || control;
        } else {
          control.removeAttribute("aria-invalid");
          control.removeAttribute("aria-describedby");
        }
      }
      return first;
    }

    async submitLead() {
      if (this.contactBusy) return;
      const fields = this.contactFields;
      const body = {
        name: fields.name.value, email: fields.email.value.trim(),
        company: fields.company.value, message: fields.message.value,
        consent: fields.consent.checked,
      };
      if (fields.website.value) body.website = fields.website.value;
      if (this.sessionId) body.session_id = this.sessionId;
      this.contactBusy = true;
      this.contactSubmit.disabled = true;
      this.contactSubmit.textContent = this.t("sending");
      this.contactNotice.hidden = true;
      let notice = null;
      try {
        const response = await fetch(this.apiBase + "/api/v1/leads", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify(body), signal: this.abortSignal(), credentials: "omit",
        });
        if (response.status === 201) {
          this.showFieldErrors({});
          this.contactSent(body.email);
          return;
        }
        const problem = await response.json().catch(() => ({}));
        if (response.status === 422 && Array.isArray(problem.errors)) {
          const errors = {};
          for (const item of problem.errors) {
            if (item && typeof item.field === "string" && !errors[item.field]) {
              errors[item.field] = String(item.message || this.t("required"));
            }
          }
          const first = this.showFieldErrors(errors);
          notice = this.t("fix");
          if (first) first.focus();
        } else {
          notice = response.status === 429 ? this.t("tooManyForms") : this.t("formFailed");
        }
      } catch (error) {
        if (error && error.name === "AbortError") return;
        notice = this.t("offline");
      } finally {
        this.contactBusy = false;
        this.contactSubmit.disabled = false;
        this.contactSubmit.textContent = this.t("submit");
      }
      if (notice) {
        this.contactNotice.textContent = notice;
        this.contactNotice.hidden = false;
      }
    }

    contactSent(email) {
      this.contactDone = true;
      this.contactForm.hidden = true;
      const back = el("button", { type: "button", class: "send" }, this.t("backToChat"));
      back.addEventListener("click", () => this.setView("chat"));
      const heading = el("h3", { tabindex: "-1" }, this.t("sent", { email }));
      this.contactDoneNode.replaceChildren(heading, back);
      this.contactDoneNode.hidden = false;
      heading.focus();
    }

    resetContactForm() {
      this.contactDone = false;
      this.contactForm.reset();
      this.contactForm.hidden = false;
      this.contactDoneNode.hidden = true;
    }

    labelLauncher() {
      const label = this.unread ? `${this.titleText()} (${this.t("newAnswer")})` : this.titleText();
      this.launcher.setAttribute("aria-label", label);
      this.unreadDot.hidden = !this.unread;
    }

    // One view at a time in the panel: the chat, the job-description check, the contact form.
    setView(view) {
      this.view = view;
      this.chatView.hidden = view !== "chat";
      this.jobView.hidden = view !== "job";
      this.contactView.hidden = view !== "contact";
      this.modeButton.textContent = view === "chat" ? this.t("checkJob") : this.t("backToChat");
      this.modeButton.setAttribute("aria-pressed", view === "job" ? "true" : "false");
      this.contactButton.setAttribute("aria-expanded", view === "contact" ? "true" : "false");
      if (view === "contact" && this.contactDone) this.resetContactForm();
      this.focusView();
    }

    focusView() {
      ({ chat: this.input, job: this.jobInput, contact: this.contactFields.name })[this.view].focus();
    }

    // The job-description mode: paste a posting, get each requirement checked with sources.
    buildJobView() {
      this.jobInput = el("textarea", { id: "job", name: "job_description", rows: "7",
        maxlength: "20000", required: true, part: "job-input", "aria-describedby": "job-hint",
        placeholder: this.t("jobPlaceholder") });
      this.jobButton = el("button", { type: "submit", class: "send", part: "job-send" },
        this.t("checkFit"));
      const form = el("form", { class: "job-form", part: "job-form" },
        el("label", { for: "job", class: "job-label" }, this.t("jobLabel")),
        this.jobInput,
        this.named(el("p", { id: "job-hint", class: "hint" }), () => this.t("jobHint")),
        this.jobButton);
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.checkJob(this.jobInput.value);
      });
      this.reportNode = el("div", { class: "report", part: "report", role: "region",
        "aria-label": "Fit report", "aria-live": "polite", tabindex: "-1" });
      return el("div", { class: "view job-view", hidden: true }, form, this.reportNode);
    }

    async checkJob(rawText) {
      const text = String(rawText || "");
      if (!text.trim() || this.jobBusy) return;
      this.jobBusy = true;
      this.jobButton.disabled = true;
      this.reportNode.replaceChildren(el("p", { class: "typing-text", role: "status" },
        this.t("checking")));
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
        node = el("p", { class: "message error", role: "alert" }, this.t("offline"));
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
      let text = this.t("jobFailed");
      if (response.status === 429) {
        const seconds = retryAfterSeconds(response);
        const when = !seconds ? this.t("shortly")
          : seconds === 1 ? this.t("inSecond") : this.t("inSeconds", { n: seconds });
        text = this.t("jobTooMany", { when });
      } else if (response.status === 413) {
        text = this.t("jobTooLong");
      } else if (response.status < 500) {
        const first = Array.isArray(body.errors) && body.errors[0] ? body.errors[0].message : "";
        text = this.t("jobInvalid", { detail: first || body.detail || "invalid input" });
      }
      return el("p", { class: "message error", part: "message error", role: "alert" }, text);
    }

    reportView(report) {
      const summary = report.summary || {};
      const items = Array.isArray(report.requirements) ? report.requirements : [];
      const total = Number(summary.requirements) || items.length;
      const view = el("div", {},
        el("h3", { tabindex: "-1" },
          this.t("evidencedOf", { n: Number(summary.evidenced) || 0, total })),
        el("p", { class: "summary" }, this.t("tally", { evidenced: Number(summary.evidenced) || 0,
          partial: Number(summary.partial) || 0, missing: Number(summary.not_found) || 0 })));
      const strongest = Array.isArray(summary.strongest) ? summary.strongest : [];
      if (strongest.length) {
        view.append(el("p", { class: "strongest" }, el("strong", {}, this.t("strongest")),
          strongest.map((s) => String(s.requirement || "")).join("; ")));
      }
      const list = el("ul", { class: "checklist", part: "checklist" });
      for (const item of items) list.append(this.requirementNode(item));
      view.append(list);
      return view;
    }

    requirementNode(item) {
      const labels = { evidenced: this.t("evidenced"), partial: this.t("partial"),
        not_found: this.t("notFound") };
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
        node.append(el("p", { class: "missing" }, this.t("notShown") + missing.join(", ")));
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
      this.unread = false;
      this.labelLauncher();
      if (!this.started) this.start();
      this.save();
      if (focus) this.focusView();
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
      this.applySite();
      if (this.messages.length === 0) {
        const greeting = this.getAttribute("greeting") ||
          this.siteText("greeting", this.site.greeting) || this.t("neutralTitle");
        this.messages.push({ role: "greeting", text: greeting });
        this.render();
      }
      if (this.messages.some((m) => m.role === "user")) return;
      const suggestions = Array.isArray(this.site.suggestions) ? this.site.suggestions : [];
      this.showSuggestions(suggestions);
    }

    // The owner's name where the interface shows it, once GET /api/v1/site has answered.
    applySite() {
      this.titleNode.textContent = this.titleText();
      this.labelLauncher();
      const footnote = this.siteText("footnote", this.site.footnote);
      if (footnote) this.footnoteNode.textContent = footnote;
      for (const [node, text] of this.namedTexts) node.textContent = text();
      this.render();
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
        failure = { text: this.t("offline"), question, retry: true };
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
        if (this.panel.hidden) {
          this.unread = true;
          this.labelLauncher();
        }
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
        const when = !seconds ? this.t("shortly")
          : seconds === 1 ? this.t("inSecond") : this.t("inSeconds", { n: seconds });
        return { text: this.t("tooMany", { when }), question, retry: true, waitSeconds: seconds };
      }
      if (response.status >= 500) return { text: this.t("failed"), question, retry: true };
      return { text: detail ? this.t("notSentBecause", { detail }) : this.t("notSent"), question,
        retry: false };
    }

    failureNode(failure) {
      const node = el("div", { class: "message error", part: "message error", role: "alert" },
        el("p", {}, failure.text));
      if (failure.retry) {
        const retry = el("button", { type: "button", class: "retry", part: "retry" },
          this.t("retry"));
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
        role: "status", "aria-label": this.t("typing") },
        el("span", { class: "dot" }), el("span", { class: "dot" }), el("span", { class: "dot" }));
    }

    render() {
      this.log.replaceChildren(...this.messages.map((message) => this.messageNode(message)));
    }

    messageNode(message) {
      if (message.role === "user") {
        return el("div", { class: "message user", part: "message user" },
          el("span", { class: "visually-hidden" }, this.t("you")), message.text);
      }
      if (message.role === "greeting") {
        return el("div", { class: "message assistant", part: "message assistant" },
          el("p", {}, message.text));
      }
      const node = this.answerNode(message.answer || {});
      if (message.answer && !message.answer.abstained) node.append(this.answerActions(message));
      return node;
    }

    // Text with "[n]" markers made links to the cited sections; everything else plain text.
    withMarkers(container, text, byNumber) {
      for (const part of String(text || "").split(/(\[\d+\])/)) {
        const marker = /^\[(\d+)\]$/.exec(part);
        const citation = marker ? byNumber.get(Number(marker[1])) : null;
        const href = citation ? safeHttpUrl(citation.url) : null;
        if (citation && href) {
          container.append(el("a", { class: "marker", href, target: "_blank", rel: "noopener",
            "aria-label": this.t("source", { n: marker[1], title: citation.title }) }, part));
        } else {
          container.append(part);
        }
      }
      return container;
    }

    answerNode(answer) {
      const citations = Array.isArray(answer.citations) ? answer.citations : [];
      const byNumber = new Map(citations.map((c) => [Number(c.n), c]));
      const abstained = !!answer.abstained;
      const node = el("div", {
        class: abstained ? "message assistant abstained" : "message assistant",
        part: abstained ? "message assistant abstained" : "message assistant",
      }, el("span", { class: "visually-hidden" }, this.t("assistant")));
      const items = Array.isArray(answer.items) ? answer.items.filter((i) => typeof i === "string")
        : [];
      if (items.length > 1) {
        const list = el("ul", { class: "items", part: "items" });
        for (const item of items) list.append(this.withMarkers(el("li", {}), item, byNumber));
        node.append(list);
      } else {
        node.append(this.withMarkers(el("p", {}), answer.answer, byNumber));
      }
      if (abstained) node.append(this.contactLinks(String(answer.answer || "")));
      else if (citations.length) node.append(this.citationChips(citations));
      return node;
    }

    // Under an answer: rate it (one rating, changeable) and copy it.
    answerActions(message) {
      const answer = message.answer;
      const bar = el("div", { class: "actions", part: "actions" });
      if (this.site.feedback !== false && typeof answer.request_id === "string") {
        for (const [helpful, label, glyph] of [[true, this.t("helpful"), "👍"],
          [false, this.t("unhelpful"), "👎"]]) {
          const button = el("button", { type: "button", class: "rate", part: "rate",
            "aria-label": label, title: label,
            "aria-pressed": message.rating === helpful ? "true" : "false" },
          el("span", { "aria-hidden": "true" }, glyph));
          button.addEventListener("click", () => this.rate(message, helpful, bar));
          bar.append(button);
        }
      }
      const copy = el("button", { type: "button", class: "copy", part: "copy" }, this.t("copy"));
      copy.addEventListener("click", () => this.copy(answer, copy));
      bar.append(copy);
      return bar;
    }

    async rate(message, helpful, bar) {
      const previous = message.rating;
      message.rating = helpful;
      const buttons = bar.querySelectorAll(".rate");
      buttons.forEach((button, index) => button.setAttribute("aria-pressed",
        String((index === 0) === helpful)));
      try {
        const response = await fetch(this.apiBase + "/api/v1/feedback", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ request_id: message.answer.request_id, helpful }),
          signal: this.abortSignal(), credentials: "omit",
        });
        if (!response.ok) throw new Error(String(response.status));
        this.announce(this.t("thanks"));
        this.save();
      } catch (error) {
        message.rating = previous;
        buttons.forEach((button, index) => button.setAttribute("aria-pressed",
          String(previous !== undefined && (index === 0) === previous)));
      }
    }

    async copy(answer, button) {
      const citations = Array.isArray(answer.citations) ? answer.citations : [];
      const sources = citations.map((c) => `[${c.n}] ${c.title}: ${c.url}`).join("\n");
      const text = String(answer.answer || "") + (sources ? "\n\n" + sources : "");
      try {
        await navigator.clipboard.writeText(text);
        button.textContent = this.t("copied");
        this.announce(this.t("copied"));
        setTimeout(() => { button.textContent = this.t("copy"); }, 2000);
      } catch (error) {
        // No clipboard (an insecure page, or permission refused): nothing to do.
      }
    }

    announce(text) {
      this.status.textContent = "";
      setTimeout(() => { this.status.textContent = text; }, 50);
    }

    contactLinks(text) {
      const links = [];
      const email = /[\w.+-]+@[\w-]+(\.[\w-]+)+/.exec(text);
      if (email) links.push(el("a", { href: "mailto:" + email[0], part: "contact-link" },
        "Email " + email[0]));
      const linkedin = /linkedin\.com\/in\/[\w-]+/i.exec(text);
      if (linkedin) links.push(el("a", { href: "https://www." + linkedin[0], target: "_blank",
        rel: "noopener", part: "contact-link" }, "LinkedIn profile"));
      const form = el("button", { type: "button", class: "contact-form-open",
        part: "contact-form-open" }, this.contactLabel());
      form.addEventListener("click", () => this.setView("contact"));
      return el("div", { class: "contact", part: "contact" }, form, ...links);
    }

    // Compact chips, "[n] Title", with the section and date in the title attribute. A phone
    // shows the first three and a button for the rest.
    citationChips(citations) {
      const list = el("ol", { class: "citations", part: "citations",
        "aria-label": this.t("sources") });
      citations.forEach((citation, index) => {
        const section = this.sectionLabel(citation.section);
        const about = [section, citation.updated].filter(Boolean).join(" · ");
        const label = `[${citation.n}] ${citation.title}`;
        const href = safeHttpUrl(citation.url);
        const chip = href
          ? el("a", { class: "chip", part: "chip", href, target: "_blank", rel: "noopener",
            title: about }, label)
          : el("span", { class: "chip", part: "chip", title: about }, label);
        list.append(el("li", { class: index < CHIPS_ON_A_PHONE ? "" : "extra" }, chip));
      });
      const hidden = citations.length - CHIPS_ON_A_PHONE;
      if (hidden > 0) {
        const more = el("button", { type: "button", class: "more", part: "more",
          "aria-expanded": "false" }, this.t("more", { n: hidden }));
        more.addEventListener("click", () => {
          list.classList.add("expanded");
          more.setAttribute("aria-expanded", "true");
          more.hidden = true;
          list.querySelector(".extra a, .extra span")?.focus();
        });
        list.append(el("li", { class: "more-item" }, more));
      }
      return list;
    }

    sectionLabel(name) {
      const sections = Array.isArray(this.site.sections) ? this.site.sections : [];
      const found = sections.find((s) => s && s.name === name);
      return found && typeof found.label === "string" ? found.label : String(name || "");
    }

    // The conversation as Markdown, with each answer's sources, saved as a file.
    download() {
      const lines = [`# ${this.t("transcript")}`, ""];
      for (const message of this.messages) {
        if (message.role === "user") lines.push(`**${this.t("you").trim()}** ${message.text}`, "");
        else if (message.role === "greeting") lines.push(message.text, "");
        else if (message.answer) {
          const answer = message.answer;
          const items = Array.isArray(answer.items) && answer.items.length > 1 ? answer.items : null;
          lines.push(`**${this.t("assistant").trim()}**`, "");
          if (items) lines.push(...items.map((item) => `- ${item}`));
          else lines.push(String(answer.answer || ""));
          for (const c of Array.isArray(answer.citations) ? answer.citations : []) {
            const href = safeHttpUrl(c.url);
            lines.push(href ? `[${c.n}]: ${href} "${String(c.title).replace(/"/g, "'")}"`
              : `[${c.n}] ${c.title}`);
          }
          lines.push("");
        }
      }
      const blob = new Blob([lines.join("\n")], { type: "text/markdown;charset=utf-8" });
      const link = el("a", { href: URL.createObjectURL(blob), download: "conversation.md" });
      this.shadowRoot.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
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
      if (this.view !== "chat") this.setView("chat");
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
      position: "position", apiBase: "api-base", lang: "lang" };
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
