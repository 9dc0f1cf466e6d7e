/**
 * common.js: what the drawing page and the collect page share: the API client, the
 * contributor id, the toasts, the keyboard shortcut hints and the pad's limits.
 */

import { Pad } from "./pad.js";

const CONTRIBUTOR_KEY = "digitpad.contributor";

/** An error from the API or the network, with a message fit to show. */
export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

/** The server's `detail` (a string, or FastAPI's list of validation errors) as text. */
function detailText(data) {
  const detail = data && data.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail) && detail.length) {
    const first = detail[0];
    const where = Array.isArray(first.loc) ? first.loc.filter((p) => p !== "body").join(".") : "";
    return where ? `${where}: ${first.msg}` : String(first.msg || "");
  }
  return "";
}

/**
 * Call the API: `path` is relative to the app's root; `body` is sent as JSON (the
 * method is then POST unless given).
 * Resolves to the parsed JSON; rejects with an ApiError carrying the server's detail.
 */
export async function api(path, { method, body, headers: extra } = {}) {
  const root = document.body.dataset.root || "";
  const headers = { Accept: "application/json", ...extra };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(root + path, {
      method: method || (body === undefined ? "GET" : "POST"),
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError("Can't reach the server. Check the connection and try again.", 0);
  }
  // 204 has no body; a body that is not JSON leaves the status to say enough.
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const message = detailText(data) || `The server answered ${response.status}.`;
    const error = new ApiError(message, response.status);
    error.data = data; // e.g. a 409 names the job already running
    throw error;
  }
  return data;
}

const TOKEN_KEY = "digitpad.admin-token";

/** The admin token kept for this tab (sessionStorage only, never localStorage), or "". */
export function savedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || "";
  } catch {
    return "";
  }
}

/** Keep the admin token for this tab, or forget it when empty. */
export function saveToken(token) {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage blocked: the page's field still holds the token
  }
}

/** An admin request: api() with `Authorization: Bearer <token>`. */
export function adminApi(token, path, options = {}) {
  return api(path, { ...options, headers: { ...options.headers, Authorization: `Bearer ${token}` } });
}

function randomId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // crypto.randomUUID needs a secure context (https or localhost); a phone on the LAN
  // over plain http has only getRandomValues. Same format: a version-4 UUID.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

let sessionContributor = null;
const pageId = randomId();

/**
 * Store a labelled drawing (POST /api/samples). The Idempotency-Key names this page's
 * drawing as it is now and its label, so a save retried after a lost answer is stored once.
 */
export function saveSample(pad, body) {
  return api("/api/samples", {
    body,
    headers: { "Idempotency-Key": `${pageId}-${pad.revision}-${body.label}` },
  });
}

/** A random id made once per browser and kept in localStorage (per tab if it is blocked). */
export function contributorId() {
  try {
    let id = localStorage.getItem(CONTRIBUTOR_KEY);
    if (!id) {
      id = randomId();
      localStorage.setItem(CONTRIBUTOR_KEY, id);
    }
    return id;
  } catch {
    sessionContributor ||= randomId();
    return sessionContributor;
  }
}

/** A Pad on #pad with the server's limits (data attributes of <body>). */
export function createPad() {
  const data = document.body.dataset;
  const limit = (value, fallback) => {
    const n = Number.parseInt(value, 10);
    return Number.isFinite(n) && n > 0 ? n : fallback;
  };
  const maxPoints = limit(data.maxPoints, 10000);
  const pad = new Pad(document.getElementById("pad"), {
    maxStrokes: limit(data.maxStrokes, 100),
    maxPoints,
    maxPointsPerStroke: limit(data.maxPointsPerStroke, maxPoints),
  });
  const wrap = pad.canvas.closest(".pad-wrap");
  pad.addEventListener("change", () => wrap?.classList.toggle("has-ink", !pad.isEmpty));
  pad.addEventListener("pendown", () => {
    wrap?.classList.add("drawing");
    // A button clicked before (Skip, Undo) must not catch the Enter meant for the page.
    if (document.activeElement instanceof HTMLButtonElement) document.activeElement.blur();
  });
  pad.addEventListener("penup", () => wrap?.classList.remove("drawing"));
  pad.addEventListener("limit", (e) =>
    showError(
      e.detail.kind === "strokes"
        ? "That's the most strokes one drawing can have. Undo or clear to go on."
        : "That's as much ink as one drawing can have. Undo or clear to go on.",
    ),
  );
  return pad;
}

const timers = new WeakMap();

/** Show a toast element with `text` for `ms` milliseconds. */
function showToast(el, text, ms) {
  if (!el) return;
  el.querySelector(".toast-text").textContent = text;
  el.hidden = false;
  el.classList.remove("leaving");
  clearTimeout(timers.get(el));
  timers.set(
    el,
    setTimeout(() => {
      el.classList.add("leaving");
      timers.set(el, setTimeout(() => (el.hidden = true), 200));
    }, ms),
  );
}

export function showError(text) {
  showToast(document.querySelector('[data-testid="error"]'), text, 6000);
}

export function showSaved(text) {
  hideToast(document.querySelector('[data-testid="error"]'));
  showToast(document.querySelector('[data-testid="saved"]'), text, 4500);
}

export function hideToast(el) {
  if (!el || el.hidden) return;
  clearTimeout(timers.get(el));
  el.hidden = true;
}

for (const el of document.querySelectorAll(".toast")) {
  el.querySelector(".toast-close")?.addEventListener("click", () => hideToast(el));
}

/** True when a key press belongs to a form field rather than to the page's shortcuts. */
export function isTyping(e) {
  const t = e.target;
  return t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
}

/** Fill the keyboard hints' modifier key: ⌘ on Apple devices, Ctrl elsewhere. */
export function labelModifierKeys() {
  const apple = /Mac|iPhone|iPad|iPod/.test(navigator.userAgentData?.platform || navigator.platform || "");
  for (const el of document.querySelectorAll("[data-mod-key]")) el.textContent = apple ? "⌘" : "Ctrl";
}

/** "a 7", "an 8": a digit with its article. */
export const aDigit = (d) => `${d === 8 ? "an" : "a"} ${d}`;

const numbers = new Intl.NumberFormat();

/** 1234 -> "1,234" in the reader's locale. */
export const formatCount = (n) => numbers.format(n);

const percentFormat = new Intl.NumberFormat(undefined, {
  style: "percent",
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});

/** A finite number (not null, undefined or NaN). */
export const isNumber = (x) => typeof x === "number" && Number.isFinite(x);

/** An accuracy (0..1) as "99.07%", or "–" when there is none. */
export const percent = (x) => (isNumber(x) ? percentFormat.format(x) : "–");

/** An HTML element `tag` with `className` and text or child nodes. */
export function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** Wire the shared pad shortcuts: Ctrl/Cmd+Z undo, Escape or Delete clear. */
export function bindPadKeys(pad, onKey) {
  document.addEventListener("keydown", (e) => {
    if (isTyping(e) || e.isComposing) return;
    const mod = e.ctrlKey || e.metaKey;
    if (mod && !e.altKey && !e.shiftKey && e.key.toLowerCase() === "z") {
      e.preventDefault();
      pad.undo();
    } else if (!mod && !e.altKey && (e.key === "Escape" || e.key === "Delete")) {
      e.preventDefault();
      pad.clear();
    } else if (!mod && !e.altKey && onKey) {
      onKey(e);
    }
  });
}
