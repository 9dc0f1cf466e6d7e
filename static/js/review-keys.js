/**
 * review-keys.js: what a key does in the review queue (review.js), where the current
 * drawing goes as the queue moves and shrinks, and the request body of each decision.
 * Pure functions: no DOM, so tests/js runs them in node.
 *
 *   a            accept                       arrow down or right, j   next drawing
 *   r            reject                       arrow up or left, k      previous drawing
 *   0 to 9       relabel (which accepts)      Home, End                first, last
 *   Escape       back to the gallery
 */

const MOVES = {
  ArrowDown: 1,
  ArrowRight: 1,
  j: 1,
  J: 1,
  ArrowUp: -1,
  ArrowLeft: -1,
  k: -1,
  K: -1,
};

/**
 * The action of a keydown `event` ({key, repeat, ctrlKey, metaKey, altKey}): {kind:
 * "accept" | "reject" | "close" | "first" | "last"}, {kind: "relabel", label}, {kind:
 * "move", by: 1 | -1}, or null for a key the queue leaves alone. Shortcuts of the
 * browser (with Ctrl, Cmd or Alt) are left alone, and so is a held key's repeat for a
 * decision: holding "a" accepts one drawing, not the whole queue.
 */
export function reviewAction({ key, repeat = false, ctrlKey, metaKey, altKey }) {
  if (ctrlKey || metaKey || altKey) return null;
  if (key in MOVES) return { kind: "move", by: MOVES[key] };
  if (key === "Home") return { kind: "first" };
  if (key === "End") return { kind: "last" };
  if (key === "Escape") return { kind: "close" };
  if (repeat) return null;
  if (key === "a" || key === "A") return { kind: "accept" };
  if (key === "r" || key === "R") return { kind: "reject" };
  if (/^[0-9]$/.test(key)) return { kind: "relabel", label: Number(key) };
  return null;
}

/** Whether `action` decides on a drawing (rather than moving or leaving). */
export const isDecision = (action) =>
  action !== null && ["accept", "reject", "relabel"].includes(action.kind);

/** The PATCH /api/samples/{id} body of a decision. */
export function decisionBody(action) {
  if (action.kind === "accept") return { status: "accepted" };
  if (action.kind === "reject") return { status: "rejected" };
  return { label: action.label };
}

/** The index a move `action` leads to from `index` among `length` drawings (clamped). */
export function movedIndex(index, action, length) {
  if (length === 0) return -1;
  const to = { first: 0, last: length - 1 }[action.kind] ?? index + action.by;
  return Math.max(0, Math.min(length - 1, to));
}

/**
 * The current index once the drawing at `removed` has left a queue that now holds
 * `length`: the one after it takes its place (the one before, at the end); a removal
 * above the current one shifts it up; -1 when the queue is empty.
 */
export function indexAfterRemoval(current, removed, length) {
  if (length === 0) return -1;
  if (removed < current) return current - 1;
  return Math.min(current, length - 1);
}
