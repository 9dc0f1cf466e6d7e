/**
 * explain.js: the "Why this answer?" panel of the drawing page. Collapsed, it does
 * nothing. Open, it asks POST /explain for the drawing (on open, after each pen-up and
 * undo; never while a stroke is under way; at most one request in flight) and draws the
 * saliency map, the first hidden layer's most active units as 28x28 weight pictures and
 * the second layer's as bars. Colours come from CSS custom properties, so both themes work.
 */

import { aDigit, api, contributorId } from "./common.js";

const UNITS = 8;

/** "#rrggbb" or "rgb(r, g, b)" as [r, g, b]; `fallback` when unreadable. */
function rgb(value, fallback) {
  const v = value.trim();
  let m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(v);
  if (m) return m.slice(1).map((h) => Number.parseInt(h, 16));
  m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(v);
  return m ? m.slice(1, 4).map(Number) : fallback;
}

/** The diverging colour map of the theme: negative, zero, positive. */
function palette(el) {
  const style = getComputedStyle(el);
  return {
    neg: rgb(style.getPropertyValue("--explain-neg"), [37, 99, 235]),
    zero: rgb(style.getPropertyValue("--explain-zero"), [255, 255, 255]),
    pos: rgb(style.getPropertyValue("--explain-pos"), [220, 38, 38]),
  };
}

/** Paint a 28x28 grid of values in [-1, 1] on `canvas` with the diverging map. */
export function paintDiverging(canvas, grid, colours) {
  const h = grid.length;
  const w = grid[0].length;
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(w, h);
  for (let y = 0; y < h; y += 1) {
    for (let x = 0; x < w; x += 1) {
      const v = Math.max(-1, Math.min(1, Number(grid[y][x]) || 0));
      const end = v < 0 ? colours.neg : colours.pos;
      const t = Math.abs(v) ** 0.7; // small values stay visible, strong ones stand out
      const i = (y * w + x) * 4;
      for (let c = 0; c < 3; c += 1) image.data[i + c] = colours.zero[c] + (end[c] - colours.zero[c]) * t;
      image.data[i + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
}

/** The input's ink as a translucent shade over the saliency map. */
function paintInk(canvas, pixels, ink) {
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(28, 28);
  for (let y = 0; y < 28; y += 1) {
    for (let x = 0; x < 28; x += 1) {
      const v = Math.max(0, Math.min(1, Number(pixels[y]?.[x]) || 0));
      const i = (y * 28 + x) * 4;
      image.data.set([...ink, Math.round(90 * v)], i);
    }
  }
  ctx.putImageData(image, 0, 0);
}

const format = (a) => (Math.abs(a) >= 10 ? a.toFixed(0) : a.toFixed(1));

export class Explainer {
  /** `details`: the panel's <details> element; `pad`: the drawing pad. */
  constructor(details, pad) {
    this.details = details;
    this.pad = pad;
    this.inFlight = false;
    this.wanted = false;
    this.generation = 0; // increases when strokes are removed
    this.shownRevision = -1; // the pad revision the panel shows
    this.empty = details.querySelector(".explain-empty");
    this.content = details.querySelector(".explain-content");
    this.saliency = details.querySelector('[data-testid="saliency"]');
    this.ink = details.querySelector(".saliency-ink");
    this.caption = details.querySelector(".explain-caption");
    this.units = details.querySelector(".units");
    this.units2 = details.querySelector(".units-2");
    details.addEventListener("toggle", () => {
      if (details.open && this.pad.revision !== this.shownRevision) this.request();
    });
  }

  /** The drawing changed by `reason` (draw, penup, undo, clear). */
  changed(reason) {
    if (reason === "undo" || reason === "clear") this.generation += 1;
    if (this.pad.isEmpty) {
      this.wanted = false;
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
    this.content.hidden = true;
    this.empty.hidden = false;
    this.caption.textContent = "";
    this.units.replaceChildren();
    this.units2.replaceChildren();
  }

  request() {
    if (this.pad.isEmpty) return;
    this.wanted = true;
    this._send();
  }

  async _send() {
    if (this.inFlight || !this.wanted || this.pad.isEmpty) return;
    this.wanted = false;
    this.inFlight = true;
    this.details.classList.add("is-stale");
    const revision = this.pad.revision;
    const generation = this.generation;
    let data = null;
    try {
      data = await api("/explain", { body: { ...this.pad.toJSON(), contributor: contributorId() } });
    } catch {
      // the prediction panel reports errors; this one just keeps what it shows
    }
    this.inFlight = false;
    if (data && generation === this.generation && !this.pad.isEmpty) {
      this.shownRevision = revision;
      this.render(data);
    }
    if (this.wanted) this._send();
    else this.details.classList.toggle("is-stale", this.shownRevision !== this.pad.revision);
  }

  render(data) {
    const colours = palette(this.details);
    const { digit, saliency, pixels, hidden } = data;
    this.empty.hidden = true;
    this.content.hidden = false;
    paintDiverging(this.saliency, saliency, colours);
    const ink = rgb(getComputedStyle(this.details).getPropertyValue("--explain-ink"), [20, 24, 40]);
    paintInk(this.ink, pixels, ink);
    this.caption.textContent =
      `Red: ink here pushed the network toward ${aDigit(digit)}; blue: away from it. ` +
      "Each small square below is what one hidden unit looks for, in the same colours.";

    const first = (hidden[0] || []).slice(0, UNITS);
    const peak = Math.max(1e-6, ...first.map((u) => u.activation));
    this.units.replaceChildren(
      ...first.map((u) => {
        const li = document.createElement("li");
        li.className = "unit";
        li.dataset.testid = "unit";
        li.title = `Unit ${u.unit}: activation ${u.activation.toFixed(2)}`;
        const canvas = document.createElement("canvas");
        canvas.width = 28;
        canvas.height = 28;
        canvas.setAttribute("role", "img");
        canvas.setAttribute("aria-label", `What unit ${u.unit} looks for`);
        if (u.weights) paintDiverging(canvas, u.weights, colours);
        const meter = document.createElement("span");
        meter.className = "unit-meter";
        meter.style.setProperty("--a", Math.max(0, u.activation / peak).toFixed(3));
        const value = document.createElement("span");
        value.className = "unit-value";
        value.textContent = format(u.activation);
        li.append(canvas, meter, value);
        return li;
      }),
    );

    const second = (hidden[1] || []).slice(0, UNITS);
    const peak2 = Math.max(1e-6, ...second.map((u) => u.activation));
    this.units2.replaceChildren(
      ...second.map((u) => {
        const li = document.createElement("li");
        li.className = "unit-row";
        const name = document.createElement("span");
        name.className = "unit-name";
        name.textContent = `#${u.unit}`;
        const track = document.createElement("span");
        track.className = "unit-track";
        track.style.setProperty("--a", Math.max(0, u.activation / peak2).toFixed(3));
        const value = document.createElement("span");
        value.className = "unit-value";
        value.textContent = format(u.activation);
        li.append(name, track, value);
        return li;
      }),
    );
  }
}
