/**
 * toasts.js: the short messages at the bottom of every page (templates/base.html): one
 * for what went well (#saved-toast, role status), one for errors (#error-toast, role
 * alert, with a close button). Each hides itself after a while.
 */

import { byId } from "./dom.js";

const SAVED_MS = 4500;
const ERROR_MS = 6000;
const LEAVE_MS = 200; // the fade-out in CSS (.toast.leaving)

const timers = new WeakMap();

/** Show the toast `id` with `text` for `ms` milliseconds, then fade it out. */
function showToast(id, text, ms) {
  const toast = byId(id);
  byId(`${id}-text`).textContent = text;
  toast.hidden = false;
  toast.classList.remove("leaving");
  clearTimeout(timers.get(toast));
  const leave = () => {
    toast.classList.add("leaving");
    timers.set(
      toast,
      setTimeout(() => {
        toast.hidden = true;
      }, LEAVE_MS),
    );
  };
  timers.set(toast, setTimeout(leave, ms));
}

/** Hide the toast `id` at once. */
function hideToast(id) {
  const toast = byId(id);
  if (toast.hidden) return;
  clearTimeout(timers.get(toast));
  toast.hidden = true;
}

/** Say what went wrong. */
export function showError(text) {
  showToast("error-toast", text, ERROR_MS);
}

/**
 * Say what went well; an error still on screen is no longer news. `mine`: a drawing was
 * saved, so the toast links to the page of this browser's drawings.
 */
export function showSaved(text, { mine = false } = {}) {
  hideToast("error-toast");
  byId("saved-toast-mine").hidden = !mine;
  showToast("saved-toast", text, SAVED_MS);
}

/** Wire the error toast's close button; main.js runs this on every page. */
export function initToasts() {
  byId("error-toast-close").addEventListener("click", () => hideToast("error-toast"));
}
