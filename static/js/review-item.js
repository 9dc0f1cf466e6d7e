/**
 * review-item.js: one drawing in the review queue (review.js). The 28x28 image the model
 * saw, its label beside the live prediction, how far moderation trusts the label, and
 * why it doubts it (`review.reasons`, one a line); then Accept, Reject and Relabel (the
 * digits 0 to 9) for pointer and touch, each showing its key. The queue says what a
 * decision does (`decide(action)`) and which drawing is current.
 */

import { button, el } from "./dom.js";
import { isNumber, probability } from "./format.js";
import { digitButtons, predictionChip, tileImage, tileMeta } from "./sample-tiles.js";

/** How far the label is trusted (0..1) in words: "trust 12%". */
export const trustText = (trust) =>
  isNumber(trust) ? `trust ${probability(trust)}` : "trust not scored";

/** The reasons moderation gave, or what to say when it gave none. */
export function reasonsOf(sample) {
  const reasons = sample.review?.reasons ?? [];
  return reasons.length ? reasons : ["No reason given."];
}

/**
 * What a screen reader says as the drawing becomes current, the `position`th of
 * `total`: its id, label, trust and the first reason.
 */
export function itemSummary(sample, position, total) {
  const trust = trustText(sample.review?.trust);
  const why = reasonsOf(sample)[0].replace(/\.$/, "");
  return `Drawing #${sample.id}, labelled ${sample.label}, ${trust}: ${why}. ${position} of ${total}.`;
}

/** A button with its key beside its text (the key hidden from screen readers). */
function keyed(text, key, className, testId) {
  const b = button(text, className, testId);
  const hint = el("kbd", null, key);
  hint.setAttribute("aria-hidden", "true");
  b.append(hint);
  b.setAttribute("aria-keyshortcuts", key);
  return b;
}

export class ReviewItem {
  /** `sample`: an item of GET /api/samples?status=flagged (admin, with its review). */
  constructor(sample, { decide }) {
    this.sample = sample;
    this.decide = decide;
    this.busy = false;

    const label = el("span", "tile-label", String(sample.label));
    label.dataset.testid = "label";
    label.title = "Label";
    const [read, kind] = predictionChip(sample);
    const trust = sample.review?.trust;
    const bar = el("span", "review-trust-bar", el("span"));
    bar.style.setProperty("--p", isNumber(trust) ? trust.toFixed(3) : "0");
    bar.setAttribute("aria-hidden", "true");
    const trustLine = el("span", "review-trust", trustText(trust), bar);
    trustLine.dataset.testid = "trust";
    const reading = el("p", "tile-reading", label, el("span", `chip ${kind}`, read));

    const reasons = el("ul", "review-reasons");
    reasons.setAttribute("aria-label", "Why it is flagged");
    reasons.dataset.testid = "reasons";
    for (const reason of reasonsOf(sample)) reasons.append(el("li", null, reason));

    const accept = keyed("Accept", "A", "btn btn-small review-accept", "review-accept");
    accept.addEventListener("click", () => this.decide({ kind: "accept" }));
    const reject = keyed("Reject", "R", "btn btn-small btn-danger-quiet", "review-reject");
    reject.addEventListener("click", () => this.decide({ kind: "reject" }));
    const relabel = keyed("Relabel", "0–9", "btn btn-small", "review-relabel");
    relabel.setAttribute("aria-keyshortcuts", "0 1 2 3 4 5 6 7 8 9");
    relabel.setAttribute("aria-expanded", "false");
    relabel.addEventListener("click", () =>
      this.relabelling ? this.closeRelabel() : this.openRelabel(),
    );
    this.relabelButton = relabel;
    this.digits = el("div", "review-digits");
    this.digits.hidden = true;

    const facts = el("div", "review-facts", reading, trustLine, tileMeta(sample));
    const actions = el("div", "review-actions", accept, reject, relabel);
    this.node = el(
      "li",
      "review-item",
      tileImage(sample, "review-image"),
      facts,
      reasons,
      el("div", "review-buttons", actions, this.digits),
    );
    this.node.tabIndex = -1;
    this.node.dataset.testid = "review-item";
    this.node.dataset.sampleId = String(sample.id);
    this.node.dataset.label = String(sample.label);
  }

  /** Whether the digits to relabel with are open. */
  get relabelling() {
    return !this.digits.hidden;
  }

  openRelabel() {
    const name = `New label for drawing #${this.sample.id}`;
    const pick = (label) => this.decide({ kind: "relabel", label });
    this.digits.replaceChildren(digitButtons(this.sample.label, pick, name));
    this.digits.hidden = false;
    this.relabelButton.setAttribute("aria-expanded", "true");
    this.digits.querySelector("button:not(:disabled)")?.focus();
  }

  closeRelabel() {
    const hadFocus = this.digits.contains(document.activeElement);
    this.digits.hidden = true;
    this.digits.replaceChildren();
    this.relabelButton.setAttribute("aria-expanded", "false");
    if (hadFocus) this.node.focus();
  }

  /** Mark this drawing the current one (or not); `summary` names it when it is. */
  setCurrent(current, summary) {
    this.node.classList.toggle("is-current", current);
    this.node.tabIndex = current ? 0 : -1;
    if (current) {
      this.node.setAttribute("aria-current", "true");
      this.node.setAttribute("aria-label", summary);
    } else {
      this.node.removeAttribute("aria-current");
      this.node.removeAttribute("aria-label");
    }
  }

  /** While its decision is on its way: dimmed, its buttons disabled. */
  setBusy(busy) {
    this.busy = busy;
    this.node.classList.toggle("is-busy", busy);
    this.node.setAttribute("aria-busy", String(busy));
    for (const b of this.node.querySelectorAll(".review-actions button")) b.disabled = busy;
    for (const b of this.digits.querySelectorAll("button")) {
      b.disabled = busy || Number(b.textContent) === this.sample.label;
    }
  }
}
