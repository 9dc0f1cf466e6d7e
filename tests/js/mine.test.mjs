// "My drawings": the count line and the API paths (static/js/mine.js), and each drawing's
// status (sample-tiles.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { mineCount, minePaths } from "../../static/js/mine.js";
import { statusChip } from "../../static/js/sample-tiles.js";

test("the count line says how many drawings this browser saved, nothing for none", () => {
  assert.equal(mineCount(0), "");
  assert.equal(mineCount(1), "1 drawing saved from this browser");
  assert.equal(mineCount(1234), "1,234 drawings saved from this browser");
});

test("the paths name the contributor id, escaped", () => {
  const id = "4f0c2d7e-1b7a-4c1e-9a51-0d6f3c2b8e11";
  assert.deepEqual(minePaths(id), {
    list: `/api/contributors/${id}/samples?limit=24`,
    download: `/api/contributors/${id}/samples/export?format=ndjson`,
    forget: `/api/contributors/${id}`,
  });
  assert.equal(minePaths("a/b").forget, "/api/contributors/a%2Fb");
});

test("one's own drawing says where moderation left it", () => {
  assert.deepEqual(statusChip("accepted"), ["accepted", "chip-ok"]);
  assert.deepEqual(statusChip("flagged"), ["waiting for review", "chip-warn"]);
  assert.deepEqual(statusChip("rejected"), ["rejected", "chip-danger"]);
  assert.deepEqual(statusChip(null), ["not checked yet", "chip-muted"]);
});
