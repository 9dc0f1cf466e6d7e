/**
 * pixels.js: the network's 28x28 grids painted on canvases, one canvas pixel per grid
 * cell (CSS scales them up): the image it read, a saliency map or a unit's weights in a
 * diverging colour map, and the ink laid over a map. The fill* functions only write an
 * RGBA buffer, so they are unit-tested in node.
 */

const MNIST_BG = [11, 16, 32]; // the dark blue behind the image the network read

/** "#rrggbb" or "rgb(r, g, b)" as [r, g, b]; `fallback` when unreadable. */
export function rgb(value, fallback) {
  const v = String(value).trim();
  let m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(v);
  if (m) return m.slice(1).map((h) => Number.parseInt(h, 16));
  m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(v);
  return m ? m.slice(1, 4).map(Number) : fallback;
}

/** A grid cell as a number in [lo, 1]: missing or unreadable cells are 0. */
const cell = (grid, y, x, lo) => Math.max(lo, Math.min(1, Number(grid[y]?.[x]) || 0));

/** Fill `data` (RGBA, w x h) with `colour(y, x)` -> [r, g, b, a] for every pixel. */
function fill(data, w, h, colour) {
  for (let y = 0; y < h; y += 1) {
    for (let x = 0; x < w; x += 1) data.set(colour(y, x), (y * w + x) * 4);
  }
}

/** The image the network read (0..1, 1 = ink): white ink on dark, as MNIST stores it. */
export function fillGrey(data, pixels) {
  const w = pixels[0].length;
  fill(data, w, pixels.length, (y, x) => {
    const v = cell(pixels, y, x, 0);
    return [...MNIST_BG.map((c) => c + (255 - c) * v), 255];
  });
}

/**
 * Values in [-1, 1] in a diverging map, `colours` {neg, zero, pos} as [r, g, b]. The
 * scale bends (|v| ** 0.7) so that small values stay visible and strong ones stand out.
 */
export function fillDiverging(data, grid, colours) {
  const w = grid[0].length;
  fill(data, w, grid.length, (y, x) => {
    const v = cell(grid, y, x, -1);
    const end = v < 0 ? colours.neg : colours.pos;
    const t = Math.abs(v) ** 0.7;
    return [...colours.zero.map((z, c) => z + (end[c] - z) * t), 255];
  });
}

/** The input's ink (0..1) in colour `ink` [r, g, b], faint, to lay over a map. */
export function fillInk(data, pixels, ink) {
  fill(data, 28, 28, (y, x) => [...ink, Math.round(90 * cell(pixels, y, x, 0))]);
}

/** Size `canvas` to the grid `w` x `h`, let `fillFn(data)` paint it, and show it. */
function paint(canvas, w, h, fillFn) {
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(w, h);
  fillFn(image.data);
  ctx.putImageData(image, 0, 0);
}

/** Paint the image the network read on `canvas` (nothing for an empty grid). */
export function paintGrey(canvas, pixels) {
  if (!Array.isArray(pixels) || !pixels.length) return;
  paint(canvas, pixels[0].length, pixels.length, (data) => fillGrey(data, pixels));
}

/** Paint a grid of values in [-1, 1] on `canvas` with the diverging map `colours`. */
export function paintDiverging(canvas, grid, colours) {
  paint(canvas, grid[0].length, grid.length, (data) => fillDiverging(data, grid, colours));
}

/** Paint the input's ink on the 28x28 `canvas` laid over a saliency map. */
export function paintInk(canvas, pixels, ink) {
  paint(canvas, 28, 28, (data) => fillInk(data, pixels, ink));
}
