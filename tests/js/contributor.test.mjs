// The contributor id: made, checked and kept (static/js/contributor.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { contributorId, isContributorId, randomId, saveKey } from "../../static/js/contributor.js";
import { blockedStorage, memoryStorage } from "./fakes.mjs";

const KEY = "digitpad.contributor";

/** A crypto without randomUUID (plain http on the LAN) whose bytes are all `byte`. */
const bytesOf = (byte) => ({ getRandomValues: (array) => array.fill(byte) });

test("without randomUUID, random bytes make a version-4 UUID", () => {
  assert.equal(randomId(bytesOf(0xff)), "ffffffff-ffff-4fff-bfff-ffffffffffff");
  assert.equal(randomId(bytesOf(0x00)), "00000000-0000-4000-8000-000000000000");
  assert.ok(isContributorId(randomId(bytesOf(0x5a))));
});

test("with randomUUID, it is used", () => {
  assert.equal(randomId({ randomUUID: () => "the-uuid" }), "the-uuid");
  assert.ok(isContributorId(randomId()), "node's own crypto");
});

test("only the ids randomId makes are contributor ids", () => {
  assert.ok(isContributorId("0f8fad5b-d9cb-469f-a165-70867728950e"));
  for (const bad of [
    null,
    "",
    "0F8FAD5B-D9CB-469F-A165-70867728950E", // upper case
    "0f8fad5b-d9cb-169f-a165-70867728950e", // version 1
    "0f8fad5b-d9cb-469f-c165-70867728950e", // another variant
    "0f8fad5b-d9cb-469f-a165-70867728950e ",
    "<script>",
  ]) {
    assert.equal(isContributorId(bad), false, String(bad));
  }
});

test("the id is made once and kept for the browser", () => {
  const store = memoryStorage();
  const storage = () => store;
  const id = contributorId(storage);
  assert.ok(isContributorId(id));
  assert.equal(store.getItem(KEY), id);
  assert.equal(contributorId(storage), id);
});

test("a kept id that is not one of ours is replaced", () => {
  const store = memoryStorage({ [KEY]: "edited by hand" });
  const id = contributorId(() => store);
  assert.ok(isContributorId(id));
  assert.equal(store.getItem(KEY), id);
});

test("with storage blocked, the id lasts as long as the page", () => {
  const id = contributorId(blockedStorage);
  assert.ok(isContributorId(id));
  assert.equal(contributorId(blockedStorage), id);
});

test("a save's key names the page, the drawing's revision and the label", () => {
  const key = saveKey(12, 7);
  assert.match(key, /^[0-9a-f-]{36}-12-7$/);
  assert.equal(saveKey(12, 7), key, "a retry sends the same key");
  assert.notEqual(saveKey(13, 7), key);
  assert.notEqual(saveKey(12, 1), key);
});
