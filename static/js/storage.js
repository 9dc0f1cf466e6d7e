/**
 * storage.js: what the pages keep in the browser, per tab (sessionStorage) unless told
 * otherwise: the admin token, the collect page's drawings, the fine-tune followed, the
 * contributor id (localStorage). A browser may block storage (a private mode, a
 * setting): then reading gives the fallback, keeping returns false, and the page goes on.
 */

/** This tab's storage (reading the property itself throws when storage is blocked). */
export const tabStorage = () => sessionStorage;

/** The browser's storage, kept across tabs and restarts. */
export const browserStorage = () => localStorage;

/** The string kept under `key`, or `fallback`. */
export function kept(key, fallback = null, storage = tabStorage) {
  try {
    return storage().getItem(key) ?? fallback;
  } catch {
    return fallback;
  }
}

/** Keep `value` under `key`, or forget it when null or ""; false when storage is blocked. */
export function keep(key, value, storage = tabStorage) {
  try {
    if (value === null || value === "") storage().removeItem(key);
    else storage().setItem(key, String(value));
    return true;
  } catch {
    return false;
  }
}

/** The JSON value kept under `key` when `valid(value)` says it is one, else `fallback`. */
export function keptJSON(key, fallback, valid, storage = tabStorage) {
  try {
    const value = JSON.parse(kept(key, "null", storage));
    return valid(value) ? value : fallback;
  } catch {
    return fallback;
  }
}

/** Keep `value` as JSON under `key`; false when storage is blocked. */
export const keepJSON = (key, value, storage = tabStorage) =>
  keep(key, JSON.stringify(value), storage);
