/**
 * explain.js: the "Why this answer?" panel of the drawing page (#explain). Collapsed, it
 * does nothing. Open, it asks POST /explain for the drawing (on open, after each pen-up
 * and undo; never while a stroke is under way; one request at a time) and draws the
 * saliency map, the first hidden layer's most active units as 28x28 weight pictures and
 * the second layer's as bars. Colours come from CSS custom properties, so both themes work.
 */

import { api } from "./api.js";
import { contributorId } from "./contributor.js";
import { byId, el } from "./dom.js";
import { aDigit } from "./format.js";
import { paintDiverging, paintInk, rgb } from "./pixels.js";
import { Throttle } from "./throttle.js";

const UNITS = 8; // the most active units shown per layer

/** An activation as a short number: "12", "3.4". */
export const activation = (a) => (Math.abs(a) >= 10 ? a.toFixed(0) : a.toFixed(1));

/** The theme's colours for the maps, from CSS custom properties of `node`. */
function themeColours(node) {
  const style = getComputedStyle(node);
  const colour = (name, fallback) => rgb(style.getPropertyValue(name), fallback);
  return {
    neg: colour("--explain-neg", [37, 99, 235]),
    zero: colour("--explain-zero", [255, 255, 255]),
    pos: colour("--explain-pos", [220, 38, 38]),
    ink: colour("--explain-ink", [20, 24, 40]),
  };
}

/**
 * The first `UNITS` units of a layer (the server lists the most active first), each with
 * its activation as a share of the top one (0..1, for the bars).
 */
export function topUnits(layer) {
  const units = (layer || []).slice(0, UNITS);
  const peak = Math.max(1e-6, ...units.map((u) => u.activation));
  return units.map((u) => ({ ...u, share: Math.max(0, u.activation / peak).toFixed(3) }));
}

/** A first-layer unit: what it looks for (its weights) and how active it is. */
function unitPicture(u, colours) {
  const canvas = el("canvas");
  canvas.width = 28;
  canvas.height = 28;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", `What unit ${u.unit} looks for`);
  if (u.weights) paintDiverging(canvas, u.weights, colours);
  const meter = el("span", "unit-meter");
  meter.style.setProperty("--a", u.share);
  const li = el("li", "unit", canvas, meter, el("span", "unit-value", activation(u.activation)));
  li.dataset.testid = "unit";
  li.title = `Unit ${u.unit}: activation ${u.activation.toFixed(2)}`;
  return li;
}

/** A second-layer unit: its number and a bar as long as its activation. */
function unitBar(u) {
  const track = el("span", "unit-track");
  track.style.setProperty("--a", u.share);
  return el(
    "li",
    "unit-row",
    el("span", "unit-name", `#${u.unit}`),
    track,
    el("span", "unit-value", activation(u.activation)),
  );
}

export class Explainer {
  /** `pad`: the drawing pad whose drawing the panel explains. */
  constructor(pad) {
    this.pad = pad;
    this.details = byId("explain");
    this.generation = 0; // increases when strokes are removed
    this.shownRevision = -1; // the pad revision the panel shows
    this.requests = new Throttle(() => this._explain(), { onSettled: () => this._settled() });
    this.details.addEventListener("toggle", () => {
      if (this.details.open && this.pad.revision !== this.shownRevision) this.request();
    });
  }

  /** The drawing changed by `reason` (draw, penup, undo, clear). */
  changed(reason) {
    if (reason === "undo" || reason === "clear") this.generation += 1;
    if (this.pad.isEmpty) {
      this.requests.cancel();
      this.reset();
    } else if (reason === "draw") {
      if (this.shownRevision >= 0) this.details.classList.add("is-stale");
    } else if (this.details.open) {
      this.request();
    }
  }

  /** Back to the empty state (the panel stays open or closed as it is). */
  reset() {
    this.shownRevision = -1;
    this.details.classList.remove("is-stale");
    byId("explain-content").hidden = true;
    byId("explain-empty").hidden = false;
    byId("explain-caption").textContent = "";
    byId("units").replaceChildren();
    byId("units-2").replaceChildren();
  }

  /** Explain the drawing as it is now. */
  request() {
    if (!this.pad.isEmpty) this.requests.schedule({ now: true });
  }

  async _explain() {
    if (this.pad.isEmpty) return;
    this.details.classList.add("is-stale");
    const revision = this.pad.revision;
    const generation = this.generation;
    let data;
    try {
      const body = { ...this.pad.toJSON(), contributor: contributorId() };
      data = await api("/explain", { body });
    } catch {
      return; // the prediction panel reports errors; this one keeps what it shows
    }
    if (generation === this.generation && !this.pad.isEmpty) {
      this.shownRevision = revision;
      this.render(data);
    }
  }

  /** After a request: the panel is stale if the drawing changed since what it shows. */
  _settled() {
    if (this.requests.pending || this.shownRevision < 0) return;
    this.details.classList.toggle("is-stale", this.shownRevision !== this.pad.revision);
  }

  render({ digit, saliency, pixels, hidden }) {
    const colours = themeColours(this.details);
    byId("explain-empty").hidden = true;
    byId("explain-content").hidden = false;
    paintDiverging(byId("saliency"), saliency, colours);
    paintInk(byId("saliency-ink"), pixels, colours.ink);
    byId("explain-caption").textContent =
      `Red: ink here pushed the network toward ${aDigit(digit)}; blue: away from it. ` +
      "Each small square below is what one hidden unit looks for, in the same colours.";
    byId("units").replaceChildren(...topUnits(hidden[0]).map((u) => unitPicture(u, colours)));
    byId("units-2").replaceChildren(...topUnits(hidden[1]).map(unitBar));
  }
}
