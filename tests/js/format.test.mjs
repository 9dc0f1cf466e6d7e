// The page's wording of numbers, dates and digits (static/js/format.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  aDigit,
  countOf,
  formatCount,
  formatDate,
  isNumber,
  percent,
  points,
  probability,
  shortPercent,
} from "../../static/js/format.js";

test("a digit takes the article it is read with", () => {
  assert.equal(aDigit(7), "a 7");
  assert.equal(aDigit(8), "an 8");
  assert.equal(aDigit(0), "a 0");
});

test("only finite numbers are numbers", () => {
  assert.ok(isNumber(0) && isNumber(-1.5));
  for (const x of [null, undefined, Number.NaN, Number.POSITIVE_INFINITY, "1"]) {
    assert.equal(isNumber(x), false, String(x));
  }
});

test("a count takes its noun, plural unless one", () => {
  assert.equal(countOf(1, "drawing"), "1 drawing");
  assert.equal(countOf(0, "drawing"), "0 drawings");
  assert.equal(countOf(1234, "saved drawing"), `${formatCount(1234)} saved drawings`);
});

test("an accuracy has two decimals, and a dash when there is none", () => {
  assert.match(percent(0.9907), /^99[.,]07\s?%$/);
  assert.equal(percent(undefined), "–");
  assert.equal(percent(Number.NaN), "–");
});

test("a probability never reads as a false 0% or 100%", () => {
  assert.equal(probability(0), "0%");
  assert.equal(probability(0.004), "<1%");
  assert.equal(probability(0.42), "42%");
  assert.equal(probability(0.996), ">99%");
  assert.equal(probability(1), "100%");
});

test("an axis percentage shows a decimal only when it needs one", () => {
  assert.equal(shortPercent(0.9), "90%");
  assert.equal(shortPercent(0.995), "99.5%");
  assert.equal(shortPercent(1), "100%");
});

test("a change in accuracy is signed percentage points", () => {
  assert.equal(points(0.9907, 0.991), "+0.03 pts");
  assert.equal(points(0.99, 0.978), "−1.20 pts");
  assert.equal(points(0.5, 0.50001), "±0.00 pts");
});

test("a date that is missing or unreadable is a dash", () => {
  assert.equal(formatDate(undefined), "–");
  assert.equal(formatDate(null), "–");
  assert.equal(formatDate("not a date"), "–");
  assert.notEqual(formatDate("2026-11-24T10:02:00Z"), "–");
});
