// The charts' axis ticks (static/js/charts.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { ticks } from "../../static/js/charts.js";

test("ticks are round steps from the low end to the high end", () => {
  assert.deepEqual(ticks(0, 1, 4), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(ticks(0.9, 1, 4), [0.9, 0.925, 0.95, 0.975, 1]);
  assert.deepEqual(ticks(1, 10, 8), [2, 4, 6, 8, 10]);
  assert.deepEqual(ticks(0, 2.3, 5), [0, 0.5, 1, 1.5, 2]);
});

test("an empty range has no ticks rather than looping forever", () => {
  assert.deepEqual(ticks(1, 1, 1), []);
  assert.deepEqual(ticks(0, 0, 4), []);
});
