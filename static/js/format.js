/**
 * format.js: numbers, dates and digits as the pages write them, in the reader's locale.
 * Pure functions: no DOM, so tests/js runs them in node.
 */

const numbers = new Intl.NumberFormat();
const accuracyFormat = new Intl.NumberFormat(undefined, {
  style: "percent",
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** A finite number (not null, undefined or NaN). */
export const isNumber = (x) => typeof x === "number" && Number.isFinite(x);

/** "a 7", "an 8": a digit with its article. */
export const aDigit = (d) => `${d === 8 ? "an" : "a"} ${d}`;

/** 1234 -> "1,234" in the reader's locale. */
export const formatCount = (n) => numbers.format(n);

/** "1 drawing", "1,234 drawings": a count with its noun, plural when not 1. */
export const countOf = (n, noun) => `${formatCount(n)} ${n === 1 ? noun : `${noun}s`}`;

/** An accuracy (0..1) as "99.07%", or "–" when there is none. */
export const percent = (x) => (isNumber(x) ? accuracyFormat.format(x) : "–");

/** The change from `before` to `after` (0..1) in percentage points: "+1.20 pts". */
export function points(before, after) {
  const d = (after - before) * 100;
  const sign = d > 0.005 ? "+" : d < -0.005 ? "−" : "±";
  return `${sign}${Math.abs(d).toFixed(2)} pts`;
}

/** 0.995 -> "99.5%", 0.9 -> "90%": a short percentage for a chart's axis. */
export function shortPercent(x) {
  const tenths = Math.round(1000 * x) / 10;
  return `${tenths.toFixed(Number.isInteger(tenths) ? 0 : 1)}%`;
}

/** A probability as a short percentage: "<1%", "42%", ">99%" (never a false 0 or 100). */
export function probability(p) {
  const v = p * 100;
  if (v > 0 && v < 1) return "<1%";
  if (v > 99 && v < 100) return ">99%";
  return `${Math.round(v)}%`;
}

/** An ISO date as "Nov 24, 2026, 10:02 AM" in the reader's locale, or "–". */
export function formatDate(iso) {
  const date = new Date(iso);
  return iso && !Number.isNaN(date.getTime()) ? dateFormat.format(date) : "–";
}
