// The model page's facts and the fine-tune's progress (static/js/versions-format.js,
// finetune.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { epochsOption, progressText } from "../../static/js/finetune.js";
import { accuracy, architecture, decisionText, trend } from "../../static/js/versions-format.js";

test("a card's accuracy on a test set, if it has one", () => {
  const card = { metrics: { mnist_test: { accuracy: 0.99 } } };
  assert.equal(accuracy(card, "mnist_test"), 0.99);
  assert.equal(accuracy(card, "contrib_test"), undefined);
  assert.equal(accuracy(undefined, "mnist_test"), undefined);
});

test("the architecture names the layers, and how many networks are read together", () => {
  assert.equal(architecture({ architecture: { sizes: [784, 128, 10] } }), "784 → 128 → 10");
  assert.equal(
    architecture({ architecture: { sizes: [784, 256, 128, 10], networks: 5 } }),
    "5 × 784 → 256 → 128 → 10",
  );
  assert.equal(
    architecture({
      architecture: {
        sizes: [784, 10],
        networks: 2,
        trajectory: { sizes: [160, 8, 10], networks: 1, weight: 0.3 },
      },
    }),
    "2 × 784-10 + 160-8-10 (pen's path)",
  );
  assert.equal(architecture({}), "–");
});

test("a score's trend ignores changes below 0.005 points", () => {
  assert.equal(trend(0.99, 0.991), "is-up");
  assert.equal(trend(0.99, 0.98), "is-down");
  assert.equal(trend(0.99, 0.99004), "is-flat");
});

test("a decision in words, including one this page does not know", () => {
  assert.equal(decisionText("kept previous"), "Kept previous");
  assert.equal(decisionText("activated"), "Activated");
  assert.equal(decisionText("postponed"), "postponed");
});

test("a job's progress in words", () => {
  const progress = { stage: "fine_tuning", epoch: 2, epochs: 5, loss: 0.123456 };
  assert.equal(progressText("running", progress), "fine tuning · epoch 2 of 5 · loss 0.1235");
  assert.equal(progressText("running", {}), "starting…");
  assert.equal(progressText("failed", undefined), "");
});

test("the epochs field: empty for the default, else a whole number of at least 1", () => {
  assert.deepEqual(epochsOption(""), {});
  assert.deepEqual(epochsOption(" 3 "), { epochs: 3 });
  assert.match(epochsOption("0").error, /at least 1/);
  assert.match(epochsOption("2.5").error, /whole number/);
  assert.match(epochsOption("many").error, /whole number/);
});
