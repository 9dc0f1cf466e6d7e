// Which digit the collect page asks for (static/js/collect.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { leastCollected } from "../../static/js/collect.js";

test("the least-collected digit is asked for, ties to the smaller digit", () => {
  const counts = { 0: 5, 1: 5, 2: 3, 3: 3, 4: 9, 5: 9, 6: 9, 7: 9, 8: 9, 9: 9 };
  assert.equal(leastCollected(counts), 2);
  assert.equal(leastCollected({}), 0, "no drawings yet");
  assert.equal(leastCollected(null), 0);
});

test("skipped digits are passed over until every digit was skipped", () => {
  const counts = { 0: 1, 1: 2 };
  assert.equal(leastCollected(counts, new Set([2, 3])), 4);
  assert.equal(leastCollected(counts, new Set([0, 2, 3, 4, 5, 6, 7, 8, 9])), 1);
  assert.equal(leastCollected(counts, new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])), 2);
});
