/**
 * insights.js: the insights page. From GET /api/insights: the overall accuracy beside
 * the linear baseline's, accuracy per digit, the confusion matrix (confusion.js), the
 * learning curves and the average input of each digit. The charts are inline SVG
 * (charts.js); no chart library.
 */

import { api } from "./api.js";
import { digitBars, legendItem, lineChart } from "./charts.js";
import { ConfusionMatrix } from "./confusion.js";
import { byId, el } from "./dom.js";
import { formatCount, isNumber, percent, shortPercent } from "./format.js";
import { showError } from "./toasts.js";

const PALETTE = ["var(--accent)", "#0891b2", "#d97706", "#db2777", "#65a30d", "#7c3aed"];

/** Per-digit accuracy, null for a digit with no examples (a row of zeros). */
export function perDigit(metrics) {
  if (!metrics) return null;
  return metrics.per_class_accuracy.map((a, d) => {
    const total = metrics.confusion_matrix[d].reduce((s, c) => s + c, 0);
    return total > 0 ? a : null;
  });
}

/** The errors of the linear model and the network side by side, on the same test digits. */
function compareErrors(mnist, base) {
  const models = [
    ["Linear model", base, "is-base"],
    ["This network", mnist, "is-mlp"],
  ];
  const worst = Math.max(...models.map(([, m]) => 1 - m.accuracy));
  const rows = models.flatMap(([label, m, kind]) => {
    const bar = el("span", `ins-compare-fill ${kind}`);
    bar.style.setProperty("--p", ((1 - m.accuracy) / worst).toFixed(4));
    return [
      el("span", "ins-compare-label", label),
      el("span", "ins-compare-track", bar),
      el("span", "ins-compare-value", `${formatCount(Math.round((1 - m.accuracy) * m.n))} wrong`),
    ];
  });
  const ratio = ((1 - base.accuracy) / (1 - mnist.accuracy)).toFixed(1);
  const note = `The network makes ${ratio}× fewer mistakes than a linear model on the same digits.`;
  return [...rows, el("p", "ins-compare-note", note)];
}

function showOverall(data) {
  const mnist = data.mnist_test;
  const base = data.baseline?.metrics?.mnist_test;
  const contributed = data.contributed;
  const sizes = data.model?.sizes;
  byId("mlp-accuracy").textContent = percent(mnist?.accuracy);
  byId("baseline-accuracy").textContent = base ? percent(base.accuracy) : "not available";
  byId("overall-arch").textContent = sizes ? `(${sizes.join("→")})` : "";
  if (sizes?.length > 2) byId("first-layer-units").textContent = formatCount(sizes[1]);
  if (isNumber(mnist?.n)) byId("mnist-n").textContent = formatCount(mnist.n);
  const out = byId("contributed-accuracy");
  const note = byId("contributed-note");
  const any = contributed?.n > 0;
  out.classList.toggle("is-missing", !any);
  if (any) {
    out.textContent = percent(contributed.accuracy);
    const right = Math.round(contributed.accuracy * contributed.n);
    const linear = data.baseline?.contributed?.accuracy;
    const versus = isNumber(linear) ? ` (the linear model: ${percent(linear)})` : "";
    note.textContent = `${formatCount(right)} of ${formatCount(contributed.n)} drawings read as labelled, by the active version now${versus}`;
  } else {
    out.textContent = "–";
    note.textContent = "No contributed drawings yet: draw some on the Collect page.";
  }
  const compare = byId("compare");
  compare.replaceChildren();
  if (mnist && base) {
    compare.append(...compareErrors(mnist, base));
    compare.removeAttribute("aria-hidden");
  }
}

function showPerDigit(data) {
  const series = [{ name: "This network", cls: "is-mnist", values: perDigit(data.mnist_test) }];
  const base = perDigit(data.baseline?.metrics?.mnist_test);
  if (base) series.push({ name: "Linear model", cls: "is-base", values: base });
  const contributed = perDigit(data.contributed);
  if (contributed && data.contributed.n > 0) {
    series.push({
      name: "Your drawings (this network)",
      cls: "is-contributed",
      values: contributed,
    });
  }
  byId("per-digit").replaceChildren(digitBars(series, "Accuracy per digit"));
  byId("per-digit-legend").replaceChildren(
    ...series.map((s) => legendItem(`sw-box ${s.cls}`, s.name)),
  );
}

function showAverageInputs(data) {
  const box = byId("average-inputs");
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
    img.alt =
      kind === "mean"
        ? `The average MNIST test image read as ${d}`
        : `How the images read as ${d} differ from the average image`;
    return el("figure", `ins-avg is-${kind}`, img, el("figcaption", null, String(d)));
  };
  const row = (label, sources, kind) =>
    el(
      "div",
      "ins-avg-row",
      el("span", "ins-avg-label", label),
      ...sources.map((src, d) => figure(src, d, kind)),
    );
  box.replaceChildren(
    row("Average input", averages.images, "mean"),
    row("Minus the average of all", averages.difference, "difference"),
  );
}

/** The learning curves of each version: loss, and accuracy, per epoch. */
function showCurves(data) {
  const curves = (data.curves || []).filter((c) => c.epochs.length);
  const box = byId("curves");
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
    lineChart({
      title: "Loss (cross-entropy)",
      lines: loss,
      maxEpoch,
      lo: 0,
      hi: Math.ceil(lossMax * 10) / 10,
      format: (t) => String(+t.toFixed(2)),
    }),
    lineChart({
      title: "Accuracy",
      lines: acc,
      maxEpoch,
      lo: Math.floor(accMin * 10) / 10,
      hi: 1,
      format: shortPercent,
    }),
  );
  byId("curves-legend").replaceChildren(
    ...curves.map((c, i) =>
      legendItem(
        `sw-line${i === 0 ? " is-active" : ""}`,
        i === 0 ? `${c.version} (active)` : c.version,
        PALETTE[i % PALETTE.length],
      ),
    ),
    legendItem("sw-line is-plain", "training"),
    legendItem("sw-line is-plain is-dashed", "validation"),
  );
}

export async function init() {
  const confusion = new ConfusionMatrix();
  let insights;
  try {
    insights = await api("/api/insights");
  } catch (error) {
    showError(error.message);
    return;
  } finally {
    byId("overall").removeAttribute("aria-busy");
  }
  showOverall(insights);
  showPerDigit(insights);
  confusion.load(insights);
  showCurves(insights);
  showAverageInputs(insights);
}
