/**
 * model.js: the model page. The active version and the history of versions
 * (GET /api/models); with an admin token (kept in sessionStorage), a fine-tune
 * (POST /api/admin/finetune, then GET /api/admin/jobs/{id} every second) and a
 * rollback to any version (POST /api/models/{version}/activate).
 */

import {
  adminApi,
  api,
  el,
  formatCount,
  isNumber,
  percent,
  saveToken,
  savedToken,
  showError,
  showSaved,
} from "./common.js";
import {
  accuracy,
  accuracyCell,
  architecture,
  decisionChip,
  formatDate,
  points,
} from "./versions-format.js";

const JOB_KEY = "digitpad.model.job"; // the job this tab follows, to resume after a reload
const POLL_MS = 1000;

const $ = (selector) => document.querySelector(selector);
const testid = (id) => document.querySelector(`[data-testid="${id}"]`);

const current = $(".current");
const activeVersion = testid("active-version");
const field = (name) => current.querySelector(`[data-field="${name}"]`);
const history = $(".history");
const rows = testid("versions").querySelector("tbody");
const form = testid("admin-form");
const tokenInput = testid("admin-token");
const epochsInput = testid("epochs");
const startButton = testid("start-finetune");
const job = testid("job-status");
const jobBadge = job.querySelector(".job-badge");
const jobTitle = job.querySelector(".job-title");
const meter = job.querySelector(".meter");
const jobDetail = job.querySelector(".job-detail");
const jobResult = job.querySelector(".job-result");

let versions = []; // the last GET /api/models, newest first
let polling = 0; // the timer of the next job poll
let activating = false;

// --- the active version and the history -------------------------------------------------

function showCurrent(entry) {
  const card = entry?.card || {};
  const mnist = accuracy(card, "mnist_test");
  const contrib = accuracy(card, "contrib_test");
  field("mnist").textContent = percent(mnist);
  field("contrib").textContent = isNumber(contrib) ? percent(contrib) : "not measured yet";
  field("contrib").classList.toggle("is-missing", !isNumber(contrib));
  field("arch").textContent = architecture(card);
  field("created").textContent = formatDate(entry?.created_at || card.created);
  const origin = field("origin");
  origin.replaceChildren();
  if (entry?.parent) {
    const samples = card.finetune?.samples;
    origin.append(
      "Fine-tuned from ",
      el("code", null, entry.parent),
      isNumber(samples) ? ` on ${formatCount(samples)} contributed ${samples === 1 ? "drawing" : "drawings"}` : "",
    );
  } else if (entry) {
    const real = accuracy(card, "unipen_test");
    origin.append(
      card.training?.data?.source?.includes("UNIPEN")
        ? "Trained from scratch on MNIST and real pen-drawn digits (UNIPEN)"
        : "Trained from scratch on MNIST",
      isNumber(real) ? `; reads ${percent(real)} of the digits of people it never saw` : "",
    );
  }
  const command = field("command");
  command.hidden = !card.training?.command;
  if (card.training?.command) command.replaceChildren(el("code", null, card.training.command));
}

/** "99.07% → 99.10% +0.03 pts" for a fine-tune's score on one test set. */
function beforeAfter(label, before, after) {
  if (!isNumber(before) || !isNumber(after)) return null;
  const d = after - before;
  const trend = d > 0.00005 ? "is-up" : d < -0.00005 ? "is-down" : "is-flat";
  return el(
    "span",
    "ba",
    el("span", "ba-label", label),
    el("span", "ba-values", `${percent(before)} → ${percent(after)}`),
    el("span", `ba-delta ${trend}`, points(before, after)),
  );
}

function versionRow(entry, token) {
  const card = entry.card || {};
  const ft = card.finetune;
  const row = el("tr");
  row.dataset.version = entry.version;
  row.classList.toggle("is-active", Boolean(entry.active));

  const origin = entry.parent
    ? el("span", "row-origin", "from ", el("code", null, entry.parent))
    : el("span", "row-origin", "trained from scratch");
  row.append(
    el("th", "row-version", el("code", null, entry.version), origin),
    el("td", "row-date", formatDate(entry.created_at || card.created)),
    accuracyCell(accuracy(card, "mnist_test")),
    accuracyCell(accuracy(card, "contrib_test")),
  );
  row.firstChild.scope = "row";

  const change = el("td", "row-change");
  if (ft) {
    change.append(
      beforeAfter("MNIST", ft.before?.mnist_test, ft.after?.mnist_test),
      beforeAfter("Yours", ft.before?.contrib_test, ft.after?.contrib_test),
    );
    if (isNumber(ft.samples)) {
      change.append(el("span", "ba-samples", `${formatCount(ft.samples)} ${ft.samples === 1 ? "drawing" : "drawings"}`));
    }
  } else {
    change.append(el("span", "faint", "–"));
  }
  row.append(change, el("td", null, decisionChip(ft?.decision, ft?.reason) || el("span", "faint", "–")));

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
  row.append(status);
  return row;
}

