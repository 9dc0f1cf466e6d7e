/**
 * predictor.js: live readings of the drawing page's pad (POST /predict for a digit,
 * /predict/number for a number): throttled while drawing, at once on pen-up, undo and
 * clear, one request at a time (throttle.js). A result is shown only if nothing was
 * removed (undo, clear) since its request left.
 */

import { api } from "./api.js";
import { contributorId } from "./contributor.js";
import { Throttle } from "./throttle.js";

const THROTTLE_MS = 150; // while drawing, at most one prediction per this many ms
const SAVE_WAIT_MS = 3000; // how long a save waits for the drawing's own prediction

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class Predictor {
  /**
   * `onResult(data, final)`: a prediction to show, `final` when it is for the drawing as
   * it is now; `onError(error)`: a request failed; `onState()`: `busy` may have changed.
   * `path`: the route that reads the drawing.
   */
  constructor(pad, { onResult, onError, onState, path = "/predict" }) {
    this.pad = pad;
    this.path = path;
    this.onResult = onResult;
    this.onError = onError;
    this.onState = onState;
    this.generation = 0; // increases when strokes are removed
    this.latest = null; // {revision, data}: the newest prediction shown
    this.reads = new Throttle(() => this._read(), { wait: THROTTLE_MS, onSettled: onState });
  }

  /** True while the drawing on the pad has no answer yet (one is due or on its way). */
  get busy() {
    return this.reads.busy;
  }

  /** The drawing changed by `reason` (draw, penup, undo, clear). */
  changed(reason) {
    if (reason === "undo" || reason === "clear") {
      this.generation += 1;
      this.latest = null;
    }
    if (this.pad.isEmpty) this.reads.cancel();
    else this.reads.schedule({ now: reason !== "draw" });
    this.onState();
  }

  /** The prediction for the pad's current drawing, or null if none comes in time. */
  async current() {
    const revision = this.pad.revision;
    const deadline = performance.now() + SAVE_WAIT_MS;
    while (performance.now() < deadline) {
      if (this.latest?.revision === revision) return this.latest.data;
      const answer = this.reads.pending ? this.reads.run() : this.reads.running;
      if (!answer) return null;
      await Promise.race([answer, sleep(deadline - performance.now())]);
    }
    return null;
  }

  async _read() {
    if (this.pad.isEmpty) return;
    const revision = this.pad.revision;
    const generation = this.generation;
    const stillWanted = () => generation === this.generation && !this.pad.isEmpty;
    let data;
    try {
      // With this browser's contributor id, its own saved drawings count too.
      data = await api(this.path, {
        body: { ...this.pad.toJSON(), contributor: contributorId() },
      });
    } catch (error) {
      if (stillWanted()) this.onError(error);
      return;
    }
    if (stillWanted()) {
      this.latest = { revision, data };
      this.onResult(data, revision === this.pad.revision);
    }
  }
}
