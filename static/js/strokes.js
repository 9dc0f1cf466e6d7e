/**
 * strokes.js: the geometry of a drawing, apart from any canvas. A stroke is a list of
 * points [x, y, t]: canvas pixels (origin top-left, y down) and milliseconds since the
 * drawing's first point. Pure functions, unit-tested in node (tests/js/strokes.test.mjs).
 */

export const round1 = (v) => Math.round(v * 10) / 10;
export const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

/**
 * A pointer event's point in drawing coordinates: `rect` is the canvas's box on screen,
 * [width, height] the drawing's space, `t0` the first point's timeStamp. x and y are
 * kept inside the canvas and rounded to 0.1, t to whole milliseconds.
 */
export function drawingPoint({ clientX, clientY, timeStamp }, rect, [width, height], t0) {
  const x = ((clientX - rect.left) * width) / (rect.width || 1);
  const y = ((clientY - rect.top) * height) / (rect.height || 1);
  return [
    round1(clamp(x, 0, width)),
    round1(clamp(y, 0, height)),
    Math.max(0, Math.round(timeStamp - t0)),
  ];
}

/**
 * Whether `p` is worth adding to `stroke`: not on top of the last point, and (but for
 * the stroke's `last` point, where the pen lifted) at least `minDistance` from it. This
 * thins the samples a fast pointer gives; the curve through the rest stays smooth.
 */
export function keepPoint(stroke, p, minDistance, last = false) {
  if (!stroke.length) return true;
  const q = stroke[stroke.length - 1];
  const d = Math.hypot(p[0] - q[0], p[1] - q[1]);
  return d > 0 && (last || d >= minDistance);
}

/**
 * A smooth line through a stroke of two or more points, as canvas path commands:
 * ["M", x, y] at the first point, ["Q", cx, cy, x, y] curves to each midpoint between
 * two points with the point before it as the control, ["L", x, y] to the last point.
 */
export function smoothPath(pts) {
  const n = pts.length;
  const path = [["M", pts[0][0], pts[0][1]]];
  for (let i = 1; i < n - 1; i += 1) {
    const [x, y] = pts[i];
    const [nx, ny] = pts[i + 1];
    path.push(["Q", x, y, (x + nx) / 2, (y + ny) / 2]);
  }
  path.push(["L", pts[n - 1][0], pts[n - 1][1]]);
  return path;
}

/**
 * How to show `strokes` centred in a `width` x `height` canvas, their longer side
 * `fill` of its shorter one: {scale, dx, dy, side} (x on screen = x * scale + dx), or
 * null for a drawing without points.
 */
export function fitStrokes(strokes, width, height, fill = 0.7) {
  const points = strokes.flat();
  if (!points.length) return null;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const side = Math.max(x1 - x0, y1 - y0, 1);
  const scale = (Math.min(width, height) * fill) / side;
  return {
    scale,
    dx: width / 2 - ((x0 + x1) / 2) * scale,
    dy: height / 2 - ((y0 + y1) / 2) * scale,
    side,
  };
}

/**
 * A canvas's backing store in device pixels for a CSS size [w, h]: the browser's exact
 * `device` size (device-pixel-content-box) when it agrees with `dpr` to 2 pixels (some
 * emulators report CSS pixels there), else the CSS size times `dpr`; at least 1 x 1.
 */
export function backingSize([w, h], dpr, device = null) {
  const size = [Math.round(w * dpr), Math.round(h * dpr)];
  const agrees = device && Math.abs(device[0] - size[0]) <= 2 && Math.abs(device[1] - size[1]) <= 2;
  const [bw, bh] = agrees ? device : size;
  return [Math.max(1, bw), Math.max(1, bh)];
}
