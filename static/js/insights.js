/**
 * insights.js: the insights page. From GET /api/insights: the overall accuracy beside
 * the linear baseline's, accuracy per digit, the confusion matrix as a heat map (MNIST
 * test or the contributed drawings, whose mistakes come from GET /api/insights/mistakes),
 * and the learning curves. The charts are inline SVG drawn here; no chart library.
 */

import { api, formatCount, showError } from "./common.js";

const SVG = "http://www.w3.org/2000/svg";
const $ = (selector) => document.querySelector(selector);
const testid = (id) => document.querySelector(`[data-testid="${id}"]`);
const field = (name) => document.querySelector(`[data-field="${name}"]`);

const percentFormat = new Intl.NumberFormat(undefined, {
  style: "percent",
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
});
const isNumber = (x) => typeof x === "number" && Number.isFinite(x);
const percent = (x) => (isNumber(x) ? percentFormat.format(x) : "–");
const shortPercent = (x) => `${(100 * x).toFixed(Number.isInteger(Math.round(1000 * x) / 10) ? 0 : 1)}%`;

/** An HTML element `tag` with `className` and text or child nodes. */
function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** An SVG element `tag` with attributes `attrs` and child nodes. */
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) node.setAttribute(name, String(value));
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** `n` round tick values from `lo` to `hi`. */
function ticks(lo, hi, n = 5) {
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-6; v += step) out.push(+v.toFixed(10));
  return out;
}

/** A legend entry: a swatch (class `kind`, e.g. "sw-line is-dashed") and its text. */
const legendItem = (swatchClass, text, color) => {
  const swatch = el("span", `ins-swatch ${swatchClass}`);
  if (color) swatch.style.setProperty("--c", color);
  return el("span", "ins-legend-item", swatch, text);
};

// --- overall ----------------------------------------------------------------------------

function showOverall(data) {
  const mnist = data.mnist_test;
  const base = data.baseline?.metrics?.mnist_test;
  const contributed = data.contributed;
  testid("mlp-accuracy").textContent = percent(mnist?.accuracy);
  testid("baseline-accuracy").textContent = base ? percent(base.accuracy) : "not available";
  field("arch").textContent = data.model?.sizes ? `(${data.model.sizes.join("→")})` : "";
  if (isNumber(mnist?.n)) field("mnist-n").textContent = formatCount(mnist.n);
  const out = testid("contributed-accuracy");
  const note = field("contributed-note");
  if (contributed && contributed.n > 0) {
    out.textContent = percent(contributed.accuracy);
    const right = Math.round(contributed.accuracy * contributed.n);
    note.textContent = `${formatCount(right)} of ${formatCount(contributed.n)} drawings read as labelled, by the active version now`;
  } else {
    out.textContent = "–";
    note.textContent = "No contributed drawings yet: draw some on the Collect page.";
  }
  out.classList.toggle("is-missing", !(contributed && contributed.n > 0));

  // Errors side by side: how many of the 10,000 test digits each model gets wrong.
  const compare = testid("compare");
  compare.replaceChildren();
  if (mnist && base) {
    const rows = [
      ["Linear model", base, "is-base"],
      ["This network", mnist, "is-mlp"],
    ];
    const worst = Math.max(...rows.map(([, m]) => 1 - m.accuracy));
    for (const [label, m, kind] of rows) {
      const wrong = Math.round((1 - m.accuracy) * m.n);
      const bar = el("span", `ins-compare-fill ${kind}`);
      bar.style.setProperty("--p", ((1 - m.accuracy) / worst).toFixed(4));
      compare.append(
        el("span", "ins-compare-label", label),
        el("span", "ins-compare-track", bar),
        el("span", "ins-compare-value", `${formatCount(wrong)} wrong`),
      );
    }
    const ratio = (1 - base.accuracy) / (1 - mnist.accuracy);
    compare.append(
      el("p", "ins-compare-note", `The network makes ${ratio.toFixed(1)}× fewer mistakes than a linear model on the same digits.`),
    );
    compare.removeAttribute("aria-hidden");
  }
}

// --- accuracy per digit -------------------------------------------------------------------

/** Per-digit accuracy, null for a digit with no examples (a row of zeros). */
function perDigit(metrics) {
  if (!metrics) return null;
  return metrics.per_class_accuracy.map((a, d) => {
    const total = metrics.confusion_matrix[d].reduce((s, c) => s + c, 0);
    return total > 0 ? a : null;
  });
}

