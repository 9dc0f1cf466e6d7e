// The samples page's query, filters and wording (static/js/samples.js, sample-tiles.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { formatCount, percent } from "../../static/js/format.js";
import { isWrong, numberPlace, predictionChip } from "../../static/js/sample-tiles.js";
import { countLine, matches, readQuery, withFilters } from "../../static/js/samples.js";

test("the page's query gives the filters and a page size within the server's limit", () => {
  assert.deepEqual(readQuery(""), { limit: 24, label: null, wrong: false });
  assert.deepEqual(readQuery("?label=3&wrong=true&limit=5"), { limit: 5, label: 3, wrong: true });
  assert.deepEqual(readQuery("?label=12&limit=9999&wrong=yes"), {
    limit: 200,
    label: null,
    wrong: false,
  });
  assert.equal(readQuery("?limit=0").limit, 24);
});

test("the filters go into the query, keeping its other parameters", () => {
  assert.equal(
    withFilters("limit=5&label=1", { label: 3, wrong: true }),
    "limit=5&label=3&wrong=true",
  );
  assert.equal(withFilters("?label=1&wrong=true", { label: null, wrong: false }), "");
});

test("a drawing is wrong only when a live prediction missed its label", () => {
  assert.equal(isWrong({ label: 3, predicted: 5 }), true);
  assert.equal(isWrong({ label: 3, predicted: 3 }), false);
  assert.equal(isWrong({ label: 3, predicted: null }), false);
  assert.deepEqual(predictionChip({ label: 3, predicted: 5 }), ["read as 5", "chip-danger"]);
  assert.deepEqual(predictionChip({ label: 3, predicted: 3 }), ["read as 3", "chip-ok"]);
  assert.deepEqual(predictionChip({ label: 3 }), ["no prediction", "chip-muted"]);
});

test("a relabelled drawing stays in the gallery only if it still matches the filters", () => {
  const all = { label: null, wrong: false };
  assert.ok(matches({ label: 1, predicted: 1 }, all));
  assert.ok(matches({ label: 1, predicted: 7 }, { label: 1, wrong: true }));
  assert.equal(matches({ label: 2, predicted: 7 }, { label: 1, wrong: false }), false);
  assert.equal(matches({ label: 7, predicted: 7 }, { label: null, wrong: true }), false);
});

test("the count line says how many drawings are shown, and waiting for review", () => {
  const per_status = { accepted: 1, flagged: 2, rejected: 0, unscored: 0 };
  assert.equal(
    countLine({ total: 3, per_status }),
    "1 accepted drawing of 3 (2 waiting for review)",
  );
  assert.equal(
    countLine({ total: 4, per_status: { ...per_status, accepted: 4, flagged: 0 } }),
    "4 accepted drawings of 4",
  );
});

test("the count line gives the live accuracy when there is one", () => {
  assert.equal(countLine({ total: 1 }), "1 drawing");
  const stats = {
    total: 40,
    prediction_accuracy: 0.9,
    prediction_matched: 27,
    with_prediction: 30,
  };
  assert.equal(
    countLine(stats),
    `40 drawings · live accuracy ${percent(0.9)} (${formatCount(27)} of ${formatCount(30)} read right)`,
  );
});

test("a digit of a contributed number says where it sits in it", () => {
  assert.equal(numberPlace({ number_id: 12, number_position: 1 }), "digit 2 of number #12");
  assert.equal(numberPlace({ number_id: null, number_position: null }), "");
  assert.equal(numberPlace({}), "");
});
