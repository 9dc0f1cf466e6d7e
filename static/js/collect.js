/**
 * collect.js: the collect page. Like Quick, Draw!: it asks for the digit with the
 * fewest stored drawings (GET /api/stats, ties to the smaller digit), the person draws
 * it and saves (POST /api/samples, source "collect") or skips to another digit.
 */

import {
  aDigit,
  api,
  bindPadKeys,
  contributorId,
  createPad,
  formatCount,
  labelModifierKeys,
  showError,
  saveSample,
  showSaved,
} from "./common.js";
import { drawThumbnail } from "./pad.js";

const SESSION_KEY = "digitpad.collect.session";
const MINE_KEY = "digitpad.collect.mine";
const MAX_THUMBS = 15;
const DIGITS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

const testid = (id) => document.querySelector(`[data-testid="${id}"]`);

const pad = createPad();
const target = testid("target");
const saveButton = testid("save");
const skipButton = testid("skip");
const undoButton = testid("undo");
const clearButton = testid("clear");
const sessionCount = testid("session-count");
const sessionText = document.querySelector(".session-text");
const bars = DIGITS.map((d) => testid(`count-${d}`));
const thumbs = document.querySelector(".thumbs");
const promptText = document.querySelector(".prompt-text");

let perLabel = null; // {"0": n, ...} from the last /api/stats
let current = null; // the digit asked for
let saving = false;
const skipped = new Set(); // digits skipped since the last save

function readSession() {
  try {
    return Number.parseInt(sessionStorage.getItem(SESSION_KEY), 10) || 0;
  } catch {
    return 0;
  }
}

let session = readSession();

/** The drawings saved this session, newest first: [{label, strokes}]. */
function readMine() {
  try {
    const mine = JSON.parse(sessionStorage.getItem(MINE_KEY) || "[]");
    return Array.isArray(mine) ? mine : [];
  } catch {
    return [];
  }
}

let mine = readMine();

function remember(label, strokes) {
  mine = [{ label, strokes }, ...mine].slice(0, MAX_THUMBS);
  try {
    sessionStorage.setItem(MINE_KEY, JSON.stringify(mine));
  } catch {
    // kept for this page only
  }
  showMine();
}

function showMine() {
  thumbs.replaceChildren(
    ...mine.map(({ label, strokes }) => {
      const li = document.createElement("li");
      li.className = "thumb";
      li.title = `A ${label} you drew`;
      const canvas = document.createElement("canvas");
      const tag = document.createElement("span");
      tag.textContent = String(label);
      li.append(canvas, tag);
      return li;
    }),
  );
  // Drawn once laid out, so that the backing store matches the thumbnail's size.
  requestAnimationFrame(() => {
    thumbs.querySelectorAll("canvas").forEach((canvas, i) => drawThumbnail(canvas, mine[i].strokes));
  });
}

function showSession() {
  sessionCount.textContent = formatCount(session);
  sessionText.textContent = session === 1 ? "drawing this session" : "drawings this session";
}

/** The least-collected digit not skipped; ties go to the smaller digit. */
function leastCollected() {
  const count = (d) => Number(perLabel?.[String(d)] ?? 0);
  let pool = DIGITS.filter((d) => !skipped.has(d));
  if (!pool.length) {
    skipped.clear();
    pool = DIGITS;
  }
  return pool.reduce((best, d) => (count(d) < count(best) ? d : best));
}

function setTarget(digit) {
  const changed = digit !== current;
  current = digit;
  target.textContent = String(digit);
  document.title = `Draw ${aDigit(digit)} · digitpad`;
  promptText.textContent = digit === 8 ? "Draw an" : "Draw a";
  if (changed) {
    target.classList.remove("changed");
    void target.offsetWidth; // restart the animation
    target.classList.add("changed");
  }
  renderCounts();
  updateButtons();
}

function renderCounts() {
  if (!perLabel) return;
  const values = DIGITS.map((d) => Number(perLabel[String(d)] ?? 0));
  const max = Math.max(1, ...values);
  bars.forEach((bar, d) => {
    bar.style.setProperty("--p", (values[d] / max).toFixed(4));
    bar.querySelector(".bar-pct").textContent = formatCount(values[d]);
    bar.classList.toggle("is-target", d === current);
    bar.title = `${d}: ${formatCount(values[d])} drawings`;
  });
}

/** Fetch the counts and ask for the least-collected digit. */
async function nextDigit() {
  try {
    const stats = await api("/api/stats");
    perLabel = stats.per_label || {};
  } catch (error) {
    showError(error.message);
    perLabel ||= {};
  }
  setTarget(leastCollected());
}

function updateButtons() {
  const empty = pad.isEmpty;
  saveButton.disabled = empty || saving || current === null;
  undoButton.disabled = empty;
  clearButton.disabled = empty;
  skipButton.disabled = saving || current === null;
}

async function save() {
  if (pad.isEmpty || saving || current === null) return;
  saving = true;
  pad.enabled = false;
  updateButtons();
  const label = current;
  const drawing = pad.toJSON();
  try {
    const sample = await saveSample(pad, {
      ...drawing,
      label,
      predicted: null,
      probabilities: null,
      model: null,
      source: "collect",
      contributor: contributorId(),
    });
    session += 1;
    try {
      sessionStorage.setItem(SESSION_KEY, String(session));
    } catch {
      // the count lives on in this page only
    }
    showSession();
    remember(label, drawing.strokes);
    const id = sample && sample.id != null ? ` (drawing #${sample.id})` : "";
    showSaved(`Saved your ${label}. Thank you!${id}`);
    pad.enabled = true;
    pad.clear();
    skipped.clear();
    await nextDigit();
  } catch (error) {
    showError(error.message);
  } finally {
    saving = false;
    pad.enabled = true;
    updateButtons();
  }
}

function skip() {
  if (saving || current === null) return;
  skipped.add(current);
  pad.clear();
  nextDigit();
}

pad.addEventListener("change", updateButtons);
saveButton.addEventListener("click", save);
skipButton.addEventListener("click", skip);
undoButton.addEventListener("click", () => pad.undo());
clearButton.addEventListener("click", () => pad.clear());

bindPadKeys(pad, (e) => {
  if (e.repeat) return;
  if (e.key === "Enter" && !(e.target instanceof HTMLButtonElement)) {
    e.preventDefault();
    save();
  } else if (e.key === "s" || e.key === "S") {
    e.preventDefault();
    skip();
  }
});

labelModifierKeys();
showSession();
showMine();
updateButtons();
nextDigit();
