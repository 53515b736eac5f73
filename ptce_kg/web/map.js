// /map: France by département and région, coloured by a catalogue query's numbers.
//   /map                      poles per area (query poles-count-by-area); a click lists them
//   /map?query=NAME&p=v…      any catalogue query with a territory column (INSEE département or
//                             région IRI) and a number (else its rows are counted)
//   /map?pole=SLUG            the pole's départements and its members' establishments as points
//   …&embed=1                 without the page header, to be framed in another page
// No framework, no build step; the boundaries are /map/france.svg, everything is same-origin.
"use strict";

const params = new URLSearchParams(window.location.search);
const state = { lang: "fr", level: "departement", values: null, rows: [], svg: null, mode: "poles", selected: null };
const AREA_IRI = /^http:\/\/id\.insee\.fr\/geo\/(departement|region)\/([0-9AB]{2,3})$/;
const NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger|unsignedInt)$/;
const PALETTE = ["#c6dbef", "#6baed6", "#3182bd", "#08519c", "#08306b"];
const ZERO = "#eef1f4";

const TEXT = {
  fr: {
    poles: (n) => `${n} pôle${n > 1 ? "s" : ""}`,
    heading: "Pôles (PTCE connus et pôles déclarés)",
    queryHeading: (name) => `Requête « ${name} »`,
    poleHeading: (label) => `Pôle : ${label}`,
    loading: "Chargement…",
    noBoundaries: "Les contours ne sont pas installés sur ce serveur (lancer « make web » ou « npm ci ») : tableau seul.",
    noTerritory: "Le résultat n'a pas de colonne de territoire (IRI INSEE de département ou de région) : pas de carte.",
    regionOnly: (n) => `${n} pôle${n > 1 ? "s" : ""} dont le territoire n'est connu qu'à l'échelle de la région : voir la vue par région.`,
    none: "Aucun pôle ici.",
    noRows: "Aucune ligne pour cette zone.",
    rowsCount: "nombre de lignes",
    points: (n, m) => `${n} établissement${n > 1 ? "s" : ""} de membres placé${n > 1 ? "s" : ""} sur la carte` + (m ? ` ; ${m} hors métropole non dessiné${m > 1 ? "s" : ""}` : "") + ".",
    noPoints: "Aucun établissement de membre n'a de coordonnées connues.",
    known: "PTCE connu",
    members: "Établissements des membres",
    member: "Membre",
    commune: "Commune",
    establishment: "Établissement",
    point: "Point (WGS84)",
    error: "Erreur",
    credit: "Contours : ",
    labelled: (area, value) => `${area} : ${value}`,
  },
  en: {
    poles: (n) => `${n} pole${n > 1 ? "s" : ""}`,
    heading: "Poles (known PTCE and declared poles)",
    queryHeading: (name) => `Query “${name}”`,
    poleHeading: (label) => `Pole: ${label}`,
    loading: "Loading…",
    noBoundaries: "The boundaries are not installed on this server (run “make web” or “npm ci”): table only.",
    noTerritory: "The result has no territory column (INSEE département or région IRI): no map.",
    regionOnly: (n) => `${n} pole${n > 1 ? "s" : ""} known only at région level: see the région view.`,
    none: "No pole here.",
    noRows: "No row for this area.",
    rowsCount: "number of rows",
    points: (n, m) => `${n} member establishment${n > 1 ? "s" : ""} drawn on the map` + (m ? `; ${m} outside metropolitan France not drawn` : "") + ".",
    noPoints: "No member establishment has known coordinates.",
    known: "known PTCE",
    members: "Members' establishments",
    member: "Member",
    commune: "Commune",
    establishment: "Establishment",
    point: "Point (WGS84)",
    error: "Error",
    credit: "Boundaries: ",
    labelled: (area, value) => `${area}: ${value}`,
  },
};

