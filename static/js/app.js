/**
 * app.js: the drawing page. The network reads the drawing live (POST /predict), shows
 * its ten probabilities and the 28x28 image it saw, and the person says what the digit
 * really is (POST /api/samples, source "draw").
 */

import {
  aDigit,
  api,
  bindPadKeys,
  contributorId,
  createPad,
  formatCount,
  labelModifierKeys,
  showError,
  saveSample,
  showSaved,
} from "./common.js";
import { Explainer } from "./explain.js";

const THROTTLE_MS = 150; // while drawing, at most one prediction per this many ms
const SAVE_WAIT_MS = 3000; // how long a save waits for the drawing's own prediction

const $ = (selector) => document.querySelector(selector);
const testid = (id) => document.querySelector(`[data-testid="${id}"]`);

/**
 * Live predictions for a pad: throttled while drawing, immediate on pen-up, at most one
 * request in flight; when the drawing changed meanwhile, the newest one goes next.
 * A result is shown only if nothing was removed (undo, clear) since its request left.
 */
class Predictor {
  constructor(pad, { onResult, onError, onState }) {
    this.pad = pad;
    this.onResult = onResult;
    this.onError = onError;
    this.onState = onState;
    this.timer = 0;
    this.inFlight = false;
    this.wanted = false; // the drawing changed since the last request left
    this.generation = 0; // increases when strokes are removed
    this.latest = null; // {revision, generation, data}
    this.waiters = [];
  }

  /** The drawing changed by `reason` (draw, penup, undo, clear). */
  changed(reason) {
    if (reason === "undo" || reason === "clear") {
      this.generation += 1;
      this.latest = null;
    }
    if (this.pad.isEmpty) {
      clearTimeout(this.timer);
      this.timer = 0;
      this.wanted = false;
      this._settle();
    } else {
      this.wanted = true;
      if (reason !== "draw") this._send();
      else if (!this.timer) this.timer = setTimeout(() => this._send(), THROTTLE_MS);
    }
    this.onState();
  }

  /** True while the drawing on the pad has no answer yet (one is due or on its way). */
  get busy() {
    return this.wanted || this.inFlight || Boolean(this.timer);
  }

  /** The prediction for the pad's current drawing, or null if none comes in time. */
  async current() {
    const revision = this.pad.revision;
    const deadline = performance.now() + SAVE_WAIT_MS;
    while (performance.now() < deadline) {
      if (this.latest?.revision === revision) return this.latest.data;
      if (this.wanted) this._send();
      if (!this.inFlight) return null;
      await new Promise((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, deadline - performance.now());
      });
    }
    return null;
  }

  async _send() {
    clearTimeout(this.timer);
    this.timer = 0;
    if (this.inFlight || !this.wanted || this.pad.isEmpty) return;
    this.wanted = false;
    this.inFlight = true;
    const revision = this.pad.revision;
    const generation = this.generation;
    let result = null;
    try {
      // With this browser's contributor id, its own saved drawings count too.
      const body = { ...this.pad.toJSON(), contributor: contributorId() };
      const data = await api("/predict", { body });
      result = { revision, generation, data };
    } catch (error) {
      if (generation === this.generation && !this.pad.isEmpty) this.onError(error);
    }
    this.inFlight = false;
    if (result && generation === this.generation && !this.pad.isEmpty) {
      this.latest = result;
      this.onResult(result.data, revision === this.pad.revision);
    }
    if (this.wanted && !this.timer) this.timer = setTimeout(() => this._send(), 0);
    this._settle();
    this.onState();
  }

  _settle() {
    if (this.inFlight) return;
    for (const resolve of this.waiters.splice(0)) resolve();
  }
}

// --- the page -------------------------------------------------------------------------

const pad = createPad();
const panel = $(".result");
const prediction = testid("prediction");
const confidence = $(".confidence");
const personal = testid("personal");
const summary = $("#result-summary");
const seen = $("#seen");
const seenCtx = seen.getContext("2d");
const bars = Array.from({ length: 10 }, (_, d) => testid(`prob-${d}`));
const yes = testid("yes");
const labels = Array.from({ length: 10 }, (_, d) => testid(`label-${d}`));
const undoButton = testid("undo");
const clearButton = testid("clear");
const stats = testid("stats");
const explainer = new Explainer(testid("explain"), pad);
let shown = null; // the prediction on screen
let saving = false;

const predictor = new Predictor(pad, {
  onResult: show,
  onError: (error) => showError(error.message),
  // aria-busy: the reading on screen is not yet the one for the drawing as it is now.
  onState: () => panel.setAttribute("aria-busy", String(predictor.busy)),
});

/** A probability as a short percentage: "<1%", "42%", ">99%" (never a false 0 or 100). */
function percent(p) {
  const v = p * 100;
  if (v > 0 && v < 1) return "<1%";
  if (v > 99 && v < 100) return ">99%";
  return `${Math.round(v)}%`;
}

function describe(probabilities, digit) {
  const p = probabilities[digit];
  if (p >= 0.9) return `${percent(p)} sure`;
  if (p >= 0.6) return `Fairly sure: ${percent(p)}`;
  const runnerUp = probabilities
    .map((q, d) => [q, d])
    .filter(([, d]) => d !== digit)
    .sort((a, b) => b[0] - a[0])[0][1];
  return `Unsure: ${percent(p)}, or ${aDigit(runnerUp)}?`;
}

