/**
 * number-boxes.js: in number mode, a box over the pad around each digit's ink, in the
 * pad's own coordinates (so it follows the pad when it is resized), with the digit read
 * on a small button above it (below it, or inside, when there is no room above). Tapping that
 * button, or resting the mouse on the box, chooses the digit. The layer is hidden from
 * screen readers: the number's own buttons (number-mode.js) are their way to a digit.
 */

import { button, el } from "./dom.js";
import { boxRect, digitAt, digitName, labelPlace } from "./numbers.js";
import { drawingPoint } from "./strokes.js";

const LABEL_PX = 31; // a label's height and its gap to the box, CSS px (number.css)
const MARGIN = 0.03; // the space between the ink's middle and the box, of the pad's height

const percent = (fraction) => `${(100 * fraction).toFixed(3)}%`;

export class NumberBoxes {
  /**
   * Boxes over `pad`, in a layer added to `wrap` (the element around the pad's canvas);
   * `onChoose(index)` when the person chooses the digit at `index`.
   */
  constructor(pad, wrap, onChoose) {
    this.pad = pad;
    this.onChoose = onChoose;
    this.digits = [];
    this.layer = el("div", "number-boxes");
    this.layer.setAttribute("aria-hidden", "true");
    wrap.append(this.layer);
    pad.canvas.addEventListener("pointermove", (e) => this._hover(e));
  }

  /** The space between the ink's middle and a box, in canvas pixels. */
  get margin() {
    return MARGIN * this.pad.height;
  }

  /** A box for each of `digits` (a reading's, left to right), the one at `chosen` marked. */
  show(digits, chosen) {
    this.digits = digits;
    this.layer.classList.remove("is-stale");
    const canvas = { width: this.pad.width, height: this.pad.height };
    const padHeight = this.layer.clientHeight;
    const boxes = digits.map((d, i) => {
      const rect = boxRect(d.box, canvas, this.margin);
      const box = el("div", "number-box");
      box.style.left = percent(rect.left);
      box.style.top = percent(rect.top);
      box.style.width = percent(rect.width);
      box.style.height = percent(rect.height);
      box.dataset.label = labelPlace(rect, padHeight, LABEL_PX);
      const label = button(String(d.digit), "number-box-label", `box-${i}`);
      label.tabIndex = -1;
      label.title = `${digitName(i, digits.length)}: ${d.digit}`;
      label.addEventListener("click", () => this.onChoose(i));
      label.addEventListener("pointerenter", (e) => e.pointerType === "mouse" && this.onChoose(i));
      box.append(label);
      return box;
    });
    this.layer.replaceChildren(...boxes);
    this.choose(chosen);
  }

  /** Mark the box of the digit at `chosen`. */
  choose(chosen) {
    Array.from(this.layer.children).forEach((box, i) => {
      box.classList.toggle("is-chosen", i === chosen);
    });
  }

  /** Dim the boxes: they are of a drawing that is gone (undo) until the next reading. */
  markStale() {
    this.layer.classList.add("is-stale");
  }

  /** No boxes. */
  clear() {
    this.digits = [];
    this.layer.replaceChildren();
  }

  /** The mouse moving over the pad, no button pressed, chooses the digit it is over. */
  _hover(e) {
    if (e.pointerType !== "mouse" || e.buttons || !this.digits.length) return;
    const rect = this.pad.canvas.getBoundingClientRect();
    const point = drawingPoint(e, rect, [this.pad.width, this.pad.height], 0);
    const index = digitAt(this.digits, point, this.margin);
    if (index >= 0) this.onChoose(index);
  }
}
