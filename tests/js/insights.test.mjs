// The insights page's numbers (static/js/insights.js, confusion.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { mistakesNote, shades } from "../../static/js/confusion.js";
import { perDigit } from "../../static/js/insights.js";

/** A 10x10 confusion matrix with `diag` right answers per digit and extra `cells`. */
function matrix(diag, cells = {}) {
  return Array.from({ length: 10 }, (_, t) =>
    Array.from({ length: 10 }, (_, p) => cells[`${t}${p}`] ?? (t === p ? diag : 0)),
  );
}

test("a digit without examples has no accuracy rather than 0", () => {
  const cm = matrix(10);
  cm[4][4] = 0;
  const accuracies = Array.from({ length: 10 }, (_, d) => (d === 4 ? 0 : 1));
  const values = perDigit({ per_class_accuracy: accuracies, confusion_matrix: cm });
  assert.equal(values[4], null);
  assert.equal(values[3], 1);
  assert.equal(perDigit(undefined), null);
});

test("cells are shaded against their kind: right answers, or mistakes", () => {
  const shade = shades(matrix(100, { "00": 25, 35: 4, 53: 1 }));
  assert.equal(shade[1][1], 1);
  assert.equal(shade[0][0], 0.5, "square root of a quarter");
  assert.equal(shade[3][5], 1, "the most mistakes");
  assert.equal(shade[5][3], 0.5, "a handful still shows");
  assert.equal(shade[2][7], 0);
});

test("the note above a cell's images says whose labels and which model", () => {
  assert.equal(
    mistakesNote("mnist", 4, 9, 12, 12),
    "Labelled 4 by MNIST; the active version reads 9. Its three most likely digits under each.",
  );
  assert.match(
    mistakesNote("contributed", 4, 9, 24, 30),
    /by the person who drew it.*The 24 it was surest of are shown\.$/,
  );
  assert.match(mistakesNote("baseline", 4, 9, 1, 1), /the linear model reads 9/);
  assert.match(mistakesNote("mnist", 4, 9, 0, 3), /^None any more/);
});
