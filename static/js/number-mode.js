/**
 * number-mode.js: the drawing page's number mode (#number-result). The network reads
 * the pad as a number while it is written (POST /predict/number, through predictor.js),
 * shown large with one button per digit, and as boxes over the ink (number-boxes.js).
 * One digit is chosen at a time, the least sure one until the person picks another:
 * its ten bars, and ten buttons that correct it and save the number (POST /api/numbers,
 * with the strokes of each digit as the network split them). "Save as read" saves the
 * number as it was read.
 */

import { saveNumber } from "./contributor.js";
import { button, byId, setBusy } from "./dom.js";
import { NumberBoxes } from "./number-boxes.js";
import {
  digitName,
  leastSure,
  numberNote,
  numberSummary,
  replaceDigit,
  splitOf,
} from "./numbers.js";
import { Predictor } from "./predictor.js";
import { clearBars, describe, showBars, sureness } from "./reading.js";
import { showError, showSaved } from "./toasts.js";

export class NumberMode {
  /** Number mode on `pad`; `onSaved()` runs after a number is saved. */
  constructor(pad, { onSaved }) {
    this.pad = pad;
    this.onSaved = onSaved;
    this.panel = byId("number-result");
    this.number = byId("number");
    this.saveButton = byId("save-number");
    this.fixes = Array.from({ length: 10 }, (_, d) => byId(`fix-${d}`));
    this.shown = null; // the reading on screen
    this.picked = null; // the index of the digit the person chose, or null
    this.saving = false;
    this.boxes = new NumberBoxes(pad, byId("pad-wrap"), (i) => this.choose(i));
    this.predictor = new Predictor(pad, {
      path: "/predict/number",
      onResult: (data, final) => this.show(data, final),
      onError: (error) => showError(error.message),
      onState: () => setBusy(this.panel, this.predictor.busy),
    });
    this.saveButton.addEventListener("click", () => this.shown && this.save(this.shown.number));
    this.fixes.forEach((b, d) => {
      b.addEventListener("click", () => this.correct(d));
    });
    this.reset();
  }

  /** The index of the digit whose bars are shown: the one picked, else the least sure. */
  get chosen() {
    if (!this.shown) return null;
    return this.picked ?? leastSure(this.shown.digits);
  }

  /** The drawing changed by `reason` (draw, penup, undo, clear). */
  changed(reason) {
    if (this.pad.isEmpty) {
      this.reset();
    } else if (reason === "undo" && this.shown) {
      // The reading is of a drawing that is gone: dim it until the new one arrives.
      this.shown = null;
      this.panel.classList.add("is-stale");
      this.boxes.markStale();
    }
    this.predictor.changed(reason);
    this.updateButtons();
  }

  /** A key pressed on the page: a digit corrects the chosen digit. */
  key(e) {
    if (/^[0-9]$/.test(e.key) && !e.repeat && this.shown) {
      e.preventDefault();
      this.correct(Number(e.key));
    }
  }

  /** Show a reading; `final` when it is for the drawing as it is now. */
  show(data, final) {
    if (this.picked !== null && this.picked >= data.digits.length) this.picked = null;
    this.shown = data;
    this.panel.classList.remove("is-empty", "is-stale");
    const count = data.digits.length;
    const digits = data.digits.map((d, i) => {
      const b = button(String(d.digit), "number-digit", `number-digit-${i}`);
      b.setAttribute("aria-label", `${digitName(i, count)}: ${d.digit}`);
      b.addEventListener("click", () => this.choose(i));
      b.addEventListener("pointerenter", (e) => e.pointerType === "mouse" && this.choose(i));
      return b;
    });
    this.number.replaceChildren(...digits);
    byId("number-confidence").textContent = sureness(data.confidence);
    this.boxes.show(data.digits, this.chosen);
    this.showChosen();
    if (final) byId("number-summary").textContent = numberSummary(data);
    this.updateButtons();
  }

  /** Choose the digit at `index`: its box, its button and its bars are shown. */
  choose(index) {
    if (!this.shown || index === this.picked) return;
    this.picked = index;
    this.boxes.choose(index);
    this.showChosen();
  }

  /** Show the chosen digit: which it is, how sure the network is, its ten bars. */
  showChosen() {
    const index = this.chosen;
    const { digit, probabilities } = this.shown.digits[index];
    Array.from(this.number.children).forEach((b, i) => {
      b.setAttribute("aria-pressed", String(i === index));
    });
    byId("digit-title").textContent = `${digitName(index, this.shown.digits.length)}: ${digit}`;
    byId("digit-confidence").textContent = describe(probabilities, digit);
    showBars("digit-prob", probabilities, digit);
    this.fixes.forEach((b, d) => {
      b.classList.toggle("is-read", d === digit);
    });
  }

  /** The empty state: nothing is read from an empty pad. */
  reset() {
    this.shown = null;
    this.picked = null;
    this.panel.classList.remove("is-stale");
    this.panel.classList.add("is-empty");
    this.number.replaceChildren();
    this.boxes.clear();
    byId("number-confidence").textContent = "";
    byId("digit-title").textContent = "Each digit";
    byId("digit-confidence").textContent = "";
    clearBars("digit-prob");
    for (const b of this.fixes) b.classList.remove("is-read");
    byId("number-summary").textContent = "";
    this.updateButtons();
  }

  updateButtons() {
    const off = this.pad.isEmpty || this.saving || !this.shown;
    this.saveButton.disabled = off;
    for (const b of this.fixes) b.disabled = off;
  }

  /** Correct the chosen digit to `digit` and save the number. */
  correct(digit) {
    const index = this.chosen;
    if (index !== null) this.save(replaceDigit(this.shown.number, index, digit));
  }

  /** Save the drawing as the number `label` (a string), split as the network read it. */
  async save(label) {
    const seen = this.shown;
    if (!seen || this.pad.isEmpty || this.saving) return;
    this.saving = true;
    this.pad.enabled = false;
    this.updateButtons();
    try {
      const read = await this.predictor.current();
      if (!read) throw new Error("The network has not read the number yet: try again.");
      if (read.number !== seen.number) {
        throw new Error("The reading changed before it was saved: check it and save again.");
      }
      const saved = await saveNumber(this.pad, {
        ...this.pad.toJSON(),
        label,
        split: splitOf(read),
        predicted: read.number,
        model: read.model,
        source: "draw",
      });
      showSaved(numberNote(label, read.number, saved), { mine: true });
      this.pad.enabled = true;
      this.pad.clear();
      this.onSaved();
    } catch (error) {
      showError(error.message);
    } finally {
      this.saving = false;
      this.pad.enabled = true;
      this.updateButtons();
    }
  }
}
