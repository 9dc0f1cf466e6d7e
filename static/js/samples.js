/**
 * samples.js: the samples page. The contributed drawings, newest first, a page at a time
 * (GET /api/samples?label=&wrong=true&limit=, then the answer's `next`), and the count
 * line (GET /api/stats). With an admin token (kept in sessionStorage, shared with the
 * model page) each tile can be relabelled (PATCH /api/samples/{id}) or deleted
 * (DELETE /api/samples/{id}). The filters and `?limit=` (default 24) live in the URL.
 */

import {
  aDigit,
  adminApi,
  api,
  formatCount,
  saveToken,
  savedToken,
  showSaved,
} from "./common.js";

const DEFAULT_LIMIT = 24;
const MAX_LIMIT = 200; // the server's default DIGITPAD_MAX_PAGE_SIZE

const testid = (id) => document.querySelector(`[data-testid="${id}"]`);

const gallery = testid("gallery");
const empty = testid("empty");
const more = testid("load-more");
const count = testid("count");
const labelFilter = testid("filter-label");
const wrongFilter = testid("filter-wrong");
const tokenInput = testid("admin-token");

const params = new URLSearchParams(location.search);
const limit = (() => {
  const n = Number.parseInt(params.get("limit") || "", 10);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_LIMIT) : DEFAULT_LIMIT;
})();

const filters = {
  label: /^[0-9]$/.test(params.get("label") || "") ? Number(params.get("label")) : null,
  wrong: params.get("wrong") === "true",
};

let next = null; // the path of the next page, or null at the end
let generation = 0; // bumped by every new listing, so a late answer to an old one is dropped
let loading = false;

// --- formatting -------------------------------------------------------------------------

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const percentFormat = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });

function formatDate(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : dateFormat.format(date);
}

/** An element `tag` with `className` and text or child nodes. */
function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function button(text, className, testId) {
  const node = el("button", className, text);
  node.type = "button";
  if (testId) node.dataset.testid = testId;
  return node;
}

const isWrong = (s) => s.predicted !== null && s.predicted !== undefined && s.predicted !== s.label;

/** An API path (for api()) from the absolute `next` URL the server answered. */
function pathOf(url) {
  const root = document.body.dataset.root || "";
  const u = new URL(url, location.href);
  const path = root && u.pathname.startsWith(root) ? u.pathname.slice(root.length) : u.pathname;
  return path + u.search;
}

// --- the count line ---------------------------------------------------------------------

async function refreshCount() {
  try {
    const s = await api("/api/stats");
    const parts = [`${formatCount(s.total)} ${s.total === 1 ? "drawing" : "drawings"}`];
    if (typeof s.prediction_accuracy === "number") {
      parts.push(
        `live accuracy ${percentFormat.format(s.prediction_accuracy)} ` +
          `(${formatCount(s.prediction_matched)} of ${formatCount(s.with_prediction)} read right)`,
      );
    }
    count.textContent = parts.join(" · ");
  } catch (error) {
    count.textContent = `Can't load the counts: ${error.message}`;
  }
}

// --- the tiles --------------------------------------------------------------------------

/** The label and the prediction of a tile, as they are now. */
function fillReading(tile, sample) {
  tile.dataset.label = String(sample.label);
  tile.dataset.predicted = sample.predicted ?? "";
  tile.classList.toggle("is-wrong", isWrong(sample));
  const reading = tile.querySelector(".tile-reading");
  let prediction;
  if (sample.predicted === null || sample.predicted === undefined) {
    prediction = el("span", "chip chip-muted", "no prediction");
  } else if (isWrong(sample)) {
    prediction = el("span", "chip chip-danger", `read as ${sample.predicted}`);
    prediction.title = "The live prediction was wrong";
  } else {
    prediction = el("span", "chip chip-ok", `read as ${sample.predicted}`);
  }
  prediction.dataset.testid = "predicted";
  const label = el("span", "tile-label", String(sample.label));
  label.dataset.testid = "label";
  label.title = "Label";
  reading.replaceChildren(label, prediction);
  tile.querySelector("img").alt = `${aDigit(sample.label)}, 28 × 28 pixels as the model saw it`;
}

