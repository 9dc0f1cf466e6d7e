/**
 * review.js: the review queue of the samples page (admin). With the admin token typed
 * on the page (kept for the tab by api.js), "Review queue" lists the flagged drawings,
 * newest first, a page at a time (GET /api/samples?status=flagged), one ReviewItem each
 * (review-item.js). One drawing is current: highlighted, focused, described to screen
 * readers. The keys of review-keys.js, or each drawing's buttons, accept, reject or
 * relabel it (PATCH /api/samples/{id}); it then leaves the queue and the next one
 * becomes current. What was decided is said in a live region, errors in an alert.
 */

import { adminApi, apiPath, saveToken } from "./api.js";
import { byId, setBusy } from "./dom.js";
import { countOf } from "./format.js";
import { itemSummary, ReviewItem } from "./review-item.js";
import {
  decisionBody,
  indexAfterRemoval,
  isDecision,
  movedIndex,
  reviewAction,
} from "./review-keys.js";

/** The first page of the queue. */
export const QUEUE_PATH = "/api/samples?status=flagged&limit=50";

const VERBS = { accept: "accept", reject: "reject", relabel: "relabel" };

/** The queue's count line: `n` drawings listed, `more` after them. */
export function queueCount(n, more) {
  if (!n) return more ? "" : "No flagged drawings.";
  const listed = countOf(n, "flagged drawing");
  return more ? `${listed} listed, more after them.` : `${listed}.`;
}

/** What was decided on `sample` (as it was before the decision) in words. */
export function decisionText(sample, action) {
  const which = `Drawing #${sample.id}`;
  if (action.kind === "reject") return `${which} rejected.`;
  if (action.kind === "relabel" && action.label !== sample.label) {
    return `${which} relabelled ${action.label} and accepted.`;
  }
  return `${which} accepted as ${sample.label}.`;
}

/** A failed request's error as the reviewer needs it. */
export function reviewErrorText(error) {
  if (error.status === 401) return "the admin token is wrong. Check it and try again.";
  return error.message; // 403: admin requests are off on this server; 0: no connection
}

/**
 * Wire the queue (#review) to the form that opens it (#review-form, the token field in
 * it). `onOpen()` and `onClose()` let the page hide and bring back its gallery.
 */
export function initReview({ tokenInput, onOpen, onClose }) {
  const section = byId("review");
  const openButton = byId("review-open");
  const closeButton = byId("review-close");
  const list = byId("review-list");
  const count = byId("review-count");
  const empty = byId("review-empty");
  const said = byId("review-said");
  const problem = byId("review-error");
  const more = byId("review-more");
  const token = () => tokenInput.value.trim();
  let items = []; // the ReviewItems listed, in order
  let current = -1; // the index of the current one
  let next = null; // the path of the next page, or null at the end
  let listed = false; // whether a listing answered since the queue opened
  let generation = 0; // bumped on opening and closing: late answers are dropped
  let loading = false;

  const fail = (message) => {
    problem.textContent = message;
    problem.hidden = !message;
  };

  function showCount() {
    count.textContent = listed ? queueCount(items.length, Boolean(next)) : "";
    empty.hidden = !listed || items.length > 0 || Boolean(next);
    more.hidden = !next;
  }

  /** Make the drawing at `index` current; `focus` moves the focus to it. */
  function setCurrent(index, focus = true) {
    current = index;
    items.forEach((item, i) => {
      item.setCurrent(i === index, itemSummary(item.sample, i + 1, items.length));
    });
    const item = items[index];
    if (!item || !focus) return;
    item.node.focus({ preventScroll: true });
    item.node.scrollIntoView({ block: "nearest" });
  }

  /** Load the first page (replacing the queue) or, with `path`, the next one. */
  async function load(path, focus = true) {
    const mine = generation;
    loading = true;
    more.disabled = true;
    setBusy(list, true);
    try {
      const page = await adminApi(token(), path || QUEUE_PATH);
      if (mine !== generation) return;
      const made = page.items.map((sample) => {
        const item = new ReviewItem(sample, { decide: (action) => decide(item, action) });
        return item;
      });
      const first = items.length;
      items.push(...made);
      list.append(...made.map((item) => item.node));
      next = page.next ? apiPath(page.next) : null;
      listed = true;
      fail("");
      if (made.length) setCurrent(current < 0 ? first : current, focus && current < 0);
    } catch (error) {
      if (mine !== generation) return;
      fail(`Can't load the review queue: ${reviewErrorText(error)}`);
      if (error.status === 401) tokenInput.focus();
    } finally {
      if (mine === generation) {
        loading = false;
        more.disabled = false;
        setBusy(list, false);
        showCount();
      }
    }
  }

  /** Take `item` out of the queue, saying `text`; the next one becomes current. */
  function remove(item, text) {
    const index = items.indexOf(item);
    if (index < 0) return;
    const hadFocus = item.node.contains(document.activeElement);
    items.splice(index, 1);
    item.node.remove();
    const to = indexAfterRemoval(current, index, items.length);
    said.textContent = items.length || next ? text : `${text} The queue is empty.`;
    if (items.length) {
      setCurrent(to, hadFocus || index === current);
    } else {
      current = -1;
      if (next && !loading) load(next, hadFocus);
      else if (hadFocus) closeButton.focus();
    }
    showCount();
  }

  async function decide(item, action) {
    if (item.busy) return;
    const mine = generation;
    const { id } = item.sample;
    item.setBusy(true);
    fail("");
    try {
      const path = `/api/samples/${id}`;
      await adminApi(token(), path, { method: "PATCH", body: decisionBody(action) });
      if (mine === generation) remove(item, decisionText(item.sample, action));
    } catch (error) {
      if (mine !== generation) return;
      item.setBusy(false);
      if (error.status === 404) remove(item, `Drawing #${id} is gone: it was deleted.`);
      else fail(`Can't ${VERBS[action.kind]} drawing #${id}: ${reviewErrorText(error)}`);
    }
  }

  function open() {
    saveToken(token());
    generation += 1;
    items = [];
    current = -1;
    next = null;
    listed = false;
    list.replaceChildren();
    said.textContent = "";
    section.hidden = false;
    openButton.setAttribute("aria-expanded", "true");
    onOpen();
    if (token()) {
      load();
    } else {
      fail("Enter the admin token first.");
      tokenInput.focus();
    }
    showCount();
  }

  function close() {
    generation += 1;
    items = [];
    list.replaceChildren();
    fail("");
    section.hidden = true;
    openButton.setAttribute("aria-expanded", "false");
    onClose();
    openButton.focus();
  }

  function onKey(event) {
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const action = reviewAction(event);
    if (!action) return;
    event.preventDefault();
    const item = items[current];
    if (action.kind === "close") {
      if (item?.relabelling) item.closeRelabel();
      else close();
    } else if (isDecision(action)) {
      if (item) decide(item, action);
    } else if (items.length) {
      const atEnd = action.kind === "move" && action.by > 0 && current === items.length - 1;
      if (atEnd && next && !loading) load(next, false);
      setCurrent(movedIndex(current, action, items.length));
    }
  }

  byId("review-form").addEventListener("submit", (event) => {
    event.preventDefault();
    open();
  });
  closeButton.addEventListener("click", close);
  more.addEventListener("click", () => {
    if (next && !loading) load(next, false);
  });
  section.addEventListener("keydown", onKey);
  // A click or a Tab into another drawing makes it the current one.
  list.addEventListener("focusin", (event) => {
    const index = items.findIndex((item) => item.node.contains(event.target));
    if (index >= 0 && index !== current) setCurrent(index, false);
  });
}
