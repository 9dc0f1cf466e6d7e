// The pad's limits and shortcuts, and the bars' lengths (static/js/widgets.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { barLength, isApple, padLimits, padShortcut } from "../../static/js/widgets.js";

test("the pad takes the server's limits, or the defaults for missing or bad ones", () => {
  assert.deepEqual(padLimits({ maxStrokes: "50", maxPoints: "800", maxPointsPerStroke: "300" }), {
    maxStrokes: 50,
    maxPoints: 800,
    maxPointsPerStroke: 300,
  });
  assert.deepEqual(padLimits({ maxStrokes: "0", maxPoints: "lots" }), {
    maxStrokes: 100,
    maxPoints: 10000,
    maxPointsPerStroke: 10000,
  });
});

const key = (k, mods = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

test("Ctrl or ⌘ with Z undoes; Escape and Delete clear; nothing else is the pad's", () => {
  assert.equal(padShortcut(key("z", { ctrlKey: true })), "undo");
  assert.equal(padShortcut(key("Z", { metaKey: true })), "undo");
  assert.equal(padShortcut(key("z", { ctrlKey: true, shiftKey: true })), null, "redo");
  assert.equal(padShortcut(key("z", { ctrlKey: true, altKey: true })), null);
  assert.equal(padShortcut(key("Escape")), "clear");
  assert.equal(padShortcut(key("Delete")), "clear");
  assert.equal(padShortcut(key("Escape", { ctrlKey: true })), null);
  assert.equal(padShortcut(key("z")), null);
  assert.equal(padShortcut(key("7")), null);
});

test("Apple devices are told by their platform", () => {
  assert.ok(isApple("MacIntel") && isApple("iPhone") && isApple("macOS"));
  assert.equal(isApple("Win32"), false);
  assert.equal(isApple(undefined), false);
});

test("a bar's length stays within 0..1", () => {
  assert.equal(barLength(0.5), "0.5000");
  assert.equal(barLength(1.2), "1.0000");
  assert.equal(barLength(-0.1), "0.0000");
  assert.equal(barLength(undefined), "0.0000");
});