function tileFor(sample) {
  const tile = el("li", "tile");
  tile.dataset.testid = "tile";
  tile.dataset.sampleId = String(sample.id);

  const img = el("img", "tile-image");
  img.width = 28;
  img.height = 28;
  img.decoding = "async";
  img.src = sample.image_url;

  const meta = el("p", "tile-meta", el("span", "tile-id", `#${sample.id}`));
  if (sample.source) meta.append(el("span", null, sample.source));
  const time = el("time", null, formatDate(sample.created_at));
  time.dateTime = sample.created_at;
  meta.append(time);

  const relabel = button("Relabel", "btn btn-small", "relabel");
  const remove = button("Delete", "btn btn-small btn-danger-quiet", "delete");
  const actions = el("div", "tile-actions", relabel, remove);
  actions.hidden = !tokenInput.value.trim();
  const panel = el("div", "tile-panel");
  panel.hidden = true;
  const error = el("p", "tile-error");
  error.setAttribute("role", "alert");
  error.dataset.testid = "tile-error";
  error.hidden = true;

  tile.append(img, el("div", "tile-body", el("p", "tile-reading"), meta), actions, panel, error);
  fillReading(tile, sample);

  relabel.addEventListener("click", () => openRelabel(tile, sample));
  remove.addEventListener("click", () => openDelete(tile, sample));
  return tile;
}

function setTileError(tile, message) {
  const error = tile.querySelector(".tile-error");
  error.textContent = message;
  error.hidden = !message;
}

function closePanel(tile) {
  const panel = tile.querySelector(".tile-panel");
  panel.hidden = true;
  panel.replaceChildren();
  tile.querySelector(".tile-actions").hidden = !tokenInput.value.trim();
}

function openPanel(tile, ...children) {
  setTileError(tile, "");
  const panel = tile.querySelector(".tile-panel");
  panel.replaceChildren(...children);
  panel.hidden = false;
  tile.querySelector(".tile-actions").hidden = true;
  panel.querySelector("button")?.focus();
}

function setBusy(tile, busy) {
  tile.classList.toggle("is-busy", busy);
  for (const b of tile.querySelectorAll(".tile-panel button")) b.disabled = busy;
}

function openRelabel(tile, sample) {
  const digits = el("div", "tile-digits");
  digits.setAttribute("role", "group");
  digits.setAttribute("aria-label", `New label for drawing #${sample.id}`);
  for (let d = 0; d < 10; d += 1) {
    const b = button(String(d), "btn btn-small", `relabel-${d}`);
    b.disabled = d === sample.label;
    b.addEventListener("click", () => relabelTo(tile, sample, d));
    digits.append(b);
  }
  const cancel = button("Cancel", "btn btn-small btn-quiet");
  cancel.addEventListener("click", () => closePanel(tile));
  openPanel(tile, el("p", "tile-question", "New label:"), digits, cancel);
}

function openDelete(tile, sample) {
  const confirm = button("Delete", "btn btn-small btn-danger", "confirm-delete");
  confirm.addEventListener("click", () => deleteSample(tile, sample));
  const cancel = button("Cancel", "btn btn-small btn-quiet", "cancel-delete");
  cancel.addEventListener("click", () => closePanel(tile));
  openPanel(tile, el("p", "tile-question", "Delete this drawing?"), el("div", "tile-confirm", confirm, cancel));
}

/** Whether a sample still belongs in the gallery under the current filters. */
const matches = (s) => (filters.label === null || s.label === filters.label) && (!filters.wrong || isWrong(s));

function removeTile(tile) {
  tile.remove();
  if (!gallery.children.length && !next) showEmpty();
}

async function relabelTo(tile, sample, digit) {
  setBusy(tile, true);
  try {
    const updated = await adminRequest(`/api/samples/${sample.id}`, "PATCH", { label: digit });
    Object.assign(sample, updated);
    closePanel(tile);
    fillReading(tile, sample);
    showSaved(`Drawing #${sample.id} is now labelled ${digit}.`);
    if (!matches(sample)) removeTile(tile);
    refreshCount();
  } catch (error) {
    setBusy(tile, false);
    closePanel(tile);
    setTileError(tile, error.message);
    if (error.status === 404) removeTile(tile);
  }
}