function showPerDigit(data) {
  const series = [{ name: "MNIST test", cls: "is-mnist", values: perDigit(data.mnist_test) }];
  const contributed = perDigit(data.contributed);
  if (contributed && data.contributed.n > 0) {
    series.push({ name: "Your drawings", cls: "is-contributed", values: contributed });
  }
  const all = series.flatMap((s) => s.values).filter(isNumber);
  // Start the axis below the lowest bar, at a tenth, so the differences show.
  const lo = Math.min(0.9, Math.floor(Math.min(...all) * 10) / 10);
  const W = 560;
  const H = 230;
  const m = { top: 22, right: 8, bottom: 28, left: 44 };
  const iw = W - m.left - m.right;
  const ih = H - m.top - m.bottom;
  const y = (v) => m.top + ih * (1 - (v - lo) / (1 - lo));
  const group = iw / 10;
  const barW = Math.min(26, (group * 0.72) / series.length);
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "ins-svg", role: "img", "aria-label": "Accuracy per digit" });
  for (const t of ticks(lo, 1, 4)) {
    chart.append(
      svg("line", { class: "ins-grid-line", x1: m.left, x2: W - m.right, y1: y(t), y2: y(t) }),
      svg("text", { class: "ins-tick", x: m.left - 6, y: y(t) + 4, "text-anchor": "end" }, shortPercent(t)),
    );
  }
  for (let d = 0; d < 10; d++) {
    const x0 = m.left + d * group + (group - barW * series.length) / 2;
    series.forEach((s, i) => {
      const v = s.values[d];
      const x = x0 + i * barW;
      if (!isNumber(v)) {
        chart.append(svg("text", { class: "ins-tick", x: x + barW / 2, y: y(lo) - 4, "text-anchor": "middle" }, "–"));
        return;
      }
      const top = y(Math.max(v, lo));
      const bar = svg(
        "rect",
        { class: `ins-bar ${s.cls}`, x: x + 1, y: top, width: barW - 2, height: Math.max(0, y(lo) - top), rx: 3, "data-digit": d },
        svg("title", {}, `${d}: ${percent(v)} (${s.name})`),
      );
      chart.append(bar);
      if (series.length === 1) {
        chart.append(svg("text", { class: "ins-bar-value", x: x + barW / 2, y: top - 5, "text-anchor": "middle" }, (100 * v).toFixed(1)));
      }
    });
    chart.append(svg("text", { class: "ins-axis-digit", x: m.left + d * group + group / 2, y: H - 8, "text-anchor": "middle" }, String(d)));
  }
  chart.append(svg("line", { class: "ins-axis", x1: m.left, x2: W - m.right, y1: y(lo), y2: y(lo) }));
  testid("per-digit").replaceChildren(chart);
  field("per-digit-legend").replaceChildren(...series.map((s) => legendItem(`sw-box ${s.cls}`, s.name)));
}

// --- confusion matrix ---------------------------------------------------------------------

let insights = null;
let shownSet = "mnist";
let mistakesAsked = 0; // the newest request, so a late answer can't replace a newer one

function showConfusion(set) {
  shownSet = set;
  const metrics = set === "contributed" ? insights.contributed : insights.mnist_test;
  for (const button of document.querySelectorAll(".ins-toggle-btn")) {
    button.setAttribute("aria-pressed", String(button.dataset.set === set));
  }
  const grid = testid("confusion");
  grid.replaceChildren();
  grid.dataset.set = set;
  if (!metrics) return;
  const cm = metrics.confusion_matrix;
  const diagMax = Math.max(1, ...cm.map((row, t) => row[t]));
  const offMax = Math.max(1, ...cm.flatMap((row, t) => row.filter((_, p) => p !== t)));
  grid.append(el("span", "ins-cm-corner", el("span", null, "true ↓"), el("span", null, "read →")));
  for (let p = 0; p < 10; p++) grid.append(el("span", "ins-cm-head", String(p)));
  cm.forEach((row, t) => {
    grid.append(el("span", "ins-cm-head ins-cm-row", String(t)));
    row.forEach((count, p) => {
      const diag = t === p;
      const clickable = !diag && count > 0;
      const cell = el(clickable ? "button" : "span", `ins-cell ${diag ? "is-diag" : "is-error"}${count ? "" : " is-zero"}`, String(count));
      cell.dataset.testid = `cell-${t}-${p}`;
      cell.dataset.count = String(count);
      // Square-root scale: a handful of mistakes still shows beside hundreds.
      cell.style.setProperty("--v", Math.sqrt(count / (diag ? diagMax : offMax)).toFixed(3));
      const what = diag ? "read right" : `read as ${p}`;
      cell.title = `${count} ${count === 1 ? "drawing" : "drawings"} of ${t} ${what}`;
      if (clickable) {
        cell.type = "button";
        cell.addEventListener("click", () => showMistakes(t, p, count));
      }
      grid.append(cell);
    });
  });
}

