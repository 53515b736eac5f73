// ptce-kg web page: YASGUI (when installed) or a plain editor, the query catalogue, file validation.
// No framework, no build step; everything talks to the same-origin API.
"use strict";

const SPARQL_ENDPOINT = new URL("/sparql", window.location.href).href;
const state = { lang: "fr", editor: null };

const TEXT = {
  fr: {
    noYasgui: "YASGUI n'est pas installé sur ce serveur (lancer « make web » ou « npm ci ») : éditeur simple à la place.",
    catalogueError: "Catalogue indisponible : ",
    catalogueEmpty: "Aucune requête dans le catalogue.",
    loaded: "Requête chargée : ",
    running: "Exécution…",
    rows: (n) => `${n} ligne${n > 1 ? "s" : ""}`,
    askTrue: "Réponse : vrai",
    askFalse: "Réponse : faux",
    validating: "Validation en cours…",
    conforms: "Conforme : aucune violation.",
    violations: (n) => `Non conforme : ${n} violation${n > 1 ? "s" : ""}.`,
    chooseFile: "Choisir un fichier ou un dossier.",
    error: "Erreur",
    onMap: "carte",
  },
  en: {
    noYasgui: "YASGUI is not installed on this server (run “make web” or “npm ci”): plain editor instead.",
    catalogueError: "Catalogue unavailable: ",
    catalogueEmpty: "No query in the catalogue.",
    loaded: "Query loaded: ",
    running: "Running…",
    rows: (n) => `${n} row${n > 1 ? "s" : ""}`,
    askTrue: "Answer: true",
    askFalse: "Answer: false",
    validating: "Validating…",
    conforms: "Conforms: no violation.",
    violations: (n) => `Does not conform: ${n} violation${n > 1 ? "s" : ""}.`,
    chooseFile: "Choose a file or a folder.",
    error: "Error",
    onMap: "map",
  },
};

function t(key, ...args) {
  const value = TEXT[state.lang][key];
  return typeof value === "function" ? value(...args) : value;
}

function applyLanguage(lang) {
  state.lang = lang;
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-fr]")) {
    el.textContent = el.dataset[lang];
  }
  document.getElementById("lang-switch").textContent = lang === "fr" ? "EN" : "FR";
  const notice = document.getElementById("editor-status");
  if (notice.dataset.key) notice.textContent = t(notice.dataset.key);
  renderCatalogue();
}

// The API answers errors as JSON ({"error"/"detail"/"message": …}) or text; show the message.
async function errorMessage(response) {
  const body = await response.text();
  try {
    const data = JSON.parse(body);
    const detail = data.detail || data.message || data.error; // detail: our errors and FastAPI's
    return `${response.status}: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`;
  } catch (_) {
    return `${response.status}: ${body.slice(0, 500)}`;
  }
}

/* ---------- IRIs in results lead to this service's pages ---------- */

// Our IRIs to /id/…, /vocab/…, /graph/…; INSEE's to /resource?iri=… (same rules as
// ptce_kg/pages/hrefs.py); any other IRI keeps its own address.
const LOCAL_PAGES = [
  ["https://w3id.org/ptce/id/", "/id/"],
  ["https://w3id.org/ptce/vocab/", "/vocab/"],
  ["https://w3id.org/ptce/graph/", "/graph/"],
];

function localPage(iri) {
  for (const [prefix, path] of LOCAL_PAGES) {
    if (iri.startsWith(prefix) && iri.length > prefix.length) return path + iri.slice(prefix.length);
  }
  return iri.startsWith("http://id.insee.fr/") ? `/resource?iri=${encodeURIComponent(iri)}` : null;
}

// YASR draws its table itself: point its IRI links (a.iri) to the local pages as they appear.
function linkIrisLocally(container) {
  const rewrite = () => {
    for (const link of container.querySelectorAll("a.iri[href]:not([data-iri])")) {
      const iri = link.getAttribute("href");
      const local = localPage(iri);
      link.dataset.iri = iri;
      if (local) link.setAttribute("href", local);
    }
  };
  new MutationObserver(rewrite).observe(container, { childList: true, subtree: true });
}

/* ---------- editor: YASGUI or the plain fallback ---------- */

function loadYasgui() {
  return new Promise((resolve) => {
    const script = document.createElement("script");
    script.src = "/yasgui/yasgui.min.js";
    script.onload = () => resolve(typeof window.Yasgui === "function");
    script.onerror = () => resolve(false);
    document.head.appendChild(script);
  });
}

