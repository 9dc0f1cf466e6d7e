// What a tab keeps, and a browser that blocks storage (static/js/storage.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { keep, keepJSON, kept, keptJSON } from "../../static/js/storage.js";
import { blockedStorage, memoryStorage } from "./fakes.mjs";

test("a value is kept as a string, and forgotten when null or empty", () => {
  const store = memoryStorage();
  const storage = () => store;
  assert.equal(keep("k", 3, storage), true);
  assert.equal(kept("k", null, storage), "3");
  keep("k", "", storage);
  assert.equal(kept("k", "none", storage), "none");
  keep("j", "x", storage);
  keep("j", null, storage);
  assert.equal(store.map.size, 0);
});

test("JSON comes back only when it is what the caller expects", () => {
  const store = memoryStorage({ list: "[1,2]", bad: "{", other: '"text"' });
  const storage = () => store;
  assert.deepEqual(keptJSON("list", [], Array.isArray, storage), [1, 2]);
  assert.deepEqual(keptJSON("bad", [], Array.isArray, storage), []);
  assert.deepEqual(keptJSON("other", [], Array.isArray, storage), []);
  assert.deepEqual(keptJSON("missing", [], Array.isArray, storage), []);
  keepJSON("n", 4, storage);
  assert.equal(keptJSON("n", 0, Number.isInteger, storage), 4);
});

test("blocked storage reads as the fallback and keeps nothing", () => {
  assert.equal(kept("k", "fallback", blockedStorage), "fallback");
  assert.equal(keep("k", "v", blockedStorage), false);
  assert.equal(keepJSON("k", [1], blockedStorage), false);
  assert.equal(keptJSON("k", 0, Number.isInteger, blockedStorage), 0);
});
