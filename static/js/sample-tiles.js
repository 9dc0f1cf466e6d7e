/**
 * sample-tiles.js: a tile of the samples page for one drawing: the 28x28 image the
 * model saw, the label and the live prediction, where and when it came from. With an
 * admin token it offers Relabel (PATCH /api/samples/{id}) and Delete (DELETE
 * /api/samples/{id}), each asked in a panel inside the tile, its error shown there. On
 * the page of one's own drawings (`own`: the contributor id), it offers Delete alone,
 * through DELETE /api/contributors/{own}/samples/{id}, with no token, and says where
 * moderation left the drawing (its status). The image, the meta line and the digit
 * buttons are shared with the review queue (review-item.js).
 */

import { adminApi, api } from "./api.js";
import { button, el } from "./dom.js";
import { aDigit, formatDate } from "./format.js";
import { showSaved } from "./toasts.js";

/** True when a live prediction was made and was not the label. */
export const isWrong = (s) =>
  s.predicted !== null && s.predicted !== undefined && s.predicted !== s.label;

/** The chip saying how the drawing was read live: [text, CSS class]. */
export function predictionChip(sample) {
  if (sample.predicted === null || sample.predicted === undefined) {
    return ["no prediction", "chip-muted"];
  }
  return [`read as ${sample.predicted}`, isWrong(sample) ? "chip-danger" : "chip-ok"];
}

/** Where a digit of a contributed number sits in it ("digit 2 of number #12"), or "". */
export function numberPlace(sample) {
  if (sample.number_id === null || sample.number_id === undefined) return "";
  return `digit ${sample.number_position + 1} of number #${sample.number_id}`;
}

/** A drawing's moderation status in words: [text, CSS class], for its owner. */
export function statusChip(status) {
  if (status === "accepted") return ["accepted", "chip-ok"];
  if (status === "flagged") return ["waiting for review", "chip-warn"];
  if (status === "rejected") return ["rejected", "chip-danger"];
  return ["not checked yet", "chip-muted"]; // null: moderation has not scored it yet
}

/** The 28x28 image the model saw, scaled up pixel for pixel by CSS. */
export function tileImage(sample, className = "tile-image") {
  const image = el("img", className);
  image.width = 28;
  image.height = 28;
  image.decoding = "async";
  image.src = sample.image_url;
  image.alt = `${aDigit(sample.label)}, 28 × 28 pixels as the model saw it`;
  return image;
}

/** The small print under a drawing: its id, number, source and when it was saved. */
export function tileMeta(sample) {
  const meta = el("p", "tile-meta", el("span", "tile-id", `#${sample.id}`));
  const place = numberPlace(sample);
  if (place) meta.append(el("span", "tile-number", place));
  if (sample.source) meta.append(el("span", null, sample.source));
  const time = el("time", null, formatDate(sample.created_at));
  time.dateTime = sample.created_at;
  meta.append(time);
  return meta;
}

/** Buttons 0 to 9 that call `pick(digit)`, the drawing's `label` disabled. */
export function digitButtons(label, pick, name) {
  const digits = el("div", "tile-digits");
  digits.setAttribute("role", "group");
  digits.setAttribute("aria-label", name);
  for (let d = 0; d < 10; d += 1) {
    const b = button(String(d), "btn btn-small", `relabel-${d}`);
    b.disabled = d === label;
    b.addEventListener("click", () => pick(d));
    digits.append(b);
  }
  return digits;
}

export class SampleTile {
  /**
   * `sample`: an item of GET /api/samples. `token()`: the admin token typed on the page;
   * `onRelabelled(tile)` and `onGone(tile)` (deleted, or found gone) tell the page.
   * `own`: the contributor id whose drawing this is, on the page of their drawings.
   */
  constructor(sample, { token = () => "", onRelabelled = () => {}, onGone, own = null }) {
    this.sample = sample;
    this.own = own;
    this.token = token;
    this.onRelabelled = onRelabelled;
    this.onGone = onGone;

    this.image = tileImage(sample);
    const meta = tileMeta(sample);
    this.reading = el("p", "tile-reading");

    const relabel = button("Relabel", "btn btn-small", "relabel");
    relabel.addEventListener("click", () => this.openRelabel());
    relabel.hidden = Boolean(own);
    const remove = button("Delete", "btn btn-small btn-danger-quiet", "delete");
    remove.addEventListener("click", () => this.openDelete());
    this.actions = el("div", "tile-actions", relabel, remove);
    this.panel = el("div", "tile-panel");
    this.panel.hidden = true;
    this.error = el("p", "tile-error");
    this.error.setAttribute("role", "alert");
    this.error.dataset.testid = "tile-error";
    this.error.hidden = true;

    const body = el("div", "tile-body", this.reading, meta);
    if (own) body.append(this.statusLine());
    this.node = el("li", "tile", this.image, body, this.actions, this.panel, this.error);
    this.node.dataset.testid = "tile";
    this.node.dataset.sampleId = String(sample.id);
    if (own) this.node.dataset.status = sample.status ?? "";
    this.fillReading();
    this.showActions();
  }

