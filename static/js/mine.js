/**
 * mine.js: "My drawings" (/mine). The drawings this browser saved, found by its
 * contributor id (contributor.js): GET /api/contributors/{id}/samples, newest first, a
 * page at a time, one tile each (sample-tiles.js, with Delete alone and the drawing's
 * moderation status: accepted, waiting for review, rejected); a link to download
 * them as ndjson; "Delete all my drawings" (DELETE /api/contributors/{id}) behind a
 * question. The server answers 404 for an id with no drawings: the page then says so.
 */

import { api, apiPath } from "./api.js";
import { contributorId } from "./contributor.js";
import { byId, setBusy } from "./dom.js";
import { countOf } from "./format.js";
import { SampleTile } from "./sample-tiles.js";
import { showSaved } from "./toasts.js";

const PAGE = 24;

/** The count line for `total` drawings. */
export const mineCount = (total) =>
  total ? `${countOf(total, "drawing")} saved from this browser` : "";

/** The API paths of this browser's drawings, for the contributor `id`. */
export function minePaths(id) {
  const base = `/api/contributors/${encodeURIComponent(id)}`;
  return {
    list: `${base}/samples?limit=${PAGE}`,
    download: `${base}/samples/export?format=ndjson`,
    forget: base,
  };
}

export function init() {
  const me = contributorId();
  const paths = minePaths(me);
  const gallery = byId("mine-gallery");
  const empty = byId("mine-empty");
  const more = byId("mine-more");
  const count = byId("mine-count");
  const actions = byId("mine-actions");
  const confirm = byId("mine-confirm");
  const error = byId("mine-error");
  let total = 0;
  let next = null; // the path of the next page, or null at the end

  function show() {
    count.textContent = mineCount(total);
    const none = total === 0 && !gallery.children.length;
    empty.hidden = !none;
    actions.hidden = none;
    confirm.hidden = true;
    more.hidden = !next;
  }

  function fail(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  function onGone(tile) {
    tile.node.remove();
    total = Math.max(0, total - 1);
    if (!gallery.children.length && next) load(next);
    else show();
  }

  async function load(path) {
    more.disabled = true;
    setBusy(gallery, true);
    try {
      const page = await api(path);
      total = page.total;
      next = page.next ? apiPath(page.next) : null;
      const tiles = page.items.map((s) => new SampleTile(s, { own: me, onGone }));
      gallery.append(...tiles.map((tile) => tile.node));
      fail("");
    } catch (e) {
      if (e.status === 404) {
        total = 0;
        next = null;
      } else {
        fail(`Can't load your drawings: ${e.message}`);
      }
    } finally {
      more.disabled = false;
      setBusy(gallery, false);
      show();
    }
  }

  async function forget() {
    for (const b of confirm.querySelectorAll("button")) b.disabled = true;
    try {
      const { deleted } = await api(paths.forget, { method: "DELETE" });
      gallery.replaceChildren();
      total = 0;
      next = null;
      showSaved(`Deleted ${countOf(deleted, "drawing")}.`);
      fail("");
    } catch (e) {
      fail(e.status === 404 ? "" : `Can't delete your drawings: ${e.message}`);
      if (e.status === 404) gallery.replaceChildren();
    } finally {
      for (const b of confirm.querySelectorAll("button")) b.disabled = false;
      show();
    }
  }

  byId("mine-download").href = `${document.body.dataset.root || ""}${paths.download}`;
  byId("mine-forget").addEventListener("click", () => {
    actions.hidden = true;
    confirm.hidden = false;
    byId("mine-forget-cancel").focus();
  });
  byId("mine-forget-cancel").addEventListener("click", show);
  byId("mine-forget-confirm").addEventListener("click", forget);
  more.addEventListener("click", () => {
    if (next) load(next);
  });
  load(paths.list);
}