/** What this browser's saved drawings did to the reading. */
function personalNote({ samples, weight }) {
  const yours = `your ${formatCount(samples)} saved ${samples === 1 ? "drawing" : "drawings"}`;
  return weight >= 0.01 ? `Read with help from ${yours}` : `Compared with ${yours}`;
}

/** Put a prediction on screen; `final` when it is for the drawing as it is now. */
function show(data, final) {
  shown = data;
  const { digit, probabilities } = data;
  panel.classList.remove("is-empty", "is-stale");
  prediction.textContent = String(digit);
  confidence.textContent = describe(probabilities, digit);
  personal.hidden = !data.personal;
  personal.textContent = data.personal ? personalNote(data.personal) : "";
  bars.forEach((bar, d) => {
    const p = probabilities[d];
    bar.classList.toggle("is-top", d === digit);
    bar.classList.toggle("is-zero", p < 0.005);
    bar.style.setProperty("--p", Math.max(0, Math.min(1, p)).toFixed(4));
    bar.querySelector(".bar-pct").textContent = percent(p);
    bar.title = `${d}: ${(p * 100).toFixed(1)}%`;
  });
  drawSeen(data.pixels);
  yes.querySelector(".yes-text").textContent = `Yes, it's ${aDigit(digit)}`;
  if (final) {
    summary.textContent = `The network reads ${aDigit(digit)}, ${percent(probabilities[digit])} sure.`;
  }
  updateButtons();
}

/** The empty state: nothing is predicted for an empty canvas. */
function reset() {
  shown = null;
  panel.classList.remove("is-stale");
  panel.classList.add("is-empty");
  prediction.textContent = "";
  confidence.textContent = "";
  for (const bar of bars) {
    bar.classList.remove("is-top", "is-zero");
    bar.style.setProperty("--p", "0");
    bar.querySelector(".bar-pct").textContent = "";
    bar.title = "";
  }
  seenCtx.clearRect(0, 0, seen.width, seen.height);
  explainer.reset();
  yes.querySelector(".yes-text").textContent = "Yes";
  summary.textContent = "";
  updateButtons();
}

/** The 28x28 image the network read: white ink on black, as MNIST stores it. */
function drawSeen(pixels) {
  if (!Array.isArray(pixels) || !pixels.length) return;
  const h = pixels.length;
  const w = pixels[0].length;
  if (seen.width !== w || seen.height !== h) {
    seen.width = w;
    seen.height = h;
  }
  const image = seenCtx.createImageData(w, h);
  const bg = [11, 16, 32];
  for (let y = 0; y < h; y += 1) {
    for (let x = 0; x < w; x += 1) {
      const v = Math.max(0, Math.min(1, Number(pixels[y][x]) || 0));
      const i = (y * w + x) * 4;
      image.data[i] = bg[0] + (255 - bg[0]) * v;
      image.data[i + 1] = bg[1] + (255 - bg[1]) * v;
      image.data[i + 2] = bg[2] + (255 - bg[2]) * v;
      image.data[i + 3] = 255;
    }
  }
  seenCtx.putImageData(image, 0, 0);
}

function updateButtons() {
  const empty = pad.isEmpty;
  undoButton.disabled = empty;
  clearButton.disabled = empty;
  yes.disabled = empty || saving || !shown;
  for (const b of labels) b.disabled = empty || saving;
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
      contributor: contributorId(),
    });
    const id = sample && sample.id != null ? ` (drawing #${sample.id})` : "";
    const verdict = read && read.digit === label ? " The network got it right." : "";
    showSaved(`Saved as ${label}. Thank you!${verdict}${id}`);
    pad.enabled = true;
    pad.clear();
    refreshStats();
  } catch (error) {
    showError(error.message);
  } finally {
    saving = false;
    pad.enabled = true;
    updateButtons();
  }
}

async function refreshStats() {
  try {
    const s = await api("/api/stats");
    if (!s.total) {
      stats.textContent = "No drawings contributed yet: yours can be the first.";
      stats.hidden = false;
      return;
    }
    const parts = [`${formatCount(s.total)} ${s.total === 1 ? "drawing" : "drawings"} contributed`];
    if (s.with_prediction > 0) {
      const rate = Math.round((100 * s.prediction_matched) / s.with_prediction);
      parts.push(`the network read ${rate}% of them right`);
    }
    stats.textContent = `${parts.join(" · ")}.`;
    stats.hidden = false;
  } catch {
    stats.hidden = true; // a nicety: say nothing rather than an error
  }
}

pad.addEventListener("change", (e) => {
  if (pad.isEmpty) {
    reset();
  } else if (e.detail.reason === "undo" && shown) {
    // The reading is of a drawing that is gone: dim it until the new one arrives.
    shown = null;
    panel.classList.add("is-stale");
  }
  predictor.changed(e.detail.reason);
  explainer.changed(e.detail.reason);
  updateButtons();
});

undoButton.addEventListener("click", () => pad.undo());
clearButton.addEventListener("click", () => pad.clear());
yes.addEventListener("click", () => shown && save(shown.digit));
labels.forEach((b, d) => b.addEventListener("click", () => save(d)));

bindPadKeys(pad, (e) => {
  if (/^[0-9]$/.test(e.key) && !e.repeat && !pad.isEmpty) {
    e.preventDefault();
    save(Number(e.key));
  }
});

labelModifierKeys();
reset();
refreshStats();