function startYasgui() {
  const Yasgui = window.Yasgui;
  // Only the local variable autocompleter: the others query prefix.cc / LOV on the network.
  if (Yasgui.Yasqe && Yasgui.Yasqe.defaults) Yasgui.Yasqe.defaults.autocompleters = ["variables"];
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: SPARQL_ENDPOINT, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint: SPARQL_ENDPOINT }] },
    persistenceId: null,
    populateFromUrl: false,
  });
  linkIrisLocally(document.getElementById("yasgui"));
  // Same starting query as the plain editor (the textarea's text in index.html).
  yasgui.getTab().setQuery(document.getElementById("query-text").value);
  return {
    kind: "yasgui",
    setQuery: (text) => yasgui.getTab().setQuery(text),
    run: () => yasgui.getTab().query(),
  };
}

function startFallback() {
  const status = document.getElementById("editor-status");
  status.dataset.key = "noYasgui";
  status.textContent = t("noYasgui");
  status.hidden = false;
  document.getElementById("yasgui").hidden = true;
  document.getElementById("fallback").hidden = false;
  const textarea = document.getElementById("query-text");
  document.getElementById("run-query").addEventListener("click", () => runFallbackQuery(textarea.value));
  document.getElementById("download-csv").addEventListener("click", () => downloadCsv(textarea.value));
  return {
    kind: "fallback",
    setQuery: (text) => { textarea.value = text; },
    run: () => runFallbackQuery(textarea.value),
  };
}

function sparqlRequest(query, accept) {
  return fetch(SPARQL_ENDPOINT, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: accept },
    body: new URLSearchParams({ query }),
  });
}

async function runFallbackQuery(query) {
  const status = document.getElementById("query-status");
  const table = document.getElementById("results");
  status.textContent = t("running");
  table.replaceChildren();
  const response = await sparqlRequest(query, "application/sparql-results+json, text/turtle;q=0.9");
  if (!response.ok) {
    status.textContent = `${t("error")} ${await errorMessage(response)}`;
    return;
  }
  const type = response.headers.get("Content-Type") || "";
  if (!type.includes("json")) { // CONSTRUCT / DESCRIBE: show the Turtle as is
    const pre = document.createElement("pre");
    pre.textContent = await response.text();
    table.replaceChildren(pre);
    status.textContent = "";
    return;
  }
  const data = await response.json();
  if ("boolean" in data) {
    status.textContent = data.boolean ? t("askTrue") : t("askFalse");
    return;
  }
  const vars = data.head.vars;
  const head = table.createTHead().insertRow();
  for (const name of vars) head.appendChild(document.createElement("th")).textContent = name;
  const body = table.createTBody();
  for (const binding of data.results.bindings) {
    const row = body.insertRow();
    for (const name of vars) {
      const cell = row.insertCell();
      const term = binding[name];
      if (term && term.type === "uri") {
        const link = cell.appendChild(document.createElement("a"));
        link.className = "iri";
        link.dataset.iri = term.value;
        link.href = localPage(term.value) || term.value;
        link.textContent = term.value;
      } else {
        cell.textContent = term ? term.value : "";
      }
    }
  }
  status.textContent = t("rows", data.results.bindings.length);
}

async function downloadCsv(query) {
  const status = document.getElementById("query-status");
  const response = await sparqlRequest(query, "text/csv");
  if (!response.ok) {
    status.textContent = `${t("error")} ${await errorMessage(response)}`;
    return;
  }
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = "results.csv";
  document.body.appendChild(link);
  link.click();
  link.remove();
}

/* ---------- the query catalogue ---------- */

let catalogue = null;

function localised(value) {
  if (value && typeof value === "object") return value[state.lang] || value.fr || value.en || "";
  return value || "";
}

