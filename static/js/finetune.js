/**
 * finetune.js: the model page's fine-tune (admin). Start one (POST /api/admin/finetune),
 * then follow it (GET /api/admin/jobs/{id} every second) in the job panel: its status,
 * a progress meter, the stage and epoch, and at the end the new version and its scores.
 * The job followed is kept for the tab, so a reload picks it up again.
 */

import { adminApi, saveToken } from "./api.js";
import { byId, el } from "./dom.js";
import { isNumber } from "./format.js";
import { keep, kept } from "./storage.js";
import { showSaved } from "./toasts.js";
import { decisionText, scores } from "./versions-format.js";

const JOB_KEY = "digitpad.model.job"; // the job this tab follows, to resume after a reload
const POLL_MS = 1000;

const STATUS = {
  running: ["Running", "chip-active"],
  succeeded: ["Succeeded", "chip-ok"],
  failed: ["Failed", "chip-danger"],
  refused: ["Refused", "chip-danger"],
};

/** A job's progress in words: "training · epoch 2 of 5 · loss 0.1234". */
export function progressText(status, { stage, epoch, epochs, loss } = {}) {
  const parts = [];
  if (stage) parts.push(String(stage).replaceAll("_", " "));
  if (isNumber(epoch) && isNumber(epochs) && epochs > 0) parts.push(`epoch ${epoch} of ${epochs}`);
  if (isNumber(loss)) parts.push(`loss ${loss.toFixed(4)}`);
  if (parts.length) return parts.join(" · ");
  return status === "running" ? "starting…" : "";
}

/** The epochs field: {epochs} for the request, {} for the default, or {error}. */
export function epochsOption(text) {
  if (!text.trim()) return {};
  const epochs = Number(text);
  if (!Number.isInteger(epochs) || epochs < 1) {
    return { error: "Epochs must be a whole number of at least 1, or empty for the default." };
  }
  return { epochs };
}

/**
 * A job's result (the fine-tune's summary: version, decision, reason, before, after) as
 * nodes: the new version, what was decided and why, and the scores.
 */
function resultNodes(result) {
  if (!result || typeof result !== "object") return ["Done."];
  const card = result.card || {};
  const version = result.version || card.version;
  const ft = result.finetune || card.finetune || result;
  const nodes = [];
  if (version) nodes.push("New version ", el("code", null, version));
  const decision = result.decision || ft.decision;
  if (decision) nodes.push(nodes.length ? ": " : "", decisionText(decision).toLowerCase());
  const reason = result.reason || ft.reason;
  if (reason) nodes.push(el("span", "job-reason", String(reason)));
  const both = scores(ft);
  if (both.some(Boolean)) nodes.push(el("span", "job-scores", ...both));
  return nodes.length ? nodes : ["Done."];
}

/** The job panel (#job): its status chip and title, meter, progress and result lines. */
const panel = {
  status(status, title) {
    const job = byId("job");
    const [text, kind] = STATUS[status] || [status, "chip-muted"];
    job.hidden = false;
    job.dataset.status = status;
    byId("job-badge").textContent = text;
    byId("job-badge").className = `job-badge chip ${kind}`;
    byId("job-title").textContent = title;
  },

  meter(fraction, indeterminate = false) {
    const meter = byId("job-meter");
    const p = Math.max(0, Math.min(1, fraction));
    meter.hidden = false;
    meter.style.setProperty("--p", p.toFixed(4));
    meter.classList.toggle("is-indeterminate", indeterminate);
    if (indeterminate) meter.removeAttribute("aria-valuenow");
    else meter.setAttribute("aria-valuenow", String(Math.round(p * 100)));
  },

  detail(text) {
    byId("job-detail").textContent = text;
  },

  result(nodes, isError = false) {
    const result = byId("job-result");
    result.className = isError ? "job-result is-error" : "job-result";
    result.replaceChildren(...nodes);
  },

  /** A request refused before any job ran (bad token, admin disabled, bad input). */
  refused(message) {
    panel.status("refused", "The fine-tune did not start");
    byId("job-meter").hidden = true;
    panel.detail("");
    panel.result([message], true);
  },

  /** A job as GET /api/admin/jobs/{id} answers it. */
  job(data) {
    const status = data.status || "running";
    const { epoch, epochs } = data.progress || {};
    const counted = isNumber(epoch) && isNumber(epochs) && epochs > 0;
    panel.status(status, `Fine-tune #${data.id}`);
    if (status === "succeeded") panel.meter(1);
    else panel.meter(counted ? epoch / epochs : 0, status === "running" && !counted);
    panel.detail(progressText(status, data.progress));
    if (status === "failed") panel.result([data.error || "The fine-tune failed."], true);
    else if (status === "succeeded") panel.result(resultNodes(data.result));
    else panel.result([]);
  },
};

/**
 * Wire the fine-tune form (#admin-form) and resume the job this tab followed.
 * `token()`: the admin token typed on the page; `onFinished()`: a job succeeded.
 */
export function initFinetune({ token, onFinished }) {
  const startButton = byId("start-finetune");
  let polling = 0; // the timer of the next poll

  const request = (path, body) => adminApi(token(), path, { body });

  function follow(id) {
    clearTimeout(polling);
    keep(JOB_KEY, id);
    startButton.disabled = true;
    polling = setTimeout(() => poll(id), POLL_MS);
  }

  function stopFollowing() {
    clearTimeout(polling);
    polling = 0;
    keep(JOB_KEY, null);
    startButton.disabled = false;
  }

  async function poll(id) {
    let data;
    try {
      data = await request(`/api/admin/jobs/${encodeURIComponent(id)}`);
    } catch (error) {
      if (error.status === 0) {
        panel.detail(`${error.message} Retrying…`);
        polling = setTimeout(() => poll(id), POLL_MS * 3);
        return;
      }
      stopFollowing();
      panel.status("failed", `Fine-tune #${id}`);
      panel.result([error.message], true);
      return;
    }
    panel.job(data);
    if (data.status === "running") {
      polling = setTimeout(() => poll(id), POLL_MS);
      return;
    }
    stopFollowing();
    if (data.status === "succeeded") {
      showSaved(`Fine-tune #${id} finished.`);
      onFinished();
    }
  }

  async function start() {
    saveToken(token());
    if (!token()) {
      panel.refused("Enter the admin token first.");
      byId("admin-token").focus();
      return;
    }
    const { error: invalid, ...body } = epochsOption(byId("epochs").value);
    if (invalid) {
      panel.refused(invalid);
      byId("epochs").focus();
      return;
    }
    startButton.disabled = true;
    try {
      const data = await request("/api/admin/finetune", body);
      panel.job(data);
      follow(data.id);
    } catch (error) {
      const running = error.status === 409 ? error.data?.job : null;
      if (running?.id !== undefined) {
        panel.job(running);
        panel.detail(`Already running: ${byId("job-detail").textContent}`);
        follow(running.id);
      } else {
        panel.refused(error.message);
        startButton.disabled = false;
      }
    }
  }

  byId("admin-form").addEventListener("submit", (e) => {
    e.preventDefault();
    if (!startButton.disabled) start();
  });
  const resumed = kept(JOB_KEY);
  if (resumed && token()) follow(resumed);
}