async function deleteSample(tile, sample) {
  setBusy(tile, true);
  try {
    await adminRequest(`/api/samples/${sample.id}`, "DELETE");
    showSaved(`Drawing #${sample.id} deleted.`);
    removeTile(tile);
    refreshCount();
  } catch (error) {
    setBusy(tile, false);
    closePanel(tile);
    setTileError(tile, error.message);
    if (error.status === 404) removeTile(tile); // already gone
  }
}

// --- the listing ------------------------------------------------------------------------

function showEmpty() {
  empty.replaceChildren();
  if (filters.label === null && !filters.wrong) {
    const link = el("a", null, "draw one");
    link.href = `${document.body.dataset.root || ""}/`;
    empty.append("No drawings yet — ", link, ".");
  } else {
    empty.append("No drawings match these filters.");
  }
  empty.hidden = false;
}

function listPath() {
  const q = new URLSearchParams();
  if (filters.label !== null) q.set("label", String(filters.label));
  if (filters.wrong) q.set("wrong", "true");
  q.set("limit", String(limit));
  return `/api/samples?${q}`;
}

/** Load a page: the first one (replacing the gallery) or, with `path`, the next one. */
async function load(path) {
  const mine = path ? generation : ++generation;
  loading = true;
  more.disabled = true;
  gallery.setAttribute("aria-busy", "true");
  try {
    const page = await api(path || listPath());
    if (mine !== generation) return;
    const tiles = page.items.map(tileFor);
    if (path) gallery.append(...tiles);
    else gallery.replaceChildren(...tiles);
    next = page.next ? pathOf(page.next) : null;
    empty.hidden = true;
    if (!gallery.children.length && !next) showEmpty();
  } catch (error) {
    if (mine !== generation) return;
    if (!path) gallery.replaceChildren();
    empty.textContent = `Can't load the drawings: ${error.message}`;
    empty.hidden = false;
  } finally {
    if (mine === generation) {
      loading = false;
      more.hidden = !next;
      more.disabled = false;
      gallery.setAttribute("aria-busy", "false");
    }
  }
}

function applyFilters() {
  for (const b of labelFilter.querySelectorAll("button")) {
    b.setAttribute("aria-pressed", String(b.value === (filters.label === null ? "all" : String(filters.label))));
  }
  wrongFilter.checked = filters.wrong;
  const q = new URLSearchParams(location.search);
  q.delete("label");
  q.delete("wrong");
  if (filters.label !== null) q.set("label", String(filters.label));
  if (filters.wrong) q.set("wrong", "true");
  const search = q.toString();
  history.replaceState(null, "", `${location.pathname}${search ? `?${search}` : ""}`);
  next = null;
  more.hidden = true;
  load();
}

// --- admin: the token and the Bearer requests -------------------------------------------

/** An admin request with the token typed on this page. */
function adminRequest(path, method, body) {
  return adminApi(tokenInput.value.trim(), path, { method, body });
}

// --- wiring -----------------------------------------------------------------------------

labelFilter.addEventListener("click", (e) => {
  const b = e.target.closest("button");
  if (!b) return;
  const label = b.value === "all" ? null : Number(b.value);
  if (label === filters.label) return;
  filters.label = label;
  applyFilters();
});

wrongFilter.addEventListener("change", () => {
  filters.wrong = wrongFilter.checked;
  applyFilters();
});

more.addEventListener("click", () => {
  if (next && !loading) load(next);
});

tokenInput.addEventListener("input", () => {
  const token = tokenInput.value.trim();
  saveToken(token);
  for (const tile of gallery.querySelectorAll(".tile")) {
    if (tile.querySelector(".tile-panel").hidden) tile.querySelector(".tile-actions").hidden = !token;
  }
});

tokenInput.value = (savedToken() || tokenInput.value.trim());
refreshCount();
applyFilters();
