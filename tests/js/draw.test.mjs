// The drawing page's wording (static/js/draw.js, reading.js, explain.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { savedNote, statsLine } from "../../static/js/draw.js";
import { activation, topUnits } from "../../static/js/explain.js";
import { formatCount } from "../../static/js/format.js";
import { describe, personalNote } from "../../static/js/reading.js";

/** Ten probabilities, `rest` shared by the digits not named in `named`. */
function probabilities(named) {
  const left = 1 - Object.values(named).reduce((a, b) => a + b, 0);
  const others = 10 - Object.keys(named).length;
  return Array.from({ length: 10 }, (_, d) => named[d] ?? left / others);
}

test("how sure the network is, in words", () => {
  assert.equal(describe(probabilities({ 3: 0.97 }), 3), "97% sure");
  assert.equal(describe(probabilities({ 3: 0.7 }), 3), "Fairly sure: 70%");
  assert.equal(describe(probabilities({ 3: 0.41, 8: 0.3 }), 3), "Unsure: 41%, or an 8?");
});

test("what the person's own drawings did to the reading", () => {
  assert.equal(
    personalNote({ samples: 3, weight: 0.2 }),
    "Read with help from your 3 saved drawings",
  );
  assert.equal(personalNote({ samples: 1, weight: 0 }), "Compared with your 1 saved drawing");
});

test("the count line under the reading", () => {
  assert.equal(statsLine({ total: 0 }), "No drawings contributed yet: yours can be the first.");
  assert.equal(statsLine({ total: 1, with_prediction: 0 }), "1 drawing contributed.");
  assert.equal(
    statsLine({ total: 1200, with_prediction: 1000, prediction_matched: 905 }),
    `${formatCount(1200)} drawings contributed · the network read 91% of them right.`,
  );
});

test("the thanks after a save says whether the network was right", () => {
  assert.equal(
    savedNote(7, { digit: 7 }, { id: 12 }),
    "Saved as 7. Thank you! The network got it right. (drawing #12)",
  );
  assert.equal(savedNote(7, { digit: 1 }, { id: 0 }), "Saved as 7. Thank you! (drawing #0)");
  assert.equal(savedNote(7, null, null), "Saved as 7. Thank you!");
});

test("a hidden unit's activation is short", () => {
  assert.equal(activation(12.34), "12");
  assert.equal(activation(3.456), "3.5");
  assert.equal(activation(-0.04), "-0.0");
});

test("the units shown are the first eight, their bars as long as their share of the top one", () => {
  const layer = Array.from({ length: 10 }, (_, i) => ({ unit: i, activation: 8 - i }));
  const units = topUnits(layer);
  assert.equal(units.length, 8);
  assert.deepEqual(
    units.map((u) => u.share),
    ["1.000", "0.875", "0.750", "0.625", "0.500", "0.375", "0.250", "0.125"],
  );
  assert.equal(topUnits([{ unit: 3, activation: -1 }])[0].share, "0.000", "never negative");
  assert.deepEqual(topUnits(undefined), []);
});