  /** Show the label and the prediction as they are now. */
  fillReading() {
    const { sample, node } = this;
    node.dataset.label = String(sample.label);
    node.dataset.predicted = sample.predicted ?? "";
    node.classList.toggle("is-wrong", isWrong(sample));
    const [text, kind] = predictionChip(sample);
    const prediction = el("span", `chip ${kind}`, text);
    prediction.dataset.testid = "predicted";
    if (kind === "chip-danger") prediction.title = "The live prediction was wrong";
    const label = el("span", "tile-label", String(sample.label));
    label.dataset.testid = "label";
    label.title = "Label";
    this.reading.replaceChildren(label, prediction);
    this.image.alt = `${aDigit(sample.label)}, 28 × 28 pixels as the model saw it`;
  }

  /** Where moderation left one's own drawing, as a chip. */
  statusLine() {
    const [text, kind] = statusChip(this.sample.status);
    const chip = el("span", `chip ${kind}`, text);
    chip.dataset.testid = "status";
    return el("p", "tile-status", chip);
  }

  /** Offer the actions while there is a token (or the drawing is one's own) and no
   * question is open. */
  showActions() {
    if (this.panel.hidden) this.actions.hidden = !(this.own || this.token());
  }

  setError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
  }

  openPanel(...children) {
    this.setError("");
    this.panel.replaceChildren(...children);
    this.panel.hidden = false;
    this.actions.hidden = true;
    this.panel.querySelector("button")?.focus();
  }

  closePanel() {
    this.panel.hidden = true;
    this.panel.replaceChildren();
    this.showActions();
  }

  setBusy(busy) {
    this.node.classList.toggle("is-busy", busy);
    for (const b of this.panel.querySelectorAll("button")) b.disabled = busy;
  }

  cancelButton(testId) {
    const cancel = button("Cancel", "btn btn-small btn-quiet", testId);
    cancel.addEventListener("click", () => this.closePanel());
    return cancel;
  }

  openRelabel() {
    const name = `New label for drawing #${this.sample.id}`;
    const digits = digitButtons(this.sample.label, (d) => this.relabel(d), name);
    this.openPanel(el("p", "tile-question", "New label:"), digits, this.cancelButton());
  }

  openDelete() {
    const confirm = button("Delete", "btn btn-small btn-danger", "confirm-delete");
    confirm.addEventListener("click", () => this.remove());
    const choice = el("div", "tile-confirm", confirm, this.cancelButton("cancel-delete"));
    this.openPanel(el("p", "tile-question", "Delete this drawing?"), choice);
  }

  /** Send the open panel's request; false (error shown) when it failed. */
  async request(method, body) {
    this.setBusy(true);
    try {
      if (this.own) {
        return await api(`/api/contributors/${this.own}/samples/${this.sample.id}`, { method });
      }
      return await adminApi(this.token(), `/api/samples/${this.sample.id}`, { method, body });
    } catch (error) {
      this.setBusy(false);
      this.closePanel();
      this.setError(error.message);
      if (error.status === 404) this.onGone(this); // already gone
      return false;
    }
  }

  async relabel(digit) {
    const updated = await this.request("PATCH", { label: digit });
    if (!updated) return;
    Object.assign(this.sample, updated);
    this.closePanel();
    this.fillReading();
    showSaved(`Drawing #${this.sample.id} is now labelled ${digit}.`);
    this.onRelabelled(this);
  }

  async remove() {
    if ((await this.request("DELETE")) === false) return;
    showSaved(`Drawing #${this.sample.id} deleted.`);
    this.onGone(this);
  }
}
