/**
 * versions-format.js: how the model page shows a version's facts: dates, accuracies,
 * the change between two of them, the architecture, a fine-tune's decision.
 */

import { el, isNumber, percent } from "./common.js";

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** The change from `before` to `after` (0..1) in percentage points: "+1.20 pts". */
export function points(before, after) {
  const d = (after - before) * 100;
  const sign = d > 0.005 ? "+" : d < -0.005 ? "−" : "±";
  return `${sign}${Math.abs(d).toFixed(2)} pts`;
}

export function formatDate(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "–" : dateFormat.format(date);
}

/** A card's accuracy on `set` ("mnist_test", "contrib_test"), or undefined. */
export const accuracy = (card, set) => card?.metrics?.[set]?.accuracy;

/** "784 → 256 → 128 → 10", or "5 × 784 → ..." for networks read together. */
export const architecture = (card) => {
  const sizes = card?.architecture?.sizes;
  if (!Array.isArray(sizes) || !sizes.length) return "–";
  const networks = card.architecture.networks;
  return (networks > 1 ? `${networks} × ` : "") + sizes.join(" → ");
};

const DECISIONS = {
  activated: ["Activated", "chip-ok", "It beat its parent, so it went live."],
  "kept previous": ["Kept previous", "chip-muted", "It did not beat its parent, so the parent stayed live."],
  forced: ["Forced", "chip-warn", "Activated on request, whatever the scores."],
};

/** A fine-tune's decision as a chip; its title says why (the card's reason if given). */
export function decisionChip(decision, reason) {
  if (!decision) return null;
  const [text, kind, title] = DECISIONS[decision] || [decision, "chip-muted", ""];
  const chip = el("span", `chip ${kind}`, text);
  if (reason || title) chip.title = reason || title;
  return chip;
}

/** A table cell with an accuracy, or a faint dash. */
export const accuracyCell = (x) => el("td", "num", isNumber(x) ? percent(x) : el("span", "faint", "–"));
