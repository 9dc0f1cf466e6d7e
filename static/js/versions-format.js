/**
 * versions-format.js: how the model page shows a version's facts: its accuracies, its
 * architecture, a fine-tune's scores before and after, and its decision.
 */

import { el } from "./dom.js";
import { isNumber, percent, points } from "./format.js";

/** A card's accuracy on `set` ("mnist_test", "contrib_test", "unipen_test"), or undefined. */
export const accuracy = (card, set) => card?.metrics?.[set]?.accuracy;

/** "784 → 256 → 128 → 10", "5 × 784 → ..." for networks read together, and
 * "5 × 784-256-128-10 + 5 × 160-256-128-10 (pen's path)" with trajectory networks;
 * "–" if unknown. */
export function architecture(card) {
  const sizes = card?.architecture?.sizes;
  if (!Array.isArray(sizes) || !sizes.length) return "–";
  const paths = card.architecture.trajectory;
  const joiner = Array.isArray(paths?.sizes) ? "-" : " → ";
  const layers = (count, s) => (count > 1 ? `${count} × ` : "") + s.join(joiner);
  const images = layers(card.architecture.networks, sizes);
  if (joiner === " → ") return images;
  return `${images} + ${layers(paths.networks, paths.sizes)} (pen's path)`;
}

/** Whether a score went "is-up", "is-down" or stayed "is-flat" (to 0.005 points). */
export function trend(before, after) {
  const d = after - before;
  return d > 0.00005 ? "is-up" : d < -0.00005 ? "is-down" : "is-flat";
}

/** "MNIST 99.07% → 99.10% +0.03 pts": a fine-tune's score on one test set, or null. */
export function beforeAfter(label, before, after) {
  if (!isNumber(before) || !isNumber(after)) return null;
  return el(
    "span",
    "ba",
    el("span", "ba-label", label),
    el("span", "ba-values", `${percent(before)} → ${percent(after)}`),
    el("span", `ba-delta ${trend(before, after)}`, points(before, after)),
  );
}

/** A fine-tune's scores on both test sets (`ft` has `before` and `after` metrics). */
export const scores = (ft) => [
  beforeAfter("MNIST", ft.before?.mnist_test, ft.after?.mnist_test),
  beforeAfter("Yours", ft.before?.contrib_test, ft.after?.contrib_test),
];

const DECISIONS = {
  activated: ["Activated", "chip-ok", "It beat its parent, so it went live."],
  "kept previous": [
    "Kept previous",
    "chip-muted",
    "It did not beat its parent, so the parent stayed live.",
  ],
  forced: ["Forced", "chip-warn", "Activated on request, whatever the scores."],
};

/** A fine-tune's decision in words: "Activated", "Kept previous", ... */
export const decisionText = (decision) => DECISIONS[decision]?.[0] || String(decision);

/** A fine-tune's decision as a chip; its title says why (the card's reason if given). */
export function decisionChip(decision, reason) {
  if (!decision) return null;
  const [, kind, title] = DECISIONS[decision] || [decision, "chip-muted", ""];
  const chip = el("span", `chip ${kind}`, decisionText(decision));
  if (reason || title) chip.title = reason || title;
  return chip;
}

/** A table cell with an accuracy, or a faint dash. */
export const accuracyCell = (x) =>
  el("td", "num", isNumber(x) ? percent(x) : el("span", "faint", "–"));
