// The drawing's geometry: points from pointer events, thinning, smoothing, fitting
// (static/js/strokes.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  backingSize,
  drawingPoint,
  fitStrokes,
  keepPoint,
  smoothPath,
} from "../../static/js/strokes.js";

const rect = { left: 100, top: 50, width: 200, height: 200 };

test("a pointer's position becomes drawing pixels, rounded to 0.1, time since the first point", () => {
  const e = { clientX: 150.123, clientY: 100, timeStamp: 1234.6 };
  assert.deepEqual(drawingPoint(e, rect, [200, 200], 1000), [50.1, 50, 235]);
});

test("the drawing keeps its space when the canvas is shown at another size", () => {
  const e = { clientX: 200, clientY: 150, timeStamp: 0 };
  assert.deepEqual(drawingPoint(e, rect, [400, 300], 0), [200, 150, 0]);
});

test("a point outside the canvas is kept on its edge, and time never runs back", () => {
  const e = { clientX: 20, clientY: 400, timeStamp: 5 };
  assert.deepEqual(drawingPoint(e, rect, [200, 200], 10), [0, 200, 0]);
});

test("points closer than the minimum distance are dropped, but not where the pen lifts", () => {
  const stroke = [[10, 10, 0]];
  assert.equal(keepPoint([], [10, 10, 0], 1), true);
  assert.equal(keepPoint(stroke, [10.5, 10, 8], 1), false);
  assert.equal(keepPoint(stroke, [11, 10, 8], 1), true);
  assert.equal(keepPoint(stroke, [10.5, 10, 8], 1, true), true);
  assert.equal(keepPoint(stroke, [10, 10, 8], 1, true), false, "the same point twice");
});

test("two points make a straight line", () => {
  assert.deepEqual(
    smoothPath([
      [0, 0],
      [10, 5],
    ]),
    [
      ["M", 0, 0],
      ["L", 10, 5],
    ],
  );
});

test("more points make curves through the midpoints, each point their control", () => {
  const path = smoothPath([
    [0, 0],
    [10, 0],
    [10, 10],
    [0, 10],
  ]);
  assert.deepEqual(path, [
    ["M", 0, 0],
    ["Q", 10, 0, 10, 5],
    ["Q", 10, 10, 5, 10],
    ["L", 0, 10],
  ]);
});

test("a drawing is centred with its longer side a set share of the canvas", () => {
  const strokes = [
    [
      [10, 20],
      [30, 60],
    ],
  ];
  const { scale, dx, dy, side } = fitStrokes(strokes, 100, 200, 0.5);
  assert.equal(side, 40);
  assert.equal(scale, 1.25);
  // The drawing's centre (20, 40) lands on the canvas's centre (50, 100).
  assert.equal(20 * scale + dx, 50);
  assert.equal(40 * scale + dy, 100);
  assert.equal(fitStrokes([[]], 100, 100), null);
});

test("a dot is fitted as if it were a pixel wide", () => {
  assert.equal(fitStrokes([[[5, 5]]], 10, 10, 0.7).scale, 7);
});

test("the backing store follows the device pixels when they agree with the pixel ratio", () => {
  assert.deepEqual(backingSize([100.4, 50], 2), [201, 100]);
  assert.deepEqual(backingSize([100, 50], 2, [201, 99]), [201, 99]);
  assert.deepEqual(backingSize([100, 50], 2, [100, 50]), [200, 100], "CSS pixels reported");
  assert.deepEqual(backingSize([0, 0], 3), [1, 1]);
});
