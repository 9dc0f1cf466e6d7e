/**
 * widgets.js: the script half of templates/_widgets.html, shared by the drawing page and
 * the collect page: the pad with its Undo and Clear buttons and keyboard shortcuts, and
 * the ten digit bars.
 */

import { byId } from "./dom.js";
import { Pad } from "./pad.js";
import { clamp } from "./strokes.js";
import { showError } from "./toasts.js";

/** The pad's limits from the server (data attributes of <body>), or the defaults. */
export function padLimits(data) {
  const limit = (value, fallback) => {
    const n = Number.parseInt(value, 10);
    return Number.isFinite(n) && n > 0 ? n : fallback;
  };
  const maxPoints = limit(data.maxPoints, 10000);
  return {
    maxStrokes: limit(data.maxStrokes, 100),
    maxPoints,
    maxPointsPerStroke: limit(data.maxPointsPerStroke, maxPoints),
  };
}

/** What a key press does to the pad: "undo" (Ctrl/⌘+Z), "clear" (Escape, Delete) or null. */
export function padShortcut({ key, ctrlKey, metaKey, altKey, shiftKey }) {
  const mod = ctrlKey || metaKey;
  if (altKey) return null;
  if (mod && !shiftKey && key.toLowerCase() === "z") return "undo";
  if (!mod && (key === "Escape" || key === "Delete")) return "clear";
  return null;
}

/** True on Apple devices ("macOS", "MacIntel", "iPhone"...), whose shortcuts use ⌘, not Ctrl. */
export const isApple = (platform) => /mac|iphone|ipad|ipod/i.test(platform || "");

/** True when a key press belongs to a form field rather than to the page's shortcuts. */
function isTyping(e) {
  const t = e.target;
  return (
    t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))
  );
}

/**
 * The pad (#pad) with the server's limits, its Undo and Clear buttons, and the keyboard:
 * Ctrl/⌘+Z undo, Escape or Delete clear; any other key without Ctrl or ⌘ goes to `onKey`.
 */
export function createPad({ onKey } = {}) {
  const pad = new Pad(byId("pad"), padLimits(document.body.dataset));
  const wrap = byId("pad-wrap");
  const undo = byId("undo");
  const clear = byId("clear");
  const changed = () => {
    wrap.classList.toggle("has-ink", !pad.isEmpty);
    undo.disabled = pad.isEmpty;
    clear.disabled = pad.isEmpty;
  };
  changed();
  pad.addEventListener("change", changed);
  pad.addEventListener("pendown", () => {
    wrap.classList.add("drawing");
    // A button clicked before (Skip, Undo) must not catch the Enter meant for the page.
    if (document.activeElement instanceof HTMLButtonElement) document.activeElement.blur();
  });
  pad.addEventListener("penup", () => wrap.classList.remove("drawing"));
  pad.addEventListener("limit", (e) =>
    showError(
      e.detail.kind === "strokes"
        ? "That's the most strokes one drawing can have. Undo or clear to go on."
        : "That's as much ink as one drawing can have. Undo or clear to go on.",
    ),
  );
  undo.addEventListener("click", () => pad.undo());
  clear.addEventListener("click", () => pad.clear());

  document.addEventListener("keydown", (e) => {
    if (isTyping(e) || e.isComposing) return;
    const action = padShortcut(e);
    if (action) {
      e.preventDefault();
      pad[action]();
    } else if (!e.ctrlKey && !e.metaKey && !e.altKey && onKey) {
      onKey(e);
    }
  });
  const platform = navigator.userAgentData?.platform || navigator.platform;
  byId("mod-key").textContent = isApple(platform) ? "⌘" : "Ctrl";
  return pad;
}

/** A bar's length for CSS (--p): `fraction` kept within 0..1. */
export const barLength = (fraction) => clamp(Number(fraction) || 0, 0, 1).toFixed(4);

/**
 * Fill bar `d` of the bars named `name` (bars() in _widgets.html: <li id="NAME-D"> and
 * its label #NAME-D-pct): its length (0..1), label and tooltip. Returns the bar.
 */
export function fillBar(name, d, fraction, text, title = "") {
  const bar = byId(`${name}-${d}`);
  bar.style.setProperty("--p", barLength(fraction));
  byId(`${name}-${d}-pct`).textContent = text;
  bar.title = title;
  return bar;
}