function renderCatalogue() {
  const list = document.getElementById("catalogue");
  if (!catalogue) return;
  list.replaceChildren();
  if (catalogue.length === 0) {
    list.appendChild(document.createElement("li")).textContent = t("catalogueEmpty");
  }
  for (const entry of catalogue) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "catalogue-item";
    button.dataset.name = entry.name;
    button.textContent = localised(entry.summary) || entry.name;
    button.title = `${entry.name}\n${localised(entry.description)}`;
    button.setAttribute("aria-pressed",
      String(document.getElementById("query-panel").dataset.loaded === entry.name));
    button.addEventListener("click", () => loadNamedQuery(entry.name));
    const item = list.appendChild(document.createElement("li"));
    item.appendChild(button);
    // Queries tagged "carte" have a territory column and a number: /map draws them.
    const required = (entry.parameters || []).some((p) => p.required);
    if ((entry.tags || []).includes("carte") && !required) {
      const link = item.appendChild(document.createElement("a"));
      link.className = "map-link";
      link.href = `/map?query=${encodeURIComponent(entry.name)}`;
      link.textContent = t("onMap");
    }
  }
}

async function loadCatalogue() {
  const response = await fetch("/queries", { headers: { Accept: "application/json" } });
  if (!response.ok) {
    document.getElementById("catalogue").textContent = t("catalogueError") + (await errorMessage(response));
    return;
  }
  const data = await response.json();
  catalogue = Array.isArray(data) ? data : data.queries || [];
  renderCatalogue();
}

// The editor gets the query's body (no #+ header; defaults bound, as the named route runs it);
// the whole file and the CSV answer are one click away, under the editor's title.
function showQuerySource(name) {
  const path = `/queries/${encodeURIComponent(name)}`;
  document.getElementById("query-source-name").textContent = name;
  document.getElementById("query-header-link").href = `${path}/text`;
  document.getElementById("query-csv-link").href = `${path}?format=csv`;
  document.getElementById("query-source").hidden = false;
}

async function loadNamedQuery(name) {
  const response = await fetch(`/queries/${encodeURIComponent(name)}/body`);
  const status = document.getElementById("editor-status");
  if (!response.ok) {
    delete status.dataset.key;
    status.textContent = `${t("error")} ${await errorMessage(response)}`;
    status.hidden = false;
    return;
  }
  state.editor.setQuery(await response.text());
  showQuerySource(name);
  document.getElementById("query-panel").dataset.loaded = name;
  for (const item of document.querySelectorAll(".catalogue-item")) {
    item.setAttribute("aria-pressed", String(item.dataset.name === name));
  }
  state.editor.run(); // one click: the query is shown and run (edit it and run it again at will)
}

/* ---------- validation form ---------- */

// The files chosen, and the CSV files of the folder chosen (the sheets of one template: the
// server reads them together, as `ptce-kg validate FOLDER` reads a folder).
function chosenFiles() {
  const files = Array.from(document.getElementById("validate-file").files);
  const folder = Array.from(document.getElementById("validate-folder").files);
  return files.concat(folder.filter((file) => file.name.toLowerCase().endsWith(".csv")));
}

async function validateFile(event) {
  event.preventDefault();
  const status = document.getElementById("validate-status");
  const frame = document.getElementById("validate-report");
  const files = chosenFiles();
  if (files.length === 0) {
    status.textContent = t("chooseFile");
    status.className = "status";
    return;
  }
  const form = new FormData();
  for (const file of files) form.append("file", file, file.name);
  form.append("rules", document.getElementById("validate-rules").value);
  form.append("lang", state.lang);
  status.textContent = t("validating");
  status.className = "status"; // no colour left over from the previous file's verdict
  frame.hidden = true;
  const response = await fetch("/validate", { method: "POST", headers: { Accept: "text/html" }, body: form });
  if (!response.ok) {
    status.textContent = `${t("error")} ${await errorMessage(response)}`;
    status.className = "status bad error";
    return;
  }
  const violations = Number(response.headers.get("X-Validation-Violations") || "0");
  status.textContent = violations > 0 ? t("violations", violations) : t("conforms");
  status.className = violations > 0 ? "status bad" : "status good";
  // The report is shown in a sandboxed frame: no script of the report can run; its links
  // (the law's articles) open in a new tab.
  frame.srcdoc = (await response.text()).replace(/<head>/i, '<head><base target="_blank">');
  frame.hidden = false;
}

/* ---------- start ---------- */

async function start() {
  document.getElementById("lang-switch").addEventListener("click",
    () => applyLanguage(state.lang === "fr" ? "en" : "fr"));
  document.getElementById("validate-form").addEventListener("submit", validateFile);
  applyLanguage((navigator.language || "fr").toLowerCase().startsWith("en") ? "en" : "fr");
  state.editor = (await loadYasgui()) ? startYasgui() : startFallback();
  document.body.dataset.editor = state.editor.kind;
  await loadCatalogue();
}

start();