function showVersions() {
  const token = (savedToken() || tokenInput.value.trim());
  if (!versions.length) {
    rows.replaceChildren(el("tr", "versions-empty", el("td", null, "No versions yet.")));
    rows.querySelector("td").colSpan = 7;
    return;
  }
  rows.replaceChildren(...versions.map((entry) => versionRow(entry, token)));
}

async function refresh() {
  try {
    const data = await api("/api/models");
    versions = Array.isArray(data.versions) ? data.versions : [];
    const active = versions.find((v) => v.active) || versions.find((v) => v.version === data.active);
    activeVersion.textContent = data.active || active?.version || activeVersion.textContent;
    showCurrent(active);
    showVersions();
  } catch (error) {
    rows.replaceChildren(el("tr", "versions-empty", el("td", null, `Can't load the versions: ${error.message}`)));
    rows.querySelector("td").colSpan = 7;
    showError(error.message);
  } finally {
    current.setAttribute("aria-busy", "false");
    history.setAttribute("aria-busy", "false");
  }
}

// --- admin: the token, fine-tunes, rollback ---------------------------------------------

/** An admin request with the token typed on this page; `body` makes it a POST. */
function adminRequest(path, body) {
  return adminApi(tokenInput.value.trim(), path, { body });
}

const STATUS_TEXT = { running: "Running", succeeded: "Succeeded", failed: "Failed", refused: "Refused" };

function setJobStatus(status, title) {
  job.hidden = false;
  job.dataset.status = status;
  jobBadge.textContent = STATUS_TEXT[status] || status;
  jobBadge.className = `job-badge chip ${
    { running: "chip-active", succeeded: "chip-ok", failed: "chip-danger", refused: "chip-danger" }[status] || "chip-muted"
  }`;
  jobTitle.textContent = title;
}

function setMeter(fraction, indeterminate = false) {
  const p = Math.max(0, Math.min(1, fraction));
  meter.style.setProperty("--p", p.toFixed(4));
  meter.classList.toggle("is-indeterminate", indeterminate);
  if (indeterminate) meter.removeAttribute("aria-valuenow");
  else meter.setAttribute("aria-valuenow", String(Math.round(p * 100)));
}

/** A request refused before any job ran (bad token, admin disabled, bad input). */
function showRefused(message) {
  setJobStatus("refused", "The fine-tune did not start");
  meter.hidden = true;
  jobDetail.textContent = "";
  jobResult.textContent = message;
  jobResult.className = "job-result is-error";
}

/**
 * Describe a job's result (the fine-tune's summary: version, decision, reason, before,
 * after): the new version, what was decided and why, and the scores.
 */
function resultNodes(result) {
  if (!result || typeof result !== "object") return ["Done."];
  const card = result.card || {};
  const version = result.version || card.version;
  const ft = result.finetune || card.finetune || result;
  const nodes = [];
  if (version) nodes.push("New version ", el("code", null, version));
  const decision = result.decision || ft.decision;
  if (decision) nodes.push(nodes.length ? ": " : "", (DECISIONS[decision]?.[0] || decision).toLowerCase());
  const reason = result.reason || ft.reason;
  if (reason) nodes.push(el("span", "job-reason", String(reason)));
  const mnist = beforeAfter("MNIST", ft.before?.mnist_test, ft.after?.mnist_test);
  const contrib = beforeAfter("Yours", ft.before?.contrib_test, ft.after?.contrib_test);
  if (mnist || contrib) nodes.push(el("span", "job-scores", mnist, contrib));
  return nodes.length ? nodes : ["Done."];
}