function t(key, ...args) {
  const value = TEXT[state.lang][key];
  return typeof value === "function" ? value(...args) : value;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

// An IRI of ours opens its local page (/id/…, /vocab/…); any other its browse page.
function localLink(iri, label) {
  const ours = "https://w3id.org/ptce/";
  const href = iri.startsWith(ours) ? "/" + iri.slice(ours.length) : "/resource?iri=" + encodeURIComponent(iri);
  return el("a", { href }, label || iri);
}

async function runQuery(name, bindings) {
  const url = new URL(`/queries/${encodeURIComponent(name)}`, window.location.href);
  for (const [k, v] of Object.entries(bindings)) url.searchParams.append(k, v);
  const response = await fetch(url, { headers: { Accept: "application/sparql-results+json" } });
  if (!response.ok) {
    let detail = await response.text();
    try { detail = JSON.parse(detail).detail || detail; } catch (_) { /* text body */ }
    throw new Error(`${response.status}: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`);
  }
  const body = await response.json();
  return { vars: body.head.vars, rows: body.results.bindings };
}

function areaOf(term) {
  const match = term && term.type === "uri" && AREA_IRI.exec(term.value);
  return match ? { level: match[1], code: match[2], iri: term.value } : null;
}

// The territory column (the first with INSEE area IRIs) and the number column (the first with
// numeric literals), or null when the result cannot be mapped.
function mapColumns(vars, rows) {
  const territory = vars.find((v) => rows.some((r) => areaOf(r[v])));
  if (!territory) return null;
  const number = vars.find((v) => v !== territory && rows.some((r) => r[v] && r[v].type === "literal" && NUMERIC.test(r[v].datatype || "")));
  return { territory, number };
}

// area IRI -> {level, code, value, name}
function aggregate(rows, columns) {
  const values = new Map();
  for (const row of rows) {
    const area = areaOf(row[columns.territory]);
    if (!area) continue;
    const entry = values.get(area.iri) || { ...area, value: 0 };
    entry.value += columns.number ? Number((row[columns.number] || {}).value || 0) : 1;
    values.set(area.iri, entry);
  }
  return values;
}

// Class limits: each count its own class up to five, else five steps (whole numbers for counts).
function classes(max, integral) {
  if (max <= 0) return [];
  if (integral && max <= PALETTE.length) return Array.from({ length: max }, (_, i) => i + 1);
  const steps = PALETTE.map((_, i) => (max * (i + 1)) / PALETTE.length);
  return integral ? [...new Set(steps.map(Math.ceil))] : steps;
}

function colour(value, limits) {
  if (!value) return ZERO;
  let index = limits.findIndex((limit) => value <= limit);
  if (index < 0) index = limits.length - 1;
  const n = limits.length;  // fewer classes than colours: spread them over the palette
  return PALETTE[n === 1 ? 1 : Math.round((index * (PALETTE.length - 1)) / (n - 1))];
}

function formatNumber(value) {
  return Number.isInteger(value) ? String(value) : value.toLocaleString(state.lang, { maximumFractionDigits: 2 });
}

function paths() {
  return state.svg ? [...state.svg.querySelectorAll(".area")] : [];
}

function areaIri(path) {
  return state.level === "region"
    ? `http://id.insee.fr/geo/region/${path.dataset.region}`
    : `http://id.insee.fr/geo/departement/${path.dataset.departement}`;
}

function areaName(path) {
  return state.level === "region" ? path.dataset.regionName : path.dataset.name;
}

function valueText(value) {
  return state.mode === "poles" ? t("poles", value) : formatNumber(value);
}

function paint() {
  document.getElementById("map").className = `level-${state.level}`;
  const values = state.values || new Map();
  const here = [...values.values()].filter((v) => v.level === state.level);
  const limits = classes(Math.max(0, ...here.map((v) => v.value)), here.every((v) => Number.isInteger(v.value)));
  for (const path of paths()) {
    const entry = values.get(areaIri(path));
    const value = entry ? entry.value : 0;
    path.style.fill = state.mode === "pole" ? "" : colour(value, limits);
    const label = state.mode === "pole" ? areaName(path) : t("labelled", areaName(path), valueText(value));
    path.setAttribute("aria-label", label);
    path.querySelector("title").textContent = label;
    path.classList.toggle("selected", state.selected === areaIri(path));
  }
  legend(limits);
}

function legend(limits) {
  const box = document.getElementById("map-legend");
  box.replaceChildren();
  if (state.mode === "pole") return;
  const swatch = (fill, text) => el("span", {}, el("i", { style: `background:${fill}` }), text);
  box.append(swatch(ZERO, "0"));
  let low = 0;
  const integral = limits.every(Number.isInteger);
  for (const limit of limits) {
    const from = integral ? low + 1 : low;  // counts: 1–3, 4–5…; other numbers: 0–2.4, 2.4–4.8…
    const text = from === limit ? formatNumber(limit) : `${formatNumber(from)}–${formatNumber(limit)}`;
    box.append(swatch(colour(limit, limits), text));
    low = limit;
  }
}

function setLevel(level) {
  state.level = level;
  state.selected = null;
  for (const button of document.querySelectorAll(".level")) {
    button.setAttribute("aria-pressed", String(button.dataset.level === level));
  }
  paint();
  note();
}

function note() {
  const box = document.getElementById("map-note");
  box.textContent = "";
  if (state.mode !== "poles" || state.level !== "departement" || !state.values) return;
  const regionOnly = state.regionOnly || 0;
  if (regionOnly) box.textContent = t("regionOnly", regionOnly);
}

async function choose(path) {
  const iri = areaIri(path);
  state.selected = iri;
  paint();
  const heading = document.getElementById("area-heading");
  const content = document.getElementById("area-content");
  heading.textContent = areaName(path);
  content.replaceChildren(el("p", { class: "status" }, t("loading")));
  try {
    content.replaceChildren(state.mode === "poles" ? await poleList(iri) : rowsTable(iri));
  } catch (error) {
    content.replaceChildren(el("p", { class: "status bad" }, `${t("error")} ${error.message}`));
  }
}

async function poleList(iri) {
  const [name, param] = state.level === "region" ? ["poles-by-region", "region"] : ["poles-by-departement", "departement"];
  const { rows } = await runQuery(name, { [param]: iri });
  if (!rows.length) return el("p", {}, t("none"));
  const seen = new Set();
  const list = el("ul", { class: "pole-list" });
  for (const row of rows) {
    if (seen.has(row.pole.value)) continue;
    seen.add(row.pole.value);
    const item = el("li", {}, localLink(row.pole.value, row.poleLabel ? row.poleLabel.value : row.pole.value));
    if (row.membersKnown && row.membersKnown.value === "false") item.append(" ", el("span", { class: "tag" }, `(${t("known")})`));
    list.append(item);
  }
  return list;
}

function rowsTable(iri) {
  const rows = state.rows.filter((row) => Object.values(row).some((term) => term.type === "uri" && term.value === iri));
  if (!rows.length) return el("p", {}, t("noRows"));
  return table(state.vars, rows);
}

function table(vars, rows) {
  const head = el("tr", {}, ...vars.map((v) => el("th", {}, v)));
  const body = rows.map((row) => el("tr", {}, ...vars.map((v) => {
    const term = row[v];
    if (!term) return el("td");
    return el("td", {}, term.type === "uri" ? localLink(term.value) : term.value);
  })));
  return el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, head), el("tbody", {}, ...body)));
}

