/**
 * draw.js: the drawing page, in one of two modes (draw-mode.js). Digit mode: the network
 * reads the drawing live (predictor.js, shown by reading.js) and explains it on request
 * (explain.js); the person says what the digit really is (POST /api/samples, source
 * "draw"). Number mode (number-mode.js): the same for a number of several digits. A
 * line under the digit panel counts the drawings contributed so far (GET /api/stats).
 */

import { api } from "./api.js";
import { saveSample } from "./contributor.js";
import { byId } from "./dom.js";
import { bindModeSwitch } from "./draw-mode.js";
import { Explainer } from "./explain.js";
import { aDigit, countOf } from "./format.js";
import { NumberMode } from "./number-mode.js";
import { Predictor } from "./predictor.js";
import { Reading } from "./reading.js";
import { showError, showSaved } from "./toasts.js";
import { createPad } from "./widgets.js";

/** The count line from GET /api/stats: how many drawings, and how many were read right. */
export function statsLine({ total, with_prediction, prediction_matched }) {
  if (!total) return "No drawings contributed yet: yours can be the first.";
  const parts = [`${countOf(total, "drawing")} contributed`];
  if (with_prediction > 0) {
    const rate = Math.round((100 * prediction_matched) / with_prediction);
    parts.push(`the network read ${rate}% of them right`);
  }
  return `${parts.join(" · ")}.`;
}

/** The thanks for a drawing saved as `label`, read as `read` (or null), stored as `sample`. */
export function savedNote(label, read, sample) {
  const verdict = read && read.digit === label ? " The network got it right." : "";
  const id = sample?.id != null ? ` (drawing #${sample.id})` : "";
  return `Saved as ${label}. Thank you!${verdict}${id}`;
}

export function init() {
  const stats = byId("stats");
  const modes = {};
  const pad = createPad({ onKey: (e) => modes[mode()].key(e) });

  async function refreshStats() {
    try {
      stats.textContent = statsLine(await api("/api/stats"));
      stats.hidden = false;
    } catch {
      stats.hidden = true; // a nicety: say nothing rather than an error
    }
  }

  modes.digit = digitMode(pad, refreshStats);
  modes.number = new NumberMode(pad, { onSaved: refreshStats });
  // A drawing belongs to the mode it was drawn in: switching starts a new one.
  const mode = bindModeSwitch(() => pad.clear());
  pad.addEventListener("change", (e) => modes[mode()].changed(e.detail.reason));
  refreshStats();
}

/**
 * Digit mode on `pad`: {changed(reason), key(event)} for the pad's changes and the page's
 * keys; `onSaved()` runs after a drawing is saved.
 */
function digitMode(pad, onSaved) {
  const yes = byId("yes");
  const labels = Array.from({ length: 10 }, (_, d) => byId(`label-${d}`));
  const reading = new Reading();
  let shown = null; // the prediction on screen
  let saving = false;

  const explainer = new Explainer(pad);
  const predictor = new Predictor(pad, {
    onResult: show,
    onError: (error) => showError(error.message),
    onState: () => reading.setBusy(predictor.busy),
  });

  function updateButtons() {
    yes.disabled = pad.isEmpty || saving || !shown;
    for (const b of labels) b.disabled = pad.isEmpty || saving;
  }

  function show(data, final) {
    shown = data;
    reading.show(data, final);
    byId("yes-text").textContent = `Yes, it's ${aDigit(data.digit)}`;
    updateButtons();
  }

  function reset() {
    shown = null;
    reading.reset();
    explainer.reset();
    byId("yes-text").textContent = "Yes";
    updateButtons();
  }

  async function save(label) {
    if (pad.isEmpty || saving) return;
    saving = true;
    pad.enabled = false;
    updateButtons();
    try {
      const drawing = pad.toJSON();
      const read = await predictor.current();
      const sample = await saveSample(pad, {
        ...drawing,
        label,
        predicted: read ? read.digit : null,
        probabilities: read ? read.probabilities : null,
        model: read ? read.model : null,
        source: "draw",
      });
      showSaved(savedNote(label, read, sample), { mine: true });
      pad.enabled = true;
      pad.clear();
      onSaved();
    } catch (error) {
      showError(error.message);
    } finally {
      saving = false;
      pad.enabled = true;
      updateButtons();
    }
  }

  function changed(reason) {
    if (pad.isEmpty) {
      reset();
    } else if (reason === "undo" && shown) {
      // The reading is of a drawing that is gone: dim it until the new one arrives.
      shown = null;
      reading.markStale();
    }
    predictor.changed(reason);
    explainer.changed(reason);
    updateButtons();
  }

  function key(e) {
    if (/^[0-9]$/.test(e.key) && !e.repeat && !pad.isEmpty) {
      e.preventDefault();
      save(Number(e.key));
    }
  }

  yes.addEventListener("click", () => shown && save(shown.digit));
  labels.forEach((b, d) => {
    b.addEventListener("click", () => save(d));
  });
  reset();
  return { changed, key };
}
