/**
 * draw-mode.js: the drawing page's two modes, switched by two buttons (aria-pressed):
 * "digit", one digit on a square pad, and "number", a number on a wide pad. The mode
 * chosen is kept in the browser and shown in the URL (/?mode=number), so a link opens
 * the page in it; the URL wins over what the browser kept.
 */

import { byId } from "./dom.js";
import { browserStorage, keep, kept } from "./storage.js";

const MODE_KEY = "digitpad.draw-mode";
export const MODES = ["digit", "number"];

/** The mode to start in: the one `search` (?mode=) names, else the one `stored`, else "digit". */
export function startMode(search, stored) {
  const asked = new URLSearchParams(search).get("mode");
  if (MODES.includes(asked)) return asked;
  return MODES.includes(stored) ? stored : "digit";
}

/**
 * The address of the page at `href` in `mode`, as a path: ?mode=number, or no mode for
 * the digit mode (the page's own address); other parameters and the hash are kept.
 */
export function modeHref(href, mode) {
  const url = new URL(href);
  if (mode === "digit") url.searchParams.delete("mode");
  else url.searchParams.set("mode", mode);
  return url.pathname + url.search + url.hash;
}

/**
 * Bind the mode buttons (#mode-digit, #mode-number) and start in startMode(). Each
 * button names its mode (data-mode) and what the pad then says (data-hint, and
 * data-pad-label for screen readers). A switch calls `onChange(mode)` first, while the
 * page still shows the old mode, then shows the new one: #draw-page gets class
 * "is-number" in number mode. Returns a function giving the current mode.
 */
export function bindModeSwitch(onChange) {
  const page = byId("draw-page");
  const buttons = MODES.map((mode) => byId(`mode-${mode}`));
  const hint = byId("pad-wrap").querySelector(".pad-hint span");
  let current = null;

  function show(mode) {
    if (mode === current) return;
    if (current) onChange(mode);
    current = mode;
    page.classList.toggle("is-number", mode === "number");
    for (const b of buttons) {
      const on = b.dataset.mode === mode;
      b.setAttribute("aria-pressed", String(on));
      if (on) {
        hint.textContent = b.dataset.hint;
        byId("pad").setAttribute("aria-label", b.dataset.padLabel);
      }
    }
    keep(MODE_KEY, mode, browserStorage);
    history.replaceState(history.state, "", modeHref(location.href, mode));
  }

  for (const b of buttons) b.addEventListener("click", () => show(b.dataset.mode));
  show(startMode(location.search, kept(MODE_KEY, null, browserStorage)));
  return () => current;
}
