// The drawing page's number mode: its pure helpers (static/js/numbers.js), the mode
// chosen from the URL and the browser (draw-mode.js), and the wording it shares with the
// digit mode (reading.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { modeHref, startMode } from "../../static/js/draw-mode.js";
import {
  boxRect,
  digitAt,
  digitName,
  labelPlace,
  leastSure,
  numberNote,
  numberSummary,
  replaceDigit,
  splitOf,
} from "../../static/js/numbers.js";
import { describe, sureness } from "../../static/js/reading.js";

/** A digit of a reading: `digit` read with probability `p`, its ink in `box`. */
function digitOf(digit, p, box = [0, 0, 10, 10], strokes = [0]) {
  const probabilities = Array.from({ length: 10 }, (_, d) => (d === digit ? p : (1 - p) / 9));
  return { digit, probabilities, box, strokes };
}

test("one digit of a number replaced, the others kept", () => {
  assert.equal(replaceDigit("4072", 0, 9), "9072");
  assert.equal(replaceDigit("4072", 2, 1), "4012");
  assert.equal(replaceDigit("4072", 3, 3), "4073");
  assert.equal(replaceDigit("5", 0, 6), "6");
  assert.equal(replaceDigit("4072", 1, 0), "4072", "the same digit: the number as read");
  for (const index of [-1, 4, 1.5, null]) {
    assert.throws(() => replaceDigit("4072", index, 1), RangeError, String(index));
  }
});

test("the split lists each digit's strokes, left to right, in order", () => {
  const reading = {
    digits: [
      digitOf(4, 0.9, undefined, [1, 0]),
      digitOf(0, 0.9, undefined, [2]),
      digitOf(7, 0.9, undefined, [4, 3]),
    ],
  };
  assert.deepEqual(splitOf(reading), [[0, 1], [2], [3, 4]]);
  assert.deepEqual(reading.digits[0].strokes, [1, 0], "the reading is left as it was");
});

/** `actual` has the keys of `expected`, each within a rounding error of its value. */
function assertClose(actual, expected) {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
  for (const [key, value] of Object.entries(expected)) {
    assert.ok(Math.abs(actual[key] - value) < 1e-9, `${key}: ${actual[key]}, expected ${value}`);
  }
}

test("a box over the pad is in fractions of the canvas, with a margin, kept on the pad", () => {
  const canvas = { width: 1000, height: 250 };
  const box = [100, 50, 300, 200];
  assertClose(boxRect(box, canvas), { left: 0.1, top: 0.2, width: 0.2, height: 0.6 });
  assertClose(boxRect(box, canvas, 10), { left: 0.09, top: 0.16, width: 0.22, height: 0.68 });
  const edge = boxRect([0, 0, 1000, 250], canvas, 20);
  assertClose(edge, { left: 0, top: 0, width: 1, height: 1 });
  assertClose(boxRect([990, 240, 1000, 250], canvas, 20), {
    left: 0.97,
    top: 0.88,
    width: 0.03,
    height: 0.12,
  });
});

test("a box's label goes above it if it fits, else below, else inside", () => {
  // A pad 280 CSS px high, a label 36 px high.
  assert.equal(labelPlace({ top: 0.2, height: 0.6 }, 280, 36), "above"); // 56 px above
  assert.equal(labelPlace({ top: 0.1, height: 0.6 }, 280, 36), "below"); // 28 px above, 84 below
  assert.equal(labelPlace({ top: 0.05, height: 0.9 }, 280, 36), "inside"); // 14 px either side
});

test("the digit under a point is the one whose box, with the margin, holds it", () => {
  const digits = [digitOf(1, 0.9, [10, 10, 40, 90]), digitOf(2, 0.9, [60, 10, 100, 90])];
  assert.equal(digitAt(digits, [20, 50]), 0);
  assert.equal(digitAt(digits, [100, 90]), 1, "the edge is in");
  assert.equal(digitAt(digits, [50, 50]), -1, "between the boxes");
  assert.equal(digitAt(digits, [45, 50], 5), 0, "within the margin");
  assert.equal(digitAt([], [20, 50]), -1);
});

test("before any is chosen, the digit shown is the one read least surely", () => {
  assert.equal(leastSure([digitOf(4, 0.99), digitOf(0, 0.6), digitOf(7, 0.8)]), 1);
  assert.equal(leastSure([digitOf(4, 0.7), digitOf(0, 0.7)]), 0, "the first of equals");
  assert.equal(leastSure([digitOf(3, 0.5)]), 0);
});

test("what is said about a number and its digits", () => {
  assert.equal(digitName(1, 4), "Digit 2 of 4");
  assert.equal(
    numberSummary({ number: "407", confidence: 0.953 }),
    "The network reads 407, 3 digits, 95% sure.",
  );
  assert.equal(
    numberSummary({ number: "8", confidence: 0.5 }),
    "The network reads 8, 1 digit, 50% sure.",
  );
  assert.equal(sureness(0.95), "95% sure");
  assert.equal(sureness(0.7), "Fairly sure: 70%");
  assert.equal(sureness(0.41), "Unsure: 41%");
  assert.equal(describe(digitOf(3, 0.41).probabilities, 3), "Unsure: 41%, or a 0?");
});

test("the thanks after saving a number says whether the network read it right", () => {
  assert.equal(
    numberNote("407", "407", { id: 12 }),
    "Saved 407. Thank you! The network got it right. (number #12)",
  );
  assert.equal(numberNote("409", "407", { id: 0 }), "Saved 409. Thank you! (number #0)");
  assert.equal(numberNote("409", null, null), "Saved 409. Thank you!");
});

test("the mode comes from the URL, else from the browser, else it is digit", () => {
  assert.equal(startMode("?mode=number", "digit"), "number");
  assert.equal(startMode("?mode=digit", "number"), "digit");
  assert.equal(startMode("", "number"), "number");
  assert.equal(startMode("?mode=letters", "number"), "number", "an unknown mode is ignored");
  assert.equal(startMode("", "edited by hand"), "digit");
  assert.equal(startMode("", null), "digit");
});

test("the URL shows the number mode and keeps the rest of the address", () => {
  const base = "http://localhost:8000";
  assert.equal(modeHref(`${base}/`, "number"), "/?mode=number");
  assert.equal(modeHref(`${base}/?mode=number`, "digit"), "/");
  assert.equal(modeHref(`${base}/app/?x=1#main`, "number"), "/app/?x=1&mode=number#main");
  assert.equal(modeHref(`${base}/app/?mode=number&x=1`, "digit"), "/app/?x=1");
});
