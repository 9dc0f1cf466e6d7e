/**
 * numbers.js: what the drawing page's number mode works out from a reading of
 * POST /predict/number ({number, confidence, model, digits: [{digit, probabilities, box,
 * strokes}, ...]} left to right): the label with one digit corrected, the split saved
 * with it, where each digit's box goes over the pad, and the words shown. Pure
 * functions: no DOM, so tests/js runs them in node.
 */

import { countOf, probability } from "./format.js";
import { clamp } from "./strokes.js";

/** `number` ("4072") with its digit at `index` (0 = leftmost) replaced by `digit`. */
export function replaceDigit(number, index, digit) {
  if (!Number.isInteger(index) || index < 0 || index >= number.length) {
    throw new RangeError(`expected a digit index from 0 to ${number.length - 1}, got ${index}`);
  }
  return `${number.slice(0, index)}${digit}${number.slice(index + 1)}`;
}

/** The split of a reading, as POST /api/numbers takes it: each digit's strokes, in order. */
export const splitOf = (reading) => reading.digits.map((d) => [...d.strokes].sort((a, b) => a - b));

/**
 * Where a digit's `box` ([x0, y0, x1, y1] in canvas pixels) goes over a pad showing a
 * `canvas` of {width, height} pixels: {left, top, width, height} as fractions of the pad
 * (0..1), `margin` canvas pixels wider on every side (the ink's own width), kept on it.
 */
export function boxRect([x0, y0, x1, y1], canvas, margin = 0) {
  const fx = (x) => clamp(x / canvas.width, 0, 1);
  const fy = (y) => clamp(y / canvas.height, 0, 1);
  const [left, right] = [fx(x0 - margin), fx(x1 + margin)];
  const [top, bottom] = [fy(y0 - margin), fy(y1 + margin)];
  return { left, top, width: right - left, height: bottom - top };
}

/**
 * Where a box's label goes: "above" the box when the pad (`padHeight` CSS pixels high)
 * has `labelHeight` CSS pixels above the `rect` from boxRect(), else "below" it when it
 * has them there, else "inside" its top.
 */
export function labelPlace(rect, padHeight, labelHeight) {
  if (rect.top * padHeight >= labelHeight) return "above";
  if ((1 - rect.top - rect.height) * padHeight >= labelHeight) return "below";
  return "inside";
}

/** The index of the digit whose box, `margin` wider, holds the canvas point [x, y]; or -1. */
export function digitAt(digits, [x, y], margin = 0) {
  return digits.findIndex(({ box: [x0, y0, x1, y1] }) => {
    return x >= x0 - margin && x <= x1 + margin && y >= y0 - margin && y <= y1 + margin;
  });
}

/** The index of the digit read least surely (the first such), to show before any is chosen. */
export function leastSure(digits) {
  const sureness = digits.map((d) => d.probabilities[d.digit]);
  return sureness.indexOf(Math.min(...sureness));
}

/** "Digit 2 of 4": which digit of the number the bars are for. */
export const digitName = (index, count) => `Digit ${index + 1} of ${count}`;

/** The sentence for screen readers: "The network reads 407, 3 digits, 95% sure." */
export function numberSummary({ number, confidence }) {
  const sure = probability(confidence);
  return `The network reads ${number}, ${countOf(number.length, "digit")}, ${sure} sure.`;
}

/** The thanks for a number saved as `label` ("4072"), read as `predicted`, stored as `saved`. */
export function numberNote(label, predicted, saved) {
  const verdict = label === predicted ? " The network got it right." : "";
  const id = saved?.id != null ? ` (number #${saved.id})` : "";
  return `Saved ${label}. Thank you!${verdict}${id}`;
}
