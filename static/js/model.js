/**
 * model.js: the model page. The active version and the history of versions (GET
 * /api/models); with an admin token (kept for the tab), a rollback to any version (POST
 * /api/models/{version}/activate) and a fine-tune (finetune.js).
 */

import { adminApi, api, bindTokenField } from "./api.js";
import { byId, el, setBusy } from "./dom.js";
import { initFinetune } from "./finetune.js";
import { countOf, formatDate, isNumber, percent } from "./format.js";
import { showError, showSaved } from "./toasts.js";
import { accuracy, accuracyCell, architecture, decisionChip, scores } from "./versions-format.js";

const COLUMNS = 7; // of the history table

/** Where a version came from: its parent and what it was tuned on, or its training data. */
function origin(entry, card) {
  if (entry.parent) {
    const samples = card.finetune?.samples;
    const tuned = isNumber(samples) ? ` on ${countOf(samples, "contributed drawing")}` : "";
    return ["Fine-tuned from ", el("code", null, entry.parent), tuned];
  }
  const real = accuracy(card, "unipen_test");
  return [
    card.training?.data?.source?.includes("UNIPEN")
      ? "Trained from scratch on MNIST and real pen-drawn digits (UNIPEN)"
      : "Trained from scratch on MNIST",
    isNumber(real) ? `; reads ${percent(real)} of the digits of people it never saw` : "",
  ];
}

/** The active version's card, in the facts at the top of the page. */
function showCurrent(entry) {
  const card = entry?.card || {};
  const contrib = accuracy(card, "contrib_test");
  byId("current-mnist").textContent = percent(accuracy(card, "mnist_test"));
  byId("current-contrib").textContent = isNumber(contrib) ? percent(contrib) : "not measured yet";
  byId("current-contrib").classList.toggle("is-missing", !isNumber(contrib));
  byId("current-arch").textContent = architecture(card);
  byId("current-created").textContent = formatDate(entry?.created_at || card.created);
  byId("current-origin").replaceChildren(...(entry ? origin(entry, card) : []));
  const command = byId("current-command");
  command.hidden = !card.training?.command;
  command.replaceChildren(...(command.hidden ? [] : [el("code", null, card.training.command)]));
}

/** One row of the history: `activate(version)` makes it live (its button shows with a token). */
function versionRow(entry, { token, activating, activate }) {
  const card = entry.card || {};
  const ft = card.finetune;
  const row = el("tr");
  row.dataset.version = entry.version;
  row.classList.toggle("is-active", Boolean(entry.active));
  const from = entry.parent
    ? el("span", "row-origin", "from ", el("code", null, entry.parent))
    : el("span", "row-origin", "trained from scratch");
  const name = el("th", "row-version", el("code", null, entry.version), from);
  name.scope = "row";

  const change = el("td", "row-change");
  if (ft) {
    change.append(...scores(ft).filter(Boolean));
    if (isNumber(ft.samples))
      change.append(el("span", "ba-samples", countOf(ft.samples, "drawing")));
  } else {
    change.append(el("span", "faint", "–"));
  }
  const decision = decisionChip(ft?.decision, ft?.reason) || el("span", "faint", "–");

  const status = el("td", "row-status");
  if (entry.active) {
    status.append(el("span", "chip chip-active", "Active"));
  } else {
    const button = el("button", "btn btn-small", "Activate");
    button.type = "button";
    button.dataset.testid = `activate-${entry.version}`;
    button.title = `Make ${entry.version} the live model`;
    button.hidden = !token;
    button.disabled = activating;
    button.addEventListener("click", () => activate(entry.version));
    status.append(button);
  }
  row.append(
    name,
    el("td", "row-date", formatDate(entry.created_at || card.created)),
    accuracyCell(accuracy(card, "mnist_test")),
    accuracyCell(accuracy(card, "contrib_test")),
    change,
    el("td", null, decision),
    status,
  );
  return row;
}

export function init() {
  const tokenInput = byId("admin-token");
  const rows = byId("versions-rows");
  let versions = []; // the last GET /api/models, newest first
  let activating = false;

  /** A row across the table with a message instead of versions. */
  function showMessage(text) {
    const cell = el("td", null, text);
    cell.colSpan = COLUMNS;
    rows.replaceChildren(el("tr", "versions-empty", cell));
  }

  function showVersions() {
    if (!versions.length) return showMessage("No versions yet.");
    const options = { token: tokenInput.value.trim(), activating, activate };
    rows.replaceChildren(...versions.map((entry) => versionRow(entry, options)));
  }

  async function refresh() {
    try {
      const data = await api("/api/models");
      versions = Array.isArray(data.versions) ? data.versions : [];
      const active =
        versions.find((v) => v.active) || versions.find((v) => v.version === data.active);
      const name = byId("active-version");
      name.textContent = data.active || active?.version || name.textContent;
      showCurrent(active);
      showVersions();
    } catch (error) {
      showMessage(`Can't load the versions: ${error.message}`);
      showError(error.message);
    } finally {
      setBusy(byId("current"), false);
      setBusy(byId("history"), false);
    }
  }

  async function activate(version) {
    if (activating) return;
    activating = true;
    showVersions();
    try {
      const path = `/api/models/${encodeURIComponent(version)}/activate`;
      await adminApi(tokenInput.value.trim(), path, { body: {} });
      showSaved(`Version ${version} is now the live model.`);
    } catch (error) {
      showError(error.message);
    } finally {
      activating = false;
    }
    await refresh();
  }

  bindTokenField(tokenInput, (token) => {
    for (const button of rows.querySelectorAll("button")) button.hidden = !token;
  });
  refresh();
  initFinetune({ token: () => tokenInput.value.trim(), onFinished: refresh });
}
