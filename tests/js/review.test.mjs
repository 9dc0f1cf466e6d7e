// The review queue's keys, its moves and its wording (static/js/review-keys.js,
// review-item.js, review.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiError } from "../../static/js/api.js";
import { decisionText, queueCount, reviewErrorText } from "../../static/js/review.js";
import { itemSummary, reasonsOf, trustText } from "../../static/js/review-item.js";
import {
  decisionBody,
  indexAfterRemoval,
  isDecision,
  movedIndex,
  reviewAction,
} from "../../static/js/review-keys.js";

const key = (k, extra = {}) => reviewAction({ key: k, ...extra });

test("a and r decide, a digit relabels, and case does not matter", () => {
  assert.deepEqual(key("a"), { kind: "accept" });
  assert.deepEqual(key("A"), { kind: "accept" });
  assert.deepEqual(key("r"), { kind: "reject" });
  assert.deepEqual(key("R"), { kind: "reject" });
  for (let d = 0; d < 10; d += 1) assert.deepEqual(key(String(d)), { kind: "relabel", label: d });
  for (const k of ["a", "r", "7"]) assert.ok(isDecision(key(k)));
});

test("arrows and j, k move; Home and End jump; Escape leaves", () => {
  for (const k of ["ArrowDown", "ArrowRight", "j", "J"])
    assert.deepEqual(key(k), { kind: "move", by: 1 });
  for (const k of ["ArrowUp", "ArrowLeft", "k", "K"])
    assert.deepEqual(key(k), { kind: "move", by: -1 });
  assert.deepEqual(key("Home"), { kind: "first" });
  assert.deepEqual(key("End"), { kind: "last" });
  assert.deepEqual(key("Escape"), { kind: "close" });
  for (const k of ["j", "Home", "Escape"]) assert.equal(isDecision(key(k)), false);
  assert.equal(isDecision(null), false);
});

test("other keys, the browser's shortcuts and a held key's repeats do nothing", () => {
  for (const k of ["x", "Enter", " ", "Tab", "F5", "10", "ArrowDownx"]) assert.equal(key(k), null);
  assert.equal(key("r", { ctrlKey: true }), null); // reload
  assert.equal(key("a", { metaKey: true }), null); // select all
  assert.equal(key("1", { altKey: true }), null);
  assert.equal(key("a", { repeat: true }), null);
  assert.equal(key("3", { repeat: true }), null);
  assert.deepEqual(key("j", { repeat: true }), { kind: "move", by: 1 }); // moving may repeat
});

test("each decision is the PATCH body the server takes", () => {
  assert.deepEqual(decisionBody({ kind: "accept" }), { status: "accepted" });
  assert.deepEqual(decisionBody({ kind: "reject" }), { status: "rejected" });
  assert.deepEqual(decisionBody({ kind: "relabel", label: 0 }), { label: 0 });
});

test("moves stay within the queue", () => {
  const down = { kind: "move", by: 1 };
  const up = { kind: "move", by: -1 };
  assert.equal(movedIndex(0, down, 3), 1);
  assert.equal(movedIndex(2, down, 3), 2);
  assert.equal(movedIndex(0, up, 3), 0);
  assert.equal(movedIndex(2, up, 3), 1);
  assert.equal(movedIndex(1, { kind: "first" }, 3), 0);
  assert.equal(movedIndex(0, { kind: "last" }, 3), 2);
  assert.equal(movedIndex(-1, down, 0), -1);
});

test("after a decision the next drawing takes the current one's place", () => {
  assert.equal(indexAfterRemoval(0, 0, 2), 0); // the first decided: the next is now first
  assert.equal(indexAfterRemoval(1, 1, 2), 1);
  assert.equal(indexAfterRemoval(2, 2, 2), 1); // the last decided: the one before
  assert.equal(indexAfterRemoval(2, 0, 3), 1); // one above left: the current one moves up
  assert.equal(indexAfterRemoval(0, 2, 3), 0); // one below left: nothing moves
  assert.equal(indexAfterRemoval(0, 0, 0), -1); // the queue is empty
});

test("a drawing's trust, reasons and summary", () => {
  const sample = {
    id: 12,
    label: 8,
    review: { trust: 0.12, reasons: ["the model reads 1, giving 8 only 0.0%", "record 67%"] },
  };
  assert.equal(trustText(0.12), "trust 12%");
  assert.equal(trustText(0.001), "trust <1%");
  assert.equal(trustText(null), "trust not scored");
  assert.deepEqual(reasonsOf(sample), sample.review.reasons);
  assert.deepEqual(reasonsOf({ review: null }), ["No reason given."]);
  assert.equal(
    itemSummary(sample, 1, 3),
    "Drawing #12, labelled 8, trust 12%: the model reads 1, giving 8 only 0.0%. 1 of 3.",
  );
  assert.equal(
    itemSummary({ id: 3, label: 1, review: null }, 2, 2),
    "Drawing #3, labelled 1, trust not scored: No reason given. 2 of 2.",
  );
});

test("the queue says how many are listed and what was decided", () => {
  assert.equal(queueCount(0, false), "No flagged drawings.");
  assert.equal(queueCount(0, true), "");
  assert.equal(queueCount(1, false), "1 flagged drawing.");
  assert.equal(queueCount(50, true), "50 flagged drawings listed, more after them.");
  const sample = { id: 7, label: 8 };
  assert.equal(decisionText(sample, { kind: "accept" }), "Drawing #7 accepted as 8.");
  assert.equal(decisionText(sample, { kind: "reject" }), "Drawing #7 rejected.");
  assert.equal(
    decisionText(sample, { kind: "relabel", label: 1 }),
    "Drawing #7 relabelled 1 and accepted.",
  );
  assert.equal(decisionText(sample, { kind: "relabel", label: 8 }), "Drawing #7 accepted as 8.");
});

test("a wrong token is said plainly; other errors keep the server's words", () => {
  const wrong = new ApiError("expected the header Authorization: Bearer <admin token>", 401);
  assert.equal(reviewErrorText(wrong), "the admin token is wrong. Check it and try again.");
  const off = new ApiError("admin requests are disabled: DIGITPAD_ADMIN_TOKEN is not set", 403);
  assert.equal(reviewErrorText(off), off.message);
  const offline = new ApiError("Can't reach the server. Check the connection and try again.", 0);
  assert.equal(reviewErrorText(offline), offline.message);
});