// --- mistakes -----------------------------------------------------------------------------

const panel = testid("mistakes");
const mistakesList = panel.querySelector(".ins-mistake-list");

function openPanel(title, note) {
  field("mistakes-title").textContent = title;
  field("mistakes-note").replaceChildren(...[].concat(note));
  mistakesList.replaceChildren();
  panel.hidden = false;
}

function mistakeItem(item, truth) {
  const img = el("img");
  img.src = item.image_url;
  img.alt = `A drawing labelled ${truth}`;
  img.width = 84;
  img.height = 84;
  img.loading = "lazy";
  const top = item.probabilities
    .map((p, d) => [d, p])
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3);
  const probs = el(
    "ol",
    "ins-probs",
    ...top.map(([d, p]) => {
      const row = el("li", d === truth ? "is-truth" : null, el("span", "ins-prob-digit", String(d)), el("span", "ins-prob-value", percent(p)));
      return row;
    }),
  );
  const li = el("li", "ins-mistake", img, probs);
  li.dataset.sampleId = String(item.id);
  return li;
}

async function showMistakes(truth, predicted, count) {
  const title = `${count} ${count === 1 ? "drawing" : "drawings"} of ${truth} read as ${predicted}`;
  const asked = ++mistakesAsked;
  if (shownSet !== "contributed") {
    openPanel(
      `MNIST test: ${title}`,
      [
        "The MNIST test images are not stored on this server, so only the counts can be shown",
        " here; switch to contributed drawings to see the drawings themselves.",
      ],
    );
    panel.scrollIntoView({ block: "nearest", behavior: "smooth" });
    return;
  }
  openPanel(`Your drawings: ${title}`, "Loading…");
  panel.setAttribute("aria-busy", "true");
  try {
    const data = await api(`/api/insights/mistakes?true=${truth}&predicted=${predicted}`);
    if (asked !== mistakesAsked) return;
    field("mistakes-note").textContent = data.items.length
      ? `Labelled ${truth} by the person who drew it; the active version reads ${predicted}. Its three most likely digits under each.`
      : "None any more: the drawings may have been relabelled or deleted.";
    mistakesList.replaceChildren(...data.items.map((item) => mistakeItem(item, truth)));
  } catch (error) {
    if (asked !== mistakesAsked) return;
    field("mistakes-note").textContent = "";
    showError(error.message);
  } finally {
    if (asked === mistakesAsked) panel.removeAttribute("aria-busy");
  }
  panel.scrollIntoView({ block: "nearest", behavior: "smooth" });
}

testid("close-mistakes").addEventListener("click", () => {
  mistakesAsked++;
  panel.hidden = true;
});

for (const button of document.querySelectorAll(".ins-toggle-btn")) {
  button.addEventListener("click", () => {
    if (!insights || button.disabled) return;
    panel.hidden = true;
    mistakesAsked++;
    showConfusion(button.dataset.set);
  });
}

// --- learning curves ----------------------------------------------------------------------

const PALETTE = ["var(--accent)", "#0891b2", "#d97706", "#db2777", "#65a30d", "#7c3aed"];