function showJob(data) {
  const status = data.status || "running";
  const progress = data.progress || {};
  setJobStatus(status, `Fine-tune #${data.id}`);
  meter.hidden = false;
  const { stage, epoch, epochs, loss } = progress;
  const counted = isNumber(epoch) && isNumber(epochs) && epochs > 0;
  if (status === "succeeded") setMeter(1);
  else setMeter(counted ? epoch / epochs : 0, status === "running" && !counted);
  const parts = [];
  if (stage) parts.push(String(stage).replaceAll("_", " "));
  if (counted) parts.push(`epoch ${epoch} of ${epochs}`);
  if (isNumber(loss)) parts.push(`loss ${loss.toFixed(4)}`);
  jobDetail.textContent = parts.length ? parts.join(" · ") : status === "running" ? "starting…" : "";
  if (status === "failed") {
    jobResult.className = "job-result is-error";
    jobResult.textContent = data.error || "The fine-tune failed.";
  } else if (status === "succeeded") {
    jobResult.className = "job-result";
    jobResult.replaceChildren(...resultNodes(data.result));
  } else {
    jobResult.textContent = "";
  }
}

function follow(id) {
  clearTimeout(polling);
  try {
    sessionStorage.setItem(JOB_KEY, String(id));
  } catch {
    // not resumable after a reload; polling still works
  }
  startButton.disabled = true;
  polling = setTimeout(() => poll(id), POLL_MS);
}

function stopFollowing() {
  clearTimeout(polling);
  polling = 0;
  try {
    sessionStorage.removeItem(JOB_KEY);
  } catch {
    // nothing stored
  }
  startButton.disabled = false;
}

async function poll(id) {
  let data;
  try {
    data = await adminRequest(`/api/admin/jobs/${encodeURIComponent(id)}`);
  } catch (error) {
    if (error.status === 0) {
      jobDetail.textContent = `${error.message} Retrying…`;
      polling = setTimeout(() => poll(id), POLL_MS * 3);
      return;
    }
    stopFollowing();
    setJobStatus("failed", `Fine-tune #${id}`);
    jobResult.className = "job-result is-error";
    jobResult.textContent = error.message;
    return;
  }
  showJob(data);
  if (data.status === "running") {
    polling = setTimeout(() => poll(id), POLL_MS);
    return;
  }
  stopFollowing();
  if (data.status === "succeeded") {
    showSaved(`Fine-tune #${id} finished.`);
    refresh();
  }
}

async function startFinetune() {
  const token = tokenInput.value.trim();
  saveToken(token);
  if (!token) {
    showRefused("Enter the admin token first.");
    tokenInput.focus();
    return;
  }
  const body = {};
  const epochs = Number.parseInt(epochsInput.value, 10);
  if (epochsInput.value.trim()) {
    if (!Number.isInteger(epochs) || epochs < 1) {
      showRefused("Epochs must be a whole number of at least 1, or empty for the default.");
      epochsInput.focus();
      return;
    }
    body.epochs = epochs;
  }
  startButton.disabled = true;
  try {
    const data = await adminRequest("/api/admin/finetune", body);
    showJob(data);
    follow(data.id);
  } catch (error) {
    const running = error.status === 409 ? error.data?.job : null;
    if (running?.id !== undefined) {
      showJob(running);
      jobDetail.textContent = `Already running: ${jobDetail.textContent}`;
      follow(running.id);
    } else {
      showRefused(error.message);
      startButton.disabled = false;
    }
  }
}

async function activate(version) {
  if (activating) return;
  activating = true;
  showVersions();
  try {
    await adminRequest(`/api/models/${encodeURIComponent(version)}/activate`, {});
    showSaved(`Version ${version} is now the live model.`);
  } catch (error) {
    showError(error.message);
  } finally {
    activating = false;
  }
  await refresh();
}

form.addEventListener("submit", (e) => {
  e.preventDefault();
  if (!startButton.disabled) startFinetune();
});

tokenInput.addEventListener("input", () => {
  saveToken(tokenInput.value.trim());
  const token = Boolean(tokenInput.value.trim());
  for (const button of rows.querySelectorAll("[data-testid^='activate-']")) button.hidden = !token;
});

tokenInput.value = (savedToken() || tokenInput.value.trim());
refresh();
const resumed = (() => {
  try {
    return sessionStorage.getItem(JOB_KEY);
  } catch {
    return null;
  }
})();
if (resumed && tokenInput.value) follow(resumed);
