/**
 * insights.js: the insights page. From GET /api/insights: the overall accuracy beside
 * the linear baseline's, accuracy per digit, the confusion matrix as a heat map (MNIST
 * test for the network or the linear model, or the contributed drawings; a cell's images
 * come from GET /api/insights/mistakes), the learning curves and the average input of
 * each digit. The charts are inline SVG (charts.js); no chart library.
 */

import { digitBars, legendItem, lineChart, shortPercent } from "./charts.js";
import { api, el, formatCount, isNumber, percent, showError } from "./common.js";

const $ = (selector) => document.querySelector(selector);
const testid = (id) => document.querySelector(`[data-testid="${id}"]`);
const field = (name) => document.querySelector(`[data-field="${name}"]`);

// --- overall ----------------------------------------------------------------------------

function showOverall(data) {
  const mnist = data.mnist_test;
  const base = data.baseline?.metrics?.mnist_test;
  const contributed = data.contributed;
  testid("mlp-accuracy").textContent = percent(mnist?.accuracy);
  testid("baseline-accuracy").textContent = base ? percent(base.accuracy) : "not available";
  field("arch").textContent = data.model?.sizes ? `(${data.model.sizes.join("→")})` : "";
  if (data.model?.sizes?.length > 2) field("units").textContent = formatCount(data.model.sizes[1]);
  if (isNumber(mnist?.n)) field("mnist-n").textContent = formatCount(mnist.n);
  const out = testid("contributed-accuracy");
  const note = field("contributed-note");
  if (contributed && contributed.n > 0) {
    out.textContent = percent(contributed.accuracy);
    const right = Math.round(contributed.accuracy * contributed.n);
    const linear = data.baseline?.contributed?.accuracy;
    const versus = isNumber(linear) ? ` (the linear model: ${percent(linear)})` : "";
    note.textContent = `${formatCount(right)} of ${formatCount(contributed.n)} drawings read as labelled, by the active version now${versus}`;
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
  const series = [{ name: "This network", cls: "is-mnist", values: perDigit(data.mnist_test) }];
  const base = perDigit(data.baseline?.metrics?.mnist_test);
  if (base) series.push({ name: "Linear model", cls: "is-base", values: base });
  const contributed = perDigit(data.contributed);
  if (contributed && data.contributed.n > 0) {
    series.push({ name: "Your drawings (this network)", cls: "is-contributed", values: contributed });
  }
  testid("per-digit").replaceChildren(digitBars(series, "Accuracy per digit"));
  field("per-digit-legend").replaceChildren(...series.map((s) => legendItem(`sw-box ${s.cls}`, s.name)));
}

// --- confusion matrix ---------------------------------------------------------------------

let insights = null;
let shownSet = "mnist";
let mistakesAsked = 0; // the newest request, so a late answer can't replace a newer one

/** The confusion matrices the toggle offers: their metrics and where their mistakes are. */
const SETS = {
  mnist: { name: "MNIST test", metrics: (d) => d.mnist_test, query: "source=mnist&of=active" },
  baseline: { name: "Linear model, MNIST test", metrics: (d) => d.baseline?.metrics?.mnist_test, query: "source=mnist&of=baseline" },
  contributed: { name: "Your drawings", metrics: (d) => d.contributed, query: "source=contributed&of=active" },
};

function showConfusion(set) {
  shownSet = set;
  const metrics = SETS[set].metrics(insights);
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
      cell.title = `${count} ${count === 1 ? "image" : "images"} of ${t} ${what}`;
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
  field("mistakes-note").textContent = note;
  mistakesList.replaceChildren();
  panel.hidden = false;
}

function mistakeItem(item, truth) {
  const img = el("img");
  img.src = item.image_url;
  img.alt = item.mnist_index === undefined ? `A drawing labelled ${truth}` : `MNIST test image ${item.mnist_index}, labelled ${truth}`;
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
    ...top.map(([d, p]) => el("li", d === truth ? "is-truth" : null, el("span", "ins-prob-digit", String(d)), el("span", "ins-prob-value", percent(p)))),
  );
  const li = el("li", "ins-mistake", img, probs);
  if (item.id !== undefined) li.dataset.sampleId = String(item.id);
  if (item.mnist_index !== undefined) li.title = `MNIST test image #${item.mnist_index}`;
  return li;
}

/** The note above a cell's images: whose labels, which model, and how many are shown. */
function mistakesNote(set, truth, predicted, shown, count) {
  if (!shown) return "None any more: the drawings may have been relabelled or deleted.";
  const who = set === "contributed" ? "the person who drew it" : "MNIST";
  const model = set === "baseline" ? "the linear model" : "the active version";
  const some = shown < count ? ` The ${shown} it was surest of are shown.` : "";
  return `Labelled ${truth} by ${who}; ${model} reads ${predicted}. Its three most likely digits under each.${some}`;
}

async function showMistakes(truth, predicted, count) {
  const set = shownSet;
  const asked = ++mistakesAsked;
  openPanel(`${SETS[set].name}: ${count} ${count === 1 ? "image" : "images"} of ${truth} read as ${predicted}`, "Loading…");
  panel.setAttribute("aria-busy", "true");
  try {
    const data = await api(`/api/insights/mistakes?true=${truth}&predicted=${predicted}&${SETS[set].query}`);
    if (asked !== mistakesAsked) return;
    field("mistakes-note").textContent = mistakesNote(set, truth, predicted, data.items.length, count);
    mistakesList.replaceChildren(...data.items.map((item) => mistakeItem(item, truth)));
  } catch (error) {
    if (asked !== mistakesAsked) return;
    field("mistakes-note").textContent = error.status === 404 ? error.message : "";
    if (error.status !== 404) showError(error.message);
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

// --- average inputs -------------------------------------------------------------------------

function showAverageInputs(data) {
  const box = testid("average-inputs");
  const averages = data.average_inputs;
  if (!averages) {
    box.replaceChildren(el("p", "ins-note", "This version's card keeps no average inputs."));
    return;
  }
  const figure = (src, d, kind) => {
    const img = el("img");
    img.src = src;
    img.width = 56;
    img.height = 56;
    img.alt = kind === "mean" ? `The average MNIST test image read as ${d}` : `How the images read as ${d} differ from the average image`;
    return el("figure", `ins-avg is-${kind}`, img, el("figcaption", null, String(d)));
  };
  box.replaceChildren(
    el("div", "ins-avg-row", el("span", "ins-avg-label", "Average input"), ...averages.images.map((src, d) => figure(src, d, "mean"))),
    el("div", "ins-avg-row", el("span", "ins-avg-label", "Minus the average of all"), ...averages.difference.map((src, d) => figure(src, d, "difference"))),
  );
}

// --- learning curves ----------------------------------------------------------------------

const PALETTE = ["var(--accent)", "#0891b2", "#d97706", "#db2777", "#65a30d", "#7c3aed"];

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
  const baseline = testid("show-baseline");
  baseline.disabled = !insights.baseline?.metrics?.mnist_test;
  baseline.title = baseline.disabled ? "No linear baseline in this install" : "";
  showConfusion("mnist");
  showCurves(insights);
  showAverageInputs(insights);
}

load();
