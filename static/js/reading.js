/**
 * reading.js: the drawing page's reading panel (#result): the digit the network reads,
 * how sure it is, what the person's own drawings did to it, the ten probability bars,
 * the 28x28 image it saw, and a sentence for screen readers.
 */

import { byId, setBusy } from "./dom.js";
import { aDigit, countOf, probability } from "./format.js";
import { paintGrey } from "./pixels.js";
import { fillBar } from "./widgets.js";

/** How sure a reading of probability `p` is, in words: "97% sure", "Unsure: 41%". */
export function sureness(p) {
  if (p >= 0.9) return `${probability(p)} sure`;
  if (p >= 0.6) return `Fairly sure: ${probability(p)}`;
  return `Unsure: ${probability(p)}`;
}

/** How sure the network is of `digit`, in words: "97% sure", "Unsure: 41%, or a 7?". */
export function describe(probabilities, digit) {
  const p = probabilities[digit];
  if (p >= 0.6) return sureness(p);
  const runnerUp = probabilities
    .map((q, d) => [q, d])
    .filter(([, d]) => d !== digit)
    .sort((a, b) => b[0] - a[0])[0][1];
  return `${sureness(p)}, or ${aDigit(runnerUp)}?`;
}

/** What this browser's saved drawings did to the reading (the answer's `personal`). */
export function personalNote({ samples, weight }) {
  const yours = `your ${countOf(samples, "saved drawing")}`;
  return weight >= 0.01 ? `Read with help from ${yours}` : `Compared with ${yours}`;
}

/** Fill the ten bars named `name` with `probabilities`, the one of `digit` on top. */
export function showBars(name, probabilities, digit) {
  probabilities.forEach((p, d) => {
    const bar = fillBar(name, d, p, probability(p), `${d}: ${(p * 100).toFixed(1)}%`);
    bar.classList.toggle("is-top", d === digit);
    bar.classList.toggle("is-zero", p < 0.005);
  });
}

/** Empty the ten bars named `name`. */
export function clearBars(name) {
  for (let d = 0; d < 10; d += 1) fillBar(name, d, 0, "").classList.remove("is-top", "is-zero");
}

export class Reading {
  constructor() {
    this.panel = byId("result");
  }

  /** Show a prediction; `final` when it is for the drawing as it is now. */
  show({ digit, probabilities, pixels, personal }, final) {
    this.panel.classList.remove("is-empty", "is-stale");
    byId("prediction").textContent = String(digit);
    byId("confidence").textContent = describe(probabilities, digit);
    const note = byId("personal");
    note.hidden = !personal;
    note.textContent = personal ? personalNote(personal) : "";
    showBars("prob", probabilities, digit);
    paintGrey(byId("seen"), pixels);
    if (final) {
      const sure = probability(probabilities[digit]);
      byId("result-summary").textContent = `The network reads ${aDigit(digit)}, ${sure} sure.`;
    }
  }

  /** Dim the reading: it is of a drawing that is gone (undo) until the next one comes. */
  markStale() {
    this.panel.classList.add("is-stale");
  }

  /** The empty state: nothing is read from an empty pad. */
  reset() {
    this.panel.classList.remove("is-stale");
    this.panel.classList.add("is-empty");
    byId("prediction").textContent = "";
    byId("confidence").textContent = "";
    clearBars("prob");
    const seen = byId("seen");
    seen.getContext("2d").clearRect(0, 0, seen.width, seen.height);
    byId("result-summary").textContent = "";
  }

  /** Say whether the reading on screen is not yet the one for the drawing as it is now. */
  setBusy(busy) {
    setBusy(this.panel, busy);
  }
}
