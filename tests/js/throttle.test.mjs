// One run at a time for a changing drawing (static/js/throttle.js), on mocked timers.
import assert from "node:assert/strict";
import { afterEach, beforeEach, mock, test } from "node:test";

import { Throttle } from "../../static/js/throttle.js";

/** A task whose runs are counted and finish only when `finish()` is called. */
function slowTask() {
  const task = { runs: 0, pending: [] };
  task.run = () => {
    task.runs += 1;
    return new Promise((resolve) => task.pending.push(resolve));
  };
  task.finish = async () => {
    task.pending.shift()();
    await flush();
  };
  return task;
}

/** Let resolved promises' callbacks run. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

beforeEach(() => mock.timers.enable({ apis: ["setTimeout"] }));
afterEach(() => mock.timers.reset());

test("many changes within the wait make one run", async () => {
  let runs = 0;
  const throttle = new Throttle(async () => (runs += 1), { wait: 150 });
  for (let i = 0; i < 5; i += 1) throttle.schedule();
  assert.equal(throttle.busy, true);
  mock.timers.tick(149);
  assert.equal(runs, 0);
  mock.timers.tick(1);
  assert.equal(runs, 1);
  await flush();
  assert.equal(throttle.busy, false);
});

test("now runs at once, without waiting", () => {
  let runs = 0;
  const throttle = new Throttle(async () => (runs += 1), { wait: 150 });
  throttle.schedule({ now: true });
  assert.equal(runs, 1);
});

test("a change during a run makes exactly one more run after it", async () => {
  const task = slowTask();
  const settled = [];
  const throttle = new Throttle(task.run, { onSettled: () => settled.push(task.runs) });
  throttle.schedule({ now: true });
  throttle.schedule({ now: true });
  throttle.schedule({ now: true });
  assert.equal(task.runs, 1, "never two at once");
  await task.finish();
  mock.timers.tick(0);
  assert.equal(task.runs, 2);
  await task.finish();
  mock.timers.tick(0);
  assert.equal(task.runs, 2);
  assert.deepEqual(settled, [1, 2]);
  assert.equal(throttle.busy, false);
});

test("cancel forgets a run that is due", () => {
  let runs = 0;
  let settled = 0;
  const throttle = new Throttle(async () => (runs += 1), {
    wait: 150,
    onSettled: () => (settled += 1),
  });
  throttle.schedule();
  throttle.cancel();
  mock.timers.tick(1000);
  assert.equal(runs, 0);
  assert.equal(settled, 1);
  assert.equal(throttle.busy, false);
});

test("run() resolves when the run it started or found is over", async () => {
  const task = slowTask();
  const throttle = new Throttle(task.run);
  throttle.schedule({ now: true });
  let over = false;
  throttle.run().then(() => (over = true));
  await flush();
  assert.equal(over, false);
  await task.finish();
  assert.equal(over, true);
  assert.equal(await throttle.run(), null, "nothing to run");
});
