/**
 * throttle.js: one task at a time for something that keeps changing, like a drawing
 * under way that the server should read. The task reads the newest state itself.
 *
 *   const reads = new Throttle(() => send(pad.toJSON()), { wait: 150 });
 *   reads.schedule();              // changed: run within 150 ms (once for many changes)
 *   reads.schedule({ now: true }); // changed: run as soon as nothing else runs
 *
 * Never two runs at once: a change during a run makes one more run right after it.
 */

export class Throttle {
  /** `task`: an async function; `onSettled` runs after each run and after cancel(). */
  constructor(task, { wait = 0, onSettled = () => {} } = {}) {
    this.task = task;
    this.wait = wait;
    this.onSettled = onSettled;
    this.pending = false; // changed since the last run started
    this.running = null; // the run under way (a promise), or null
    this.timer = 0;
  }

  /** True while a run is due or under way. */
  get busy() {
    return this.pending || this.running !== null || this.timer !== 0;
  }

  /** Something changed: run after `wait` ms at most, or as soon as possible with `now`. */
  schedule({ now = false } = {}) {
    this.pending = true;
    if (now) this.run();
    else if (!this.timer) this.timer = setTimeout(() => this.run(), this.wait);
  }

  /** Forget a run that is due (one under way finishes). */
  cancel() {
    this._clearTimer();
    this.pending = false;
    if (!this.running) this.onSettled();
  }

  /** Run now if something changed and nothing runs; resolves when that run is over. */
  async run() {
    this._clearTimer();
    if (this.running || !this.pending) return this.running;
    this.pending = false;
    this.running = this._run();
    return this.running;
  }

  async _run() {
    try {
      await this.task();
    } finally {
      this.running = null;
      if (this.pending && !this.timer) this.timer = setTimeout(() => this.run(), 0);
      this.onSettled();
    }
  }

  _clearTimer() {
    clearTimeout(this.timer);
    this.timer = 0;
  }
}