/** One line chart: `lines` of {values: [[epoch, y]], color, active, dashed, version, series}. */
function lineChart({ title, lines, maxEpoch, lo, hi, format }) {
  const W = 520;
  const H = 240;
  const m = { top: 26, right: 12, bottom: 34, left: 48 };
  const iw = W - m.left - m.right;
  const ih = H - m.top - m.bottom;
  const x = (e) => m.left + (maxEpoch > 1 ? ((e - 1) / (maxEpoch - 1)) * iw : iw / 2);
  const y = (v) => m.top + ih * (1 - (v - lo) / (hi - lo || 1));
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "ins-svg", role: "img", "aria-label": title });
  chart.append(svg("text", { class: "ins-chart-title", x: m.left, y: 14 }, title));
  for (const t of ticks(lo, hi, 4)) {
    chart.append(
      svg("line", { class: "ins-grid-line", x1: m.left, x2: W - m.right, y1: y(t), y2: y(t) }),
      svg("text", { class: "ins-tick", x: m.left - 6, y: y(t) + 4, "text-anchor": "end" }, format(t)),
    );
  }
  for (const t of ticks(1, maxEpoch, Math.min(8, Math.max(1, maxEpoch - 1)))) {
    if (!Number.isInteger(t)) continue;
    chart.append(
      svg("line", { class: "ins-axis", x1: x(t), x2: x(t), y1: y(lo), y2: y(lo) + 4 }),
      svg("text", { class: "ins-tick", x: x(t), y: y(lo) + 17, "text-anchor": "middle" }, String(t)),
    );
  }
  chart.append(
    svg("line", { class: "ins-axis", x1: m.left, x2: W - m.right, y1: y(lo), y2: y(lo) }),
    svg("line", { class: "ins-axis", x1: m.left, x2: m.left, y1: m.top, y2: y(lo) }),
    svg("text", { class: "ins-axis-label", x: m.left + iw / 2, y: H - 2, "text-anchor": "middle" }, "epoch"),
  );
  // Inactive versions first, so the active one is drawn on top.
  for (const line of [...lines].sort((a, b) => Number(a.active) - Number(b.active))) {
    const points = line.values.map(([e, v]) => `${x(e).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    const polyline = svg(
      "polyline",
      {
        class: `ins-line${line.active ? " is-active" : ""}${line.dashed ? " is-dashed" : ""}`,
        points,
        "data-version": line.version,
        "data-series": line.series,
        "data-points": line.values.length,
      },
      svg("title", {}, `${line.version}: ${line.label}`),
    );
    polyline.style.setProperty("--c", line.color);
    chart.append(polyline);
  }
  return chart;
}

function showCurves(data) {
  const curves = (data.curves || []).filter((c) => c.epochs.length);
  const box = testid("curves");
  if (!curves.length) {
    box.replaceChildren(el("p", "ins-note", "This version's card has no training history."));
    return;
  }
  const maxEpoch = Math.max(...curves.flatMap((c) => c.epochs.map((e) => e.epoch)));
  const lines = (keys) =>
    curves.flatMap((c, i) =>
      keys.map(([key, label, dashed]) => ({
        version: c.version,
        series: key,
        label,
        dashed,
        active: i === 0,
        color: PALETTE[i % PALETTE.length],
        values: c.epochs.filter((e) => isNumber(e[key])).map((e) => [e.epoch, e[key]]),
      })),
    );
  const loss = lines([
    ["loss", "training loss", false],
    ["val_loss", "validation loss", true],
  ]);
  const acc = lines([
    ["train_accuracy", "training accuracy", false],
    ["val_accuracy", "validation accuracy", true],
  ]);
  const lossMax = Math.max(...loss.flatMap((l) => l.values.map(([, v]) => v)));
  const accMin = Math.min(...acc.flatMap((l) => l.values.map(([, v]) => v)));
  box.replaceChildren(
    lineChart({ title: "Loss (cross-entropy)", lines: loss, maxEpoch, lo: 0, hi: Math.ceil(lossMax * 10) / 10, format: (t) => String(+t.toFixed(2)) }),
    lineChart({
      title: "Accuracy",
      lines: acc,
      maxEpoch,
      lo: Math.floor(accMin * 10) / 10,
      hi: 1,
      format: shortPercent,
    }),
  );
  field("curves-legend").replaceChildren(
    ...curves.map((c, i) =>
      legendItem(`sw-line${i === 0 ? " is-active" : ""}`, i === 0 ? `${c.version} (active)` : c.version, PALETTE[i % PALETTE.length]),
    ),
    legendItem("sw-line is-plain", "training"),
    legendItem("sw-line is-plain is-dashed", "validation"),
  );
}

// --- start ----------------------------------------------------------------------------------

async function load() {
  const overall = $(".ins-overall");
  try {
    insights = await api("/api/insights");
  } catch (error) {
    showError(error.message);
    return;
  } finally {
    overall.removeAttribute("aria-busy");
  }
  showOverall(insights);
  showPerDigit(insights);
  const contributed = testid("show-contributed");
  contributed.disabled = !(insights.contributed && insights.contributed.n > 0);
  contributed.title = contributed.disabled ? "No contributed drawings yet" : "";
  showConfusion("mnist");
  showCurves(insights);
}

load();
