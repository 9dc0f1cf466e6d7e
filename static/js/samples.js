/**
 * samples.js: the samples page. The contributed drawings, newest first, a page at a time
 * (GET /api/samples?label=&wrong=true&limit=, then the answer's `next`), one tile each
 * (sample-tiles.js), and the count line (GET /api/stats). The filters and `?limit=`
 * (default 24) live in the URL. The admin token is kept for the tab, shared with the
 * model page; with it, the review queue (review.js) takes the gallery's place.
 */

import { api, apiPath, bindTokenField } from "./api.js";
import { byId, el, setBusy } from "./dom.js";
import { countOf, formatCount, percent } from "./format.js";
import { initReview } from "./review.js";
import { isWrong, SampleTile } from "./sample-tiles.js";

const DEFAULT_LIMIT = 24;
const MAX_LIMIT = 200; // the server's default DIGITPAD_MAX_PAGE_SIZE

/** The page's query (`location.search`) as {limit, label (a digit or null), wrong}. */
export function readQuery(search) {
  const params = new URLSearchParams(search);
  const n = Number.parseInt(params.get("limit") || "", 10);
  const label = params.get("label") || "";
  return {
    limit: Number.isInteger(n) && n >= 1 ? Math.min(n, MAX_LIMIT) : DEFAULT_LIMIT,
    label: /^[0-9]$/.test(label) ? Number(label) : null,
    wrong: params.get("wrong") === "true",
  };
}

/** `search` with the filters set in it (other parameters, like limit, kept). */
export function withFilters(search, { label, wrong }) {
  const q = new URLSearchParams(search);
  q.delete("label");
  q.delete("wrong");
  if (label !== null) q.set("label", String(label));
  if (wrong) q.set("wrong", "true");
  return q.toString();
}

/** Whether a sample belongs in the gallery under the filters. */
export const matches = (s, { label, wrong }) =>
  (label === null || s.label === label) && (!wrong || isWrong(s));

/** The count line from GET /api/stats: the gallery shows the accepted drawings. */
export function countLine(s) {
  const accepted = s.per_status?.accepted;
  const waiting = s.per_status?.flagged ?? 0;
  let shown = countOf(s.total, "drawing");
  if (typeof accepted === "number") {
    shown = `${countOf(accepted, "accepted drawing")} of ${formatCount(s.total)}`;
    if (waiting) shown += ` (${formatCount(waiting)} waiting for review)`;
  }
  const parts = [shown];
  if (typeof s.prediction_accuracy === "number") {
    const right = `${formatCount(s.prediction_matched)} of ${formatCount(s.with_prediction)}`;
    parts.push(`live accuracy ${percent(s.prediction_accuracy)} (${right} read right)`);
  }
  return parts.join(" · ");
}

export function init() {
  const gallery = byId("gallery");
  const empty = byId("empty");
  const more = byId("load-more");
  const labelFilter = byId("filter-label");
  const wrongFilter = byId("filter-wrong");
  const tokenInput = byId("admin-token");
  const query = readQuery(location.search);
  const filters = { label: query.label, wrong: query.wrong };
  const tiles = new Set(); // the SampleTiles in the gallery
  let next = null; // the path of the next page, or null at the end
  let generation = 0; // bumped by every new listing, so a late answer to an old one is dropped
  let loading = false;

  async function refreshCount() {
    const count = byId("count");
    try {
      count.textContent = countLine(await api("/api/stats"));
    } catch (error) {
      count.textContent = `Can't load the counts: ${error.message}`;
    }
  }

  function showEmpty() {
    empty.replaceChildren();
    if (filters.label === null && !filters.wrong) {
      const link = el("a", null, "draw one");
      link.href = `${document.body.dataset.root || ""}/`;
      empty.append("No drawings yet — ", link, ".");
    } else {
      empty.append("No drawings match these filters.");
    }
    empty.hidden = false;
  }

  function removeTile(tile) {
    tile.node.remove();
    tiles.delete(tile);
    if (!gallery.children.length && !next) showEmpty();
  }

  function makeTile(sample) {
    const tile = new SampleTile(sample, {
      token: () => tokenInput.value.trim(),
      onRelabelled: () => {
        if (!matches(sample, filters)) removeTile(tile);
        refreshCount();
      },
      onGone: () => {
        removeTile(tile);
        refreshCount();
      },
    });
    return tile;
  }

  /** Load a page: the first one (replacing the gallery) or, with `path`, the next one. */
  async function load(path) {
    const mine = path ? generation : ++generation;
    loading = true;
    more.disabled = true;
    setBusy(gallery, true);
    try {
      const listing = `/api/samples?${withFilters(`limit=${query.limit}`, filters)}`;
      const page = await api(path || listing);
      if (mine !== generation) return;
      const made = page.items.map(makeTile);
      if (path) {
        gallery.append(...made.map((tile) => tile.node));
      } else {
        tiles.clear();
        gallery.replaceChildren(...made.map((tile) => tile.node));
      }
      for (const tile of made) tiles.add(tile);
      next = page.next ? apiPath(page.next) : null;
      empty.hidden = true;
      if (!gallery.children.length && !next) showEmpty();
    } catch (error) {
      if (mine !== generation) return;
      if (!path) {
        tiles.clear();
        gallery.replaceChildren();
      }
      empty.textContent = `Can't load the drawings: ${error.message}`;
      empty.hidden = false;
    } finally {
      if (mine === generation) {
        loading = false;
        more.hidden = !next;
        more.disabled = false;
        setBusy(gallery, false);
      }
    }
  }

  function applyFilters() {
    const pressed = filters.label === null ? "all" : String(filters.label);
    for (const b of labelFilter.querySelectorAll("button")) {
      b.setAttribute("aria-pressed", String(b.value === pressed));
    }
    wrongFilter.checked = filters.wrong;
    const search = withFilters(location.search, filters);
    history.replaceState(null, "", `${location.pathname}${search ? `?${search}` : ""}`);
    next = null;
    more.hidden = true;
    load();
  }

  labelFilter.addEventListener("click", (e) => {
    const b = e.target.closest("button");
    if (!b) return;
    const label = b.value === "all" ? null : Number(b.value);
    if (label === filters.label) return;
    filters.label = label;
    applyFilters();
  });
  wrongFilter.addEventListener("change", () => {
    filters.wrong = wrongFilter.checked;
    applyFilters();
  });
  more.addEventListener("click", () => {
    if (next && !loading) load(next);
  });
  bindTokenField(tokenInput, () => {
    for (const tile of tiles) tile.showActions();
  });
  // The queue and the gallery take turns; back from the queue, the gallery and the
  // count are loaded again, as the decisions changed them.
  const showGallery = (shown) => {
    byId("gallery-view").hidden = !shown;
    byId("filters").hidden = !shown;
  };
  initReview({
    tokenInput,
    onOpen: () => showGallery(false),
    onClose: () => {
      showGallery(true);
      refreshCount();
      applyFilters();
    },
  });

  refreshCount();
  applyFilters();
}