// A WGS84 point on the metropolitan map (Mercator constants of mappings/map.yaml), or null.
function project(lon, lat) {
  const [a, b, c, d] = state.svg.dataset.mercator.split(" ").map(Number);
  if (lon < -6 || lon > 10 || lat < 41 || lat > 51.5) return null;
  const phi = (lat * Math.PI) / 180;
  return [a * ((lon * Math.PI) / 180) + b, c * Math.log(Math.tan(Math.PI / 4 + phi / 2)) + d];
}

async function drawPole(slug) {
  const pole = `https://w3id.org/ptce/id/pole/${slug}`;
  const [areas, points] = await Promise.all([
    runQuery("poles-by-departement", {}),
    runQuery("member-locations", { pole: slug }),
  ]);
  const mine = areas.rows.filter((row) => row.pole.value === pole);
  const label = mine.length && mine[0].poleLabel ? mine[0].poleLabel.value : slug;
  document.getElementById("map-heading").textContent = t("poleHeading", label);
  const codes = new Set(mine.map((row) => areaOf(row.departement).code));
  for (const path of paths()) path.classList.toggle("territory", codes.has(path.dataset.departement));
  paint();  // names on the areas (no colour scale on a pole's map)
  const layer = state.svg.querySelector(".points");
  layer.replaceChildren();
  let outside = 0;
  for (const row of points.rows) {
    const match = /^\s*POINT\s*\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s*\)\s*$/i.exec(row.wkt.value);
    const at = match && project(Number(match[1]), Number(match[2]));
    if (!at) { outside += 1; continue; }
    const circle = document.createElementNS("http://www.w3.org/2000/svg", "circle");
    circle.setAttribute("cx", at[0].toFixed(2));
    circle.setAttribute("cy", at[1].toFixed(2));
    circle.setAttribute("r", "3.5");
    circle.dataset.establishment = row.establishment.value;
    const name = row.memberLabel ? row.memberLabel.value : row.member.value;
    const where = row.communeLabel ? ` (${row.communeLabel.value})` : "";
    const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
    title.textContent = name + where;
    circle.append(title);
    layer.append(circle);
  }
  const drawn = points.rows.length - outside;
  document.getElementById("map-note").textContent = points.rows.length ? t("points", drawn, outside) : t("noPoints");
  document.getElementById("area-heading").textContent = t("members");
  document.getElementById("area-content").replaceChildren(
    points.rows.length ? pointsTable(points.rows) : el("p", {}, t("noPoints")));
}

