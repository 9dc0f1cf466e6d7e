/**
 * confusion.js: the insights page's confusion matrix, a heat map of true digit against
 * digit read, for the MNIST test set (the network or the linear model) or the
 * contributed drawings; a mistake's cell opens the images behind it (GET
 * /api/insights/mistakes) with each one's three most likely digits.
 */

import { api } from "./api.js";
import { byId, el } from "./dom.js";
import { percent } from "./format.js";
import { showError } from "./toasts.js";

/** The matrices the toggle offers: their name, metrics and where their mistakes are. */
const SETS = {
  mnist: {
    name: "MNIST test",
    metrics: (d) => d.mnist_test,
    query: "source=mnist&of=active",
  },
  baseline: {
    name: "Linear model, MNIST test",
    metrics: (d) => d.baseline?.metrics?.mnist_test,
    query: "source=mnist&of=baseline",
  },
  contributed: {
    name: "Your drawings",
    metrics: (d) => d.contributed,
    query: "source=contributed&of=active",
  },
};

/**
 * How dark each cell of a confusion matrix is (0..1): right answers against the most
 * right, mistakes against the most mistakes, on a square-root scale so that a handful
 * of mistakes still shows beside hundreds.
 */
export function shades(cm) {
  const diagMax = Math.max(1, ...cm.map((row, t) => row[t]));
  const offMax = Math.max(1, ...cm.flatMap((row, t) => row.filter((_, p) => p !== t)));
  return cm.map((row, t) => row.map((n, p) => Math.sqrt(n / (t === p ? diagMax : offMax))));
}

/** The note above a cell's images: whose labels, which model, and how many are shown. */
export function mistakesNote(set, truth, predicted, shown, count) {
  if (!shown) return "None any more: the drawings may have been relabelled or deleted.";
  const who = set === "contributed" ? "the person who drew it" : "MNIST";
  const model = set === "baseline" ? "the linear model" : "the active version";
  const some = shown < count ? ` The ${shown} it was surest of are shown.` : "";
  return `Labelled ${truth} by ${who}; ${model} reads ${predicted}. Its three most likely digits under each.${some}`;
}

/** "3 images", "1 image". */
const images = (n) => `${n} ${n === 1 ? "image" : "images"}`;

/** One image behind a cell, with its three most likely digits (the true one marked). */
function mistakeItem(item, truth) {
  const img = el("img");
  img.src = item.image_url;
  img.alt =
    item.mnist_index === undefined
      ? `A drawing labelled ${truth}`
      : `MNIST test image ${item.mnist_index}, labelled ${truth}`;
  img.width = 84;
  img.height = 84;
  img.loading = "lazy";
  const top = item.probabilities
    .map((p, d) => [d, p])
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3);
  const digits = top.map(([d, p]) =>
    el(
      "li",
      d === truth ? "is-truth" : null,
      el("span", "ins-prob-digit", String(d)),
      el("span", "ins-prob-value", percent(p)),
    ),
  );
  const li = el("li", "ins-mistake", img, el("ol", "ins-probs", ...digits));
  if (item.id !== undefined) li.dataset.sampleId = String(item.id);
  if (item.mnist_index !== undefined) li.title = `MNIST test image #${item.mnist_index}`;
  return li;
}

export class ConfusionMatrix {
  constructor() {
    this.insights = null; // GET /api/insights
    this.set = "mnist"; // the matrix shown
    this.asked = 0; // the newest mistakes request, so a late answer can't replace a newer one
    this.toggles = [...byId("confusion-sets").querySelectorAll("button[aria-pressed]")];
    for (const button of this.toggles) {
      button.addEventListener("click", () => {
        if (!this.insights || button.disabled) return;
        this.closeMistakes();
        this.show(button.value);
      });
    }
    byId("close-mistakes").addEventListener("click", () => this.closeMistakes());
  }

  /** Show the matrices of `insights`, the MNIST one first. */
  load(insights) {
    this.insights = insights;
    const contributed = byId("show-contributed");
    contributed.disabled = !(insights.contributed?.n > 0);
    contributed.title = contributed.disabled ? "No contributed drawings yet" : "";
    const baseline = byId("show-baseline");
    baseline.disabled = !insights.baseline?.metrics?.mnist_test;
    baseline.title = baseline.disabled ? "No linear baseline in this install" : "";
    this.show("mnist");
  }

  show(set) {
    this.set = set;
    for (const button of this.toggles) {
      button.setAttribute("aria-pressed", String(button.value === set));
    }
    const grid = byId("confusion");
    grid.replaceChildren();
    grid.dataset.set = set;
    const metrics = SETS[set].metrics(this.insights);
    if (!metrics) return;
    const cm = metrics.confusion_matrix;
    const shade = shades(cm);
    grid.append(
      el("span", "ins-cm-corner", el("span", null, "true ↓"), el("span", null, "read →")),
    );
    for (let p = 0; p < 10; p++) grid.append(el("span", "ins-cm-head", String(p)));
    cm.forEach((row, t) => {
      grid.append(el("span", "ins-cm-head ins-cm-row", String(t)));
      grid.append(...row.map((count, p) => this.cell(t, p, count, shade[t][p])));
    });
  }

  /** The cell of true digit `t` read as `p`; a mistake's cell is a button. */
  cell(t, p, count, shade) {
    const right = t === p;
    const clickable = !right && count > 0;
    const kind = `ins-cell ${right ? "is-diag" : "is-error"}${count ? "" : " is-zero"}`;
    const cell = el(clickable ? "button" : "span", kind, String(count));
    cell.dataset.testid = `cell-${t}-${p}`;
    cell.dataset.count = String(count);
    cell.style.setProperty("--v", shade.toFixed(3));
    cell.title = `${images(count)} of ${t} ${right ? "read right" : `read as ${p}`}`;
    if (clickable) {
      cell.type = "button";
      cell.addEventListener("click", () => this.showMistakes(t, p, count));
    }
    return cell;
  }

  async showMistakes(truth, predicted, count) {
    const set = this.set;
    const asked = ++this.asked;
    const panel = byId("mistakes");
    const note = byId("mistakes-note");
    const list = byId("mistakes-list");
    byId("mistakes-title").textContent =
      `${SETS[set].name}: ${images(count)} of ${truth} read as ${predicted}`;
    note.textContent = "Loading…";
    list.replaceChildren();
    panel.hidden = false;
    panel.setAttribute("aria-busy", "true");
    const query = `true=${truth}&predicted=${predicted}&${SETS[set].query}`;
    try {
      const data = await api(`/api/insights/mistakes?${query}`);
      if (asked !== this.asked) return;
      note.textContent = mistakesNote(set, truth, predicted, data.items.length, count);
      list.replaceChildren(...data.items.map((item) => mistakeItem(item, truth)));
    } catch (error) {
      if (asked !== this.asked) return;
      note.textContent = error.status === 404 ? error.message : "";
      if (error.status !== 404) showError(error.message);
    } finally {
      if (asked === this.asked) panel.removeAttribute("aria-busy");
    }
    panel.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  closeMistakes() {
    this.asked++;
    byId("mistakes").hidden = true;
  }
}
