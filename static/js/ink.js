/**
 * ink.js: strokes drawn on a canvas with a round pen: the pad's drawing, and the
 * thumbnails of saved drawings on the collect page. The geometry is in strokes.js.
 */

import { backingSize, fitStrokes, smoothPath } from "./strokes.js";

/** Dots (one-point strokes) as filled circles on the current path. */
function traceDot(ctx, pts, radius) {
  if (pts.length !== 1) return;
  const [x, y] = pts[0];
  ctx.moveTo(x + radius, y);
  ctx.arc(x, y, radius, 0, 2 * Math.PI);
}

/** A stroke of two or more points as a smooth line on the current path. */
function traceCurve(ctx, pts) {
  for (const [command, ...args] of smoothPath(pts)) {
    if (command === "M") ctx.moveTo(...args);
    else if (command === "Q") ctx.quadraticCurveTo(...args);
    else ctx.lineTo(...args);
  }
}

/** Stroke every line and fill every dot in colour `ink` with a round pen `pen` wide. */
export function inkStrokes(ctx, strokes, pen, ink) {
  ctx.lineWidth = pen;
  ctx.lineCap = "round";
  ctx.lineJoin = "round";
  ctx.strokeStyle = ink;
  ctx.fillStyle = ink;
  ctx.beginPath();
  for (const pts of strokes) traceDot(ctx, pts, pen / 2);
  ctx.fill();
  ctx.beginPath();
  for (const pts of strokes) if (pts.length > 1) traceCurve(ctx, pts);
  ctx.stroke();
}

/**
 * Draw a drawing's strokes on `canvas`, scaled to fit with a margin and centred: a
 * thumbnail. The canvas's CSS size and devicePixelRatio set its backing store; the ink
 * is the canvas's CSS colour unless given.
 */
export function drawThumbnail(canvas, strokes, ink) {
  const r = canvas.getBoundingClientRect();
  [canvas.width, canvas.height] = backingSize([r.width, r.height], window.devicePixelRatio || 1);
  const fit = fitStrokes(strokes, canvas.width, canvas.height);
  if (!fit) return;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(fit.scale, 0, 0, fit.scale, fit.dx, fit.dy);
  const pen = Math.max(fit.side * 0.09, 2 / fit.scale);
  inkStrokes(ctx, strokes, pen, ink || getComputedStyle(canvas).color);
}
