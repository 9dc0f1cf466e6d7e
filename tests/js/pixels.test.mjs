// The 28x28 grids as RGBA pixels (static/js/pixels.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { fillDiverging, fillGrey, fillInk, rgb } from "../../static/js/pixels.js";

const pixel = (data, i) => Array.from(data.slice(4 * i, 4 * i + 4));

test("CSS colours are read as hex or rgb(), with a fallback", () => {
  assert.deepEqual(rgb("#2563eb", null), [37, 99, 235]);
  assert.deepEqual(rgb(" rgb(220, 38, 38) ", null), [220, 38, 38]);
  assert.deepEqual(rgb("rgba(1 2 3 / 50%)", null), [1, 2, 3]);
  assert.deepEqual(rgb("", [9, 9, 9]), [9, 9, 9]);
  assert.deepEqual(rgb("red", [9, 9, 9]), [9, 9, 9]);
});

test("the image read is white ink on the dark background, clamped", () => {
  const data = new Uint8ClampedArray(3 * 4);
  fillGrey(data, [[0, 1, 7]]);
  assert.deepEqual(pixel(data, 0), [11, 16, 32, 255]);
  assert.deepEqual(pixel(data, 1), [255, 255, 255, 255]);
  assert.deepEqual(pixel(data, 2), [255, 255, 255, 255]);
});

test("the diverging map goes from the zero colour to either end", () => {
  const colours = { neg: [0, 0, 255], zero: [255, 255, 255], pos: [255, 0, 0] };
  const data = new Uint8ClampedArray(4 * 4);
  fillDiverging(data, [[-1, 0, 1, "junk"]], colours);
  assert.deepEqual(pixel(data, 0), [0, 0, 255, 255]);
  assert.deepEqual(pixel(data, 1), [255, 255, 255, 255]);
  assert.deepEqual(pixel(data, 2), [255, 0, 0, 255]);
  assert.deepEqual(pixel(data, 3), [255, 255, 255, 255], "unreadable is zero");
  fillDiverging(data, [[0.5, -0.5, 0, 0]], colours);
  const shade = Math.round(255 * (1 - 0.5 ** 0.7));
  assert.deepEqual(pixel(data, 0), [255, shade, shade, 255], "small values stay visible");
  assert.deepEqual(pixel(data, 1), [shade, shade, 255, 255]);
});

test("the ink over a map is its colour, as opaque as the ink is dark", () => {
  const data = new Uint8ClampedArray(28 * 28 * 4);
  const pixels = Array.from({ length: 28 }, () => new Array(28).fill(0));
  pixels[0][1] = 1;
  fillInk(data, pixels, [20, 24, 40]);
  assert.deepEqual(pixel(data, 0), [20, 24, 40, 0]);
  assert.deepEqual(pixel(data, 1), [20, 24, 40, 90]);
});
