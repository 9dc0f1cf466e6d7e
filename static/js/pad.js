/**
 * pad.js: a drawing surface for one digit, for mouse, finger and pen.
 *
 *   const pad = new Pad(canvas, { maxStrokes: 100, maxPoints: 10000 });
 *   pad.addEventListener("change", (e) => ...);  // e.detail.reason: draw | penup | undo | clear
 *   pad.addEventListener("penup", ...);          // a stroke ended
 *   pad.toJSON();  // {strokes: [[[x, y, t], ...], ...], canvas: {width, height}}
 *
 * Input: Pointer Events with pointer capture, one pointer at a time (a second finger is
 * ignored; a pen replaces a finger stroke under way, a resting palm), coalesced events
 * for every sample the hardware gives, predicted events to cut the visible lag. The
 * canvas needs `touch-action: none` in CSS so that a finger draws instead of scrolling
 * (set here too, and touch events are cancelled for browsers that ignore it).
 *
 * Coordinates: canvas pixels, origin top-left, y down, in a space `width` x `height`:
 * the canvas's CSS size in whole pixels when the drawing began (so the server gets
 * integers). If the canvas is resized mid-drawing (a phone turned), the points keep
 * that space and are scaled only on screen, so nothing is lost to rounding. x and y are
 * rounded to 0.1 and kept inside the canvas; t is milliseconds since the first point.
 *
 * Rendering: the backing store follows devicePixelRatio (to the exact device pixel when
 * the browser reports device-pixel-content-box), so lines are sharp on high-DPI
 * screens; strokes are inked as smooth curves (ink.js) in the canvas's CSS `color`; the
 * drawing is redrawn at most once per animation frame. The geometry is in strokes.js.
 */

import { inkStrokes } from "./ink.js";
import { backingSize, drawingPoint, keepPoint } from "./strokes.js";

const DEFAULTS = {
  maxStrokes: 100,
  maxPoints: 10000,
  maxPointsPerStroke: 2000,
  minDistance: 1, // CSS px: closer samples are dropped (the curve stays smooth)
  penRatio: 0.055, // pen diameter as a fraction of the canvas side
};

export class Pad extends EventTarget {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {Partial<typeof DEFAULTS>} options
   */
  constructor(canvas, options = {}) {
    super();
    this.canvas = canvas;
    this.options = { ...DEFAULTS, ...options };
    this.ctx = canvas.getContext("2d");
    /** @type {number[][][]} finished and active strokes, each [[x, y, t], ...] */
    this.strokes = [];
    this.pointCount = 0;
    /** Increases on every change of the drawing. */
    this.revision = 0;
    /** When false, new strokes are refused (e.g. while a drawing is being saved). */
    this.enabled = true;
    this.width = 0;
    this.height = 0;
    this._active = null; // the stroke under way: {pointerId, type, stroke, full}
    this._predicted = [];
    this._t0 = 0;
    this._frame = 0;
    this._ink = "#111";
    this._device = null; // [w, h] from device-pixel-content-box, when known
    this._css = null; // [w, h], the canvas's CSS size when last laid out

    canvas.style.touchAction = "none";
    this._bind();
    this._measure();
    this._observe();
  }

  /** True when there is nothing drawn. */
  get isEmpty() {
    return this.strokes.length === 0;
  }

  /** The drawing as the API wants it (a copy). */
  toJSON() {
    return {
      strokes: this.strokes.map((s) => s.map((p) => p.slice())),
      canvas: { width: this.width, height: this.height },
    };
  }

  /** Remove the last stroke. Returns false when there was none. */
  undo() {
    this._cancelActive();
    const last = this.strokes.pop();
    if (!last) return false;
    this.pointCount -= last.length;
    this._changed("undo");
    return true;
  }

  /** Remove everything. */
  clear() {
    this._cancelActive();
    if (this.isEmpty) return;
    this.strokes = [];
    this.pointCount = 0;
    this._changed("clear");
  }

  /** Re-read the ink colour from CSS (call after a theme change) and redraw. */
  refreshStyle() {
    this._ink = getComputedStyle(this.canvas).color || "#111";
    this._schedule();
  }

  // --- input --------------------------------------------------------------------------

  _bind() {
    const c = this.canvas;
    c.addEventListener("pointerdown", (e) => this._down(e));
    c.addEventListener("pointermove", (e) => this._move(e));
    c.addEventListener("pointerup", (e) => this._up(e));
    c.addEventListener("pointercancel", (e) => this._up(e));
    c.addEventListener("lostpointercapture", (e) => this._up(e));
    // Belt and braces for browsers that scroll despite touch-action: none.
    const stop = (e) => e.cancelable && e.preventDefault();
    c.addEventListener("touchstart", stop, { passive: false });
    c.addEventListener("touchmove", stop, { passive: false });
    c.addEventListener("contextmenu", (e) => e.preventDefault());
    c.addEventListener("dragstart", (e) => e.preventDefault());
  }

  _down(e) {
    if (!this.enabled || !e.isPrimary || e.button !== 0) return;
    if (this._active) {
      // A pen beats a finger: the touch stroke under way was a resting palm.
      if (this._active.type !== "touch" || e.pointerType !== "pen") return;
      this._dropActive();
    }
    e.preventDefault();
    if (this.strokes.length >= this.options.maxStrokes) {
      this._limit("strokes");
      return;
    }
    if (this.pointCount >= this.options.maxPoints) {
      this._limit("points");
      return;
    }
    try {
      this.canvas.setPointerCapture(e.pointerId);
    } catch {
      // capture can fail for a pointer already gone; drawing still works inside the canvas
    }
    this._rect = this.canvas.getBoundingClientRect();
    if (this.isEmpty) {
      this._t0 = e.timeStamp;
      this._resetSpace();
    }
    const stroke = [];
    this.strokes.push(stroke);
    this._active = { pointerId: e.pointerId, type: e.pointerType, stroke, full: false };
    this._add(e);
    this.dispatchEvent(new CustomEvent("pendown"));
    this._changed("draw");
  }

