/**
 * collect.js: the collect page. Like Quick, Draw!: it asks for the digit with the
 * fewest stored drawings (GET /api/stats, ties to the smaller digit), the person draws
 * it and saves (POST /api/samples, source "collect") or skips to another digit. This
 * tab's count and thumbnails of its drawings are kept in sessionStorage.
 */

import { api } from "./api.js";
import { saveSample } from "./contributor.js";
import { byId, el } from "./dom.js";
import { aDigit, countOf, formatCount } from "./format.js";
import { drawThumbnail } from "./ink.js";
import { keepJSON, keptJSON } from "./storage.js";
import { showError, showSaved } from "./toasts.js";
import { createPad, fillBar } from "./widgets.js";

const SESSION_KEY = "digitpad.collect.session";
const MINE_KEY = "digitpad.collect.mine";
const MAX_THUMBS = 15;
const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/**
 * The least-collected digit of `perLabel` ({"0": n, ...}), ties to the smaller, passing
 * over the `skipped` ones unless every digit was skipped.
 */
export function leastCollected(perLabel, skipped = new Set()) {
  const count = (d) => Number(perLabel?.[String(d)] ?? 0);
  const pool = DIGITS.filter((d) => !skipped.has(d));
  return (pool.length ? pool : DIGITS).reduce((best, d) => (count(d) < count(best) ? d : best));
}

export function init() {
  const target = byId("target");
  const saveButton = byId("save");
  const skipButton = byId("skip");
  const thumbs = byId("thumbs");
  let perLabel = null; // {"0": n, ...} from the last /api/stats
  let current = null; // the digit asked for
  let saving = false;
  const skipped = new Set(); // digits skipped since the last save
  let session = keptJSON(SESSION_KEY, 0, Number.isInteger);
  let mine = keptJSON(MINE_KEY, [], Array.isArray); // saved this session, newest first

  const pad = createPad({
    onKey: (e) => {
      if (e.repeat) return;
      if (e.key === "Enter" && !(e.target instanceof HTMLButtonElement)) {
        e.preventDefault();
        save();
      } else if (e.key === "s" || e.key === "S") {
        e.preventDefault();
        skip();
      }
    },
  });

  function showMine() {
    thumbs.replaceChildren(
      ...mine.map(({ label }) => {
        const li = el("li", "thumb", el("canvas"), el("span", null, String(label)));
        li.title = `A ${label} you drew`;
        return li;
      }),
    );
    // Drawn once laid out, so that the backing store matches the thumbnail's size.
    requestAnimationFrame(() => {
      thumbs.querySelectorAll("canvas").forEach((canvas, i) => {
        drawThumbnail(canvas, mine[i].strokes);
      });
    });
  }

  function showSession() {
    byId("session-count").textContent = formatCount(session);
    byId("session-text").textContent =
      session === 1 ? "drawing this session" : "drawings this session";
  }

  function setTarget(digit) {
    const changed = digit !== current;
    current = digit;
    target.textContent = String(digit);
    document.title = `Draw ${aDigit(digit)} · digitpad`;
    byId("prompt-text").textContent = digit === 8 ? "Draw an" : "Draw a";
    if (changed) {
      target.classList.remove("changed");
      void target.offsetWidth; // restart the animation
      target.classList.add("changed");
    }
    showCounts();
    updateButtons();
  }

  function showCounts() {
    if (!perLabel) return;
    const values = DIGITS.map((d) => Number(perLabel[String(d)] ?? 0));
    const max = Math.max(1, ...values);
    for (const d of DIGITS) {
      const title = `${d}: ${countOf(values[d], "drawing")}`;
      const bar = fillBar("count", d, values[d] / max, formatCount(values[d]), title);
      bar.classList.toggle("is-target", d === current);
    }
  }

  /** Fetch the counts and ask for the least-collected digit. */
  async function nextDigit() {
    try {
      perLabel = (await api("/api/stats")).per_label || {};
    } catch (error) {
      showError(error.message);
      perLabel ||= {};
    }
    if (DIGITS.every((d) => skipped.has(d))) skipped.clear();
    setTarget(leastCollected(perLabel, skipped));
  }

  function updateButtons() {
    saveButton.disabled = pad.isEmpty || saving || current === null;
    skipButton.disabled = saving || current === null;
  }

  async function save() {
    if (pad.isEmpty || saving || current === null) return;
    saving = true;
    pad.enabled = false;
    updateButtons();
    const label = current;
    const drawing = pad.toJSON();
    try {
      const sample = await saveSample(pad, {
        ...drawing,
        label,
        predicted: null,
        probabilities: null,
        model: null,
        source: "collect",
      });
      session += 1;
      keepJSON(SESSION_KEY, session);
      showSession();
      mine = [{ label, strokes: drawing.strokes }, ...mine].slice(0, MAX_THUMBS);
      keepJSON(MINE_KEY, mine);
      showMine();
      const id = sample?.id != null ? ` (drawing #${sample.id})` : "";
      showSaved(`Saved your ${label}. Thank you!${id}`, { mine: true });
      pad.enabled = true;
      pad.clear();
      skipped.clear();
      await nextDigit();
    } catch (error) {
      showError(error.message);
    } finally {
      saving = false;
      pad.enabled = true;
      updateButtons();
    }
  }

  function skip() {
    if (saving || current === null) return;
    skipped.add(current);
    pad.clear();
    nextDigit();
  }

  pad.addEventListener("change", updateButtons);
  saveButton.addEventListener("click", save);
  skipButton.addEventListener("click", skip);

  showSession();
  showMine();
  updateButtons();
  nextDigit();
}
