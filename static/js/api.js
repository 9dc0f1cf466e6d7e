/**
 * api.js: talking to the server. api() for JSON calls under the app's root path,
 * adminApi() for the admin routes with the token kept for this tab, and ApiError, whose
 * message is fit to show a person.
 */

import { keep, kept } from "./storage.js";

const TOKEN_KEY = "digitpad.admin-token";

/** An error from the API or the network, with a message fit to show. */
export class ApiError extends Error {
  constructor(message, status, data = null) {
    super(message);
    this.status = status; // 0 when the server could not be reached
    this.data = data; // the answer's body, e.g. a 409 names the job already running
  }
}

/** The server's `detail` (a string, or FastAPI's list of validation errors) as text. */
export function detailText(data) {
  const detail = data?.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail) && detail.length) {
    const first = detail[0];
    const where = Array.isArray(first.loc) ? first.loc.filter((p) => p !== "body").join(".") : "";
    return where ? `${where}: ${first.msg}` : String(first.msg || "");
  }
  return "";
}

/** The path the app is mounted under (behind a proxy), "" at the root. */
const appRoot = () => document.body.dataset.root || "";

/**
 * Call the API: `path` is relative to the app's root; `body` is sent as JSON (the
 * method is then POST unless given).
 * Resolves to the parsed JSON; rejects with an ApiError carrying the server's detail.
 */
export async function api(path, { method, body, headers: extra } = {}) {
  const headers = { Accept: "application/json", ...extra };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(appRoot() + path, {
      method: method || (body === undefined ? "GET" : "POST"),
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError("Can't reach the server. Check the connection and try again.", 0);
  }
  // 204 has no body; a body that is not JSON leaves the status to say enough.
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    const message = detailText(data) || `The server answered ${response.status}.`;
    throw new ApiError(message, response.status, data);
  }
  return data;
}

/**
 * An API path for api() from an absolute URL the server answered (a page's `next`):
 * its path and query, less the app's `root`.
 */
export function apiPath(url, root = appRoot(), base = location.href) {
  const u = new URL(url, base);
  const path = root && u.pathname.startsWith(root) ? u.pathname.slice(root.length) : u.pathname;
  return path + u.search;
}

/** An admin request: api() with `Authorization: Bearer <token>`. */
export function adminApi(token, path, options = {}) {
  const headers = { ...options.headers, Authorization: `Bearer ${token}` };
  return api(path, { ...options, headers });
}

/** The admin token kept for this tab (sessionStorage only, never localStorage), or "". */
export const savedToken = () => kept(TOKEN_KEY, "");

/** Keep the admin token for this tab, or forget it when empty. */
export const saveToken = (token) => keep(TOKEN_KEY, token);

/**
 * Keep an admin token field and the tab's saved token in step: the field starts with
 * the saved token; what is typed is saved, then `onChange(token)` runs.
 */
export function bindTokenField(input, onChange) {
  input.value = savedToken() || input.value.trim();
  input.addEventListener("input", () => {
    const token = input.value.trim();
    saveToken(token);
    onChange(token);
  });
}