  _move(e) {
    const a = this._active;
    if (!a || e.pointerId !== a.pointerId) return;
    this._rect = this.canvas.getBoundingClientRect();
    const samples = e.getCoalescedEvents ? e.getCoalescedEvents() : [];
    let added = false;
    for (const s of samples.length ? samples : [e]) added = this._add(s) || added;
    this._predicted = e.getPredictedEvents ? e.getPredictedEvents().map((p) => this._point(p)) : [];
    if (added) this._changed("draw");
    else this._schedule();
  }

  _up(e) {
    const a = this._active;
    if (!a || e.pointerId !== a.pointerId) return;
    if (e.type === "pointerup") this._add(e, true);
    this._active = null;
    this._predicted = [];
    this._changed("penup");
    this.dispatchEvent(new CustomEvent("penup"));
  }

  /** The point of an event in drawing coordinates, clamped to the canvas. */
  _point(e) {
    return drawingPoint(e, this._rect, [this.width, this.height], this._t0);
  }

  /** Append an event's point to the active stroke; false when dropped. */
  _add(e, last = false) {
    const a = this._active;
    const o = this.options;
    if (a.full) return false;
    const p = this._point(e);
    const s = a.stroke;
    if (!keepPoint(s, p, o.minDistance, last)) return false;
    if (s.length >= o.maxPointsPerStroke || this.pointCount >= o.maxPoints) {
      a.full = true;
      this._limit("points");
      return false;
    }
    s.push(p);
    this.pointCount += 1;
    return true;
  }

  /** Forget the stroke under way (a palm), as if it had not been drawn. */
  _dropActive() {
    const { stroke } = this._active;
    this._cancelActive();
    const i = this.strokes.lastIndexOf(stroke);
    if (i >= 0) {
      this.strokes.splice(i, 1);
      this.pointCount -= stroke.length;
      this._changed("undo");
    }
  }

  _cancelActive() {
    if (!this._active) return;
    const id = this._active.pointerId;
    this._active = null;
    this._predicted = [];
    try {
      this.canvas.releasePointerCapture(id);
    } catch {
      // already released
    }
    this.dispatchEvent(new CustomEvent("penup"));
  }

  _limit(kind) {
    this.dispatchEvent(new CustomEvent("limit", { detail: { kind } }));
  }

  _changed(reason) {
    if (this.isEmpty) this._resetSpace();
    this.revision += 1;
    this._schedule();
    this.dispatchEvent(new CustomEvent("change", { detail: { reason } }));
  }

  // --- size and rendering -------------------------------------------------------------

  /** Follow the canvas's size: backing store in device pixels, drawing space if empty. */
  _measure() {
    const r = this.canvas.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return; // not laid out (hidden): keep everything
    this._css = [r.width, r.height];
    if (this.isEmpty || !this.width) this._resetSpace();
    const dpr = window.devicePixelRatio || 1;
    const [bw, bh] = backingSize(this._css, dpr, this._device);
    if (this.canvas.width !== bw) this.canvas.width = bw;
    if (this.canvas.height !== bh) this.canvas.height = bh;
    this._ink = getComputedStyle(this.canvas).color || this._ink;
    this._render();
  }

  /** The drawing space is the canvas's CSS size, in whole pixels, when a drawing starts. */
  _resetSpace() {
    if (!this._css) return;
    this.width = Math.max(1, Math.round(this._css[0]));
    this.height = Math.max(1, Math.round(this._css[1]));
  }

  _observe() {
    if ("ResizeObserver" in window) {
      const ro = new ResizeObserver((entries) => {
        const box = entries[0].devicePixelContentBoxSize;
        const size = box?.[0] ? [box[0].inlineSize, box[0].blockSize] : null;
        this._device = size && size[0] > 0 && size[1] > 0 ? size : null;
        this._measure();
      });
      try {
        ro.observe(this.canvas, { box: "device-pixel-content-box" });
      } catch {
        ro.observe(this.canvas);
      }
    } else {
      window.addEventListener("resize", () => this._measure());
    }
    // Browser zoom changes devicePixelRatio without always resizing the element.
    const watchDpr = () => {
      const mq = matchMedia(`(resolution: ${window.devicePixelRatio}dppx)`);
      mq.addEventListener(
        "change",
        () => {
          this._device = null;
          this._measure();
          watchDpr();
        },
        { once: true },
      );
    };
    watchDpr();
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () =>
      this.refreshStyle(),
    );
  }

  _schedule() {
    if (!this._frame) this._frame = requestAnimationFrame(() => this._render());
  }

  _render() {
    this._frame = 0;
    const { ctx, canvas } = this;
    if (!this.width || !this.height) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(canvas.width / this.width, 0, 0, canvas.height / this.height, 0, 0);
    const pen = Math.max(4, Math.min(this.width, this.height) * this.options.penRatio);
    const active = this._active?.stroke;
    const strokes = this.strokes.map((st) => (st === active ? st.concat(this._predicted) : st));
    inkStrokes(ctx, strokes, pen, this._ink);
  }
}