// One row per located establishment: member, commune, establishment (by its key), WKT point.
function pointsTable(rows) {
  const head = el("tr", {}, ...["member", "commune", "establishment", "point"].map((k) => el("th", {}, t(k))));
  const body = rows.map((row) => el("tr", {},
    el("td", {}, localLink(row.member.value, row.memberLabel ? row.memberLabel.value : row.member.value)),
    el("td", {}, row.communeLabel ? row.communeLabel.value : ""),
    el("td", {}, localLink(row.establishment.value, row.establishment.value.split("/").pop())),
    el("td", {}, row.wkt.value)));
  return el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, head), el("tbody", {}, ...body)));
}

async function loadSvg() {
  const response = await fetch("/map/france.svg");
  if (!response.ok) return null;
  const holder = document.getElementById("map");
  holder.innerHTML = await response.text();  // same-origin SVG built by the server
  const svg = holder.querySelector("svg");
  svg.setAttribute("aria-label", document.getElementById("map-title").textContent);
  for (const path of svg.querySelectorAll(".area")) {
    path.setAttribute("tabindex", "0");
    path.setAttribute("role", "button");
    path.addEventListener("click", () => state.mode !== "pole" && choose(path));
    path.addEventListener("keydown", (event) => {
      if ((event.key === "Enter" || event.key === " ") && state.mode !== "pole") { event.preventDefault(); choose(path); }
    });
  }
  for (const frame of svg.querySelectorAll(".inset-frames rect")) {
    const path = svg.querySelector(`#dep-${frame.dataset.departement}`);
    frame.addEventListener("click", () => state.mode !== "pole" && choose(path));
  }
  document.getElementById("map-credit").textContent = t("credit") + svg.dataset.credit;
  return svg;
}

function applyLanguage(lang) {
  state.lang = lang;
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-fr]")) node.textContent = node.dataset[lang];
  document.getElementById("lang-switch").textContent = lang === "fr" ? "EN" : "FR";
}

async function start() {
  // ?embed=1: the map alone (no header), for a frame in another page such as a pole's sheet.
  if (params.get("embed")) document.body.classList.add("embed");
  applyLanguage((params.get("lang") || navigator.language || "fr").toLowerCase().startsWith("en") ? "en" : "fr");
  document.getElementById("lang-switch").addEventListener("click", () => {
    applyLanguage(state.lang === "fr" ? "en" : "fr");
    if (state.svg && state.mode !== "pole") { paint(); note(); }
  });
  for (const button of document.querySelectorAll(".level")) {
    button.addEventListener("click", () => setLevel(button.dataset.level));
  }
  const status = document.getElementById("map-status");
  status.textContent = t("loading");
  try {
    state.svg = await loadSvg();
    if (!state.svg) status.textContent = t("noBoundaries");
    if (params.get("pole")) {
      state.mode = "pole";
      document.querySelector(".map-controls").hidden = true;
      if (state.svg) await drawPole(params.get("pole"));
      if (state.svg) status.textContent = "";
      return;
    }
    const name = params.get("query") || "poles-count-by-area";
    state.mode = params.get("query") ? "query" : "poles";
    const bindings = {};
    for (const [k, v] of params) if (!["query", "lang", "level", "embed"].includes(k)) bindings[k] = v;
    const { vars, rows } = await runQuery(name, bindings);
    state.vars = vars;
    state.rows = rows;
    document.getElementById("map-heading").textContent = state.mode === "poles" ? t("heading") : t("queryHeading", name);
    const columns = mapColumns(vars, rows);
    if (!columns) {
      status.textContent = t("noTerritory");
      document.getElementById("area-content").replaceChildren(table(vars, rows));
      return;
    }
    state.values = aggregate(rows, columns);
    const levels = new Set([...state.values.values()].map((v) => v.level));
    document.querySelector(".map-controls").hidden = levels.size < 2;
    if (state.svg) status.textContent = "";
    else document.getElementById("area-content").replaceChildren(table(vars, rows));
    setLevel(params.get("level") === "region" || !levels.has("departement") ? "region" : "departement");
    if (state.mode === "poles") {
      state.regionOnly = await regionOnlyCount();  // after the map is drawn: two more queries
      note();
    }
  } catch (error) {
    status.textContent = `${t("error")} ${error.message}`;
    status.className = "status bad";
  }
}

// Poles placed in a région but in no département (their territory is the whole région).
async function regionOnlyCount() {
  const [byRegion, byDepartement] = await Promise.all([runQuery("poles-by-region", {}), runQuery("poles-by-departement", {})]);
  const placed = new Set(byDepartement.rows.map((row) => row.pole.value));
  return new Set(byRegion.rows.map((row) => row.pole.value).filter((pole) => !placed.has(pole))).size;
}

start();
