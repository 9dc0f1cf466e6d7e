/**
 * charts.js: the small SVG charts of the insights page, drawn without a chart library.
 * Colours come from CSS classes (static/css/charts.css) or a `--c` custom property.
 */

import { el, svg } from "./dom.js";
import { isNumber, percent, shortPercent } from "./format.js";

/** About `n` round tick values from `lo` to `hi` (steps of 1, 2, 2.5 or 5 times a power of 10). */
export function ticks(lo, hi, n = 5) {
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-6; v += step)
    out.push(+v.toFixed(10));
  return out;
}

/** A legend entry: a swatch (class `swatchClass`, e.g. "sw-line is-dashed") and its text. */
export function legendItem(swatchClass, text, color) {
  const swatch = el("span", `ins-swatch ${swatchClass}`);
  if (color) swatch.style.setProperty("--c", color);
  return el("span", "ins-legend-item", swatch, text);
}

/**
 * Bars of accuracy per digit, one group per digit: `series` of {name, cls, values: [10
 * accuracies or null]}. The axis starts below the lowest bar, at a tenth, so the
 * differences show.
 */
export function digitBars(series, label) {
  const all = series.flatMap((s) => s.values).filter(isNumber);
  const lo = Math.min(0.9, Math.floor(Math.min(...all) * 10) / 10);
  const W = 560;
  const H = 230;
  const m = { top: 22, right: 8, bottom: 28, left: 44 };
  const iw = W - m.left - m.right;
  const ih = H - m.top - m.bottom;
  const y = (v) => m.top + ih * (1 - (v - lo) / (1 - lo));
  const group = iw / 10;
  const barW = Math.min(26, (group * 0.72) / series.length);
  const chart = svg("svg", {
    viewBox: `0 0 ${W} ${H}`,
    class: "ins-svg",
    role: "img",
    "aria-label": label,
  });
  for (const t of ticks(lo, 1, 4)) {
    chart.append(
      svg("line", { class: "ins-grid-line", x1: m.left, x2: W - m.right, y1: y(t), y2: y(t) }),
      svg(
        "text",
        { class: "ins-tick", x: m.left - 6, y: y(t) + 4, "text-anchor": "end" },
        shortPercent(t),
      ),
    );
  }
  for (let d = 0; d < 10; d++) {
    const x0 = m.left + d * group + (group - barW * series.length) / 2;
    series.forEach((s, i) => {
      const v = s.values[d];
      const x = x0 + i * barW;
      if (!isNumber(v)) {
        chart.append(
          svg(
            "text",
            { class: "ins-tick", x: x + barW / 2, y: y(lo) - 4, "text-anchor": "middle" },
            "–",
          ),
        );
        return;
      }
      const top = y(Math.max(v, lo));
      chart.append(
        svg(
          "rect",
          {
            class: `ins-bar ${s.cls}`,
            x: x + 1,
            y: top,
            width: barW - 2,
            height: Math.max(0, y(lo) - top),
            rx: 3,
            "data-digit": d,
          },
          svg("title", {}, `${d}: ${percent(v)} (${s.name})`),
        ),
      );
      if (series.length === 1) {
        chart.append(
          svg(
            "text",
            { class: "ins-bar-value", x: x + barW / 2, y: top - 5, "text-anchor": "middle" },
            (100 * v).toFixed(1),
          ),
        );
      }
    });
    chart.append(
      svg(
        "text",
        {
          class: "ins-axis-digit",
          x: m.left + d * group + group / 2,
          y: H - 8,
          "text-anchor": "middle",
        },
        String(d),
      ),
    );
  }
  chart.append(
    svg("line", { class: "ins-axis", x1: m.left, x2: W - m.right, y1: y(lo), y2: y(lo) }),
  );
  return chart;
}

/** One line chart: `lines` of {values: [[epoch, y]], color, active, dashed, version, series}. */
export function lineChart({ title, lines, maxEpoch, lo, hi, format }) {
  const W = 520;
  const H = 240;
  const m = { top: 26, right: 12, bottom: 34, left: 48 };
  const iw = W - m.left - m.right;
  const ih = H - m.top - m.bottom;
  const x = (e) => m.left + (maxEpoch > 1 ? ((e - 1) / (maxEpoch - 1)) * iw : iw / 2);
  const y = (v) => m.top + ih * (1 - (v - lo) / (hi - lo || 1));
  const chart = svg("svg", {
    viewBox: `0 0 ${W} ${H}`,
    class: "ins-svg",
    role: "img",
    "aria-label": title,
  });
  chart.append(svg("text", { class: "ins-chart-title", x: m.left, y: 14 }, title));
  for (const t of ticks(lo, hi, 4)) {
    chart.append(
      svg("line", { class: "ins-grid-line", x1: m.left, x2: W - m.right, y1: y(t), y2: y(t) }),
      svg(
        "text",
        { class: "ins-tick", x: m.left - 6, y: y(t) + 4, "text-anchor": "end" },
        format(t),
      ),
    );
  }
  for (const t of ticks(1, maxEpoch, Math.min(8, Math.max(1, maxEpoch - 1)))) {
    if (!Number.isInteger(t)) continue;
    chart.append(
      svg("line", { class: "ins-axis", x1: x(t), x2: x(t), y1: y(lo), y2: y(lo) + 4 }),
      svg(
        "text",
        { class: "ins-tick", x: x(t), y: y(lo) + 17, "text-anchor": "middle" },
        String(t),
      ),
    );
  }
  chart.append(
    svg("line", { class: "ins-axis", x1: m.left, x2: W - m.right, y1: y(lo), y2: y(lo) }),
    svg("line", { class: "ins-axis", x1: m.left, x2: m.left, y1: m.top, y2: y(lo) }),
    svg(
      "text",
      { class: "ins-axis-label", x: m.left + iw / 2, y: H - 2, "text-anchor": "middle" },
      "epoch",
    ),
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
