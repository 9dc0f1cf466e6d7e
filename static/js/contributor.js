/**
 * contributor.js: who is drawing, without an account. A random id made once per
 * browser (localStorage) names its drawings, so its own saved digits help read the
 * next ones; a random id per page view makes saving a drawing safe to retry.
 */

import { api } from "./api.js";
import { browserStorage, keep, kept } from "./storage.js";

const CONTRIBUTOR_KEY = "digitpad.contributor";
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * A random version-4 UUID. crypto.randomUUID needs a secure context (https or
 * localhost); a phone on the LAN over plain http has only getRandomValues.
 */
export function randomId(random = globalThis.crypto) {
  if (random.randomUUID) return random.randomUUID();
  const b = random.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; // version 4
  b[8] = (b[8] & 0x3f) | 0x80; // the RFC 4122 variant
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** True for an id randomId() could have made (what a stored id must still be). */
export const isContributorId = (value) => typeof value === "string" && UUID4.test(value);

let tabContributor = null; // when storage is blocked: one id for this page's life

/**
 * This browser's contributor id: the one kept in `storage`, or a new one, kept there,
 * when it is missing or not one of ours (edited by hand, say); per page when storage
 * is blocked.
 */
export function contributorId(storage = browserStorage) {
  const stored = kept(CONTRIBUTOR_KEY, null, storage);
  if (isContributorId(stored)) return stored;
  const id = tabContributor || randomId();
  if (!keep(CONTRIBUTOR_KEY, id, storage)) tabContributor = id;
  return id;
}

let pageId = null;

/** The Idempotency-Key of a drawing as it is now (`revision`) saved as `label`. */
export function saveKey(revision, label) {
  pageId ||= randomId();
  return `${pageId}-${revision}-${label}`;
}

/**
 * Store a labelled drawing from `pad` (POST to `path`), this browser's contributor. A
 * save retried after a lost answer carries the same key, so it is stored once.
 */
function saveDrawing(path, pad, body) {
  return api(path, {
    body: { ...body, contributor: contributorId() },
    headers: { "Idempotency-Key": saveKey(pad.revision, body.label) },
  });
}

/** Store a drawing of one digit (POST /api/samples); resolves to the stored sample. */
export const saveSample = (pad, body) => saveDrawing("/api/samples", pad, body);

/** Store a drawing of a number (POST /api/numbers, `label` a string of digits, `split`). */
export const saveNumber = (pad, body) => saveDrawing("/api/numbers", pad, body);
