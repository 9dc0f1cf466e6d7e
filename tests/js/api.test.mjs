// Talking to the server (static/js/api.js), with fetch and the page's <body> stubbed.
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";

import { ApiError, adminApi, api, apiPath, detailText } from "../../static/js/api.js";

let calls;

/** fetch answers `status` with `body` (JSON unless a string) and records each call. */
function answer(status, body) {
  globalThis.fetch = async (url, init) => {
    calls.push({ url, ...init });
    const text = typeof body === "string" ? body : JSON.stringify(body);
    return new Response(status === 204 ? null : text, { status });
  };
}

beforeEach(() => {
  calls = [];
  globalThis.document = { body: { dataset: { root: "/digits" } } };
});

afterEach(() => {
  delete globalThis.fetch;
  delete globalThis.document;
});

test("the server's detail is the message: a string, or the first validation error", () => {
  assert.equal(detailText({ detail: "No such sample." }), "No such sample.");
  const invalid = { detail: [{ loc: ["body", "strokes", 0], msg: "too many points" }] };
  assert.equal(detailText(invalid), "strokes.0: too many points");
  assert.equal(detailText({ detail: [{ msg: "bad" }] }), "bad");
  assert.equal(detailText(null), "");
  assert.equal(detailText({ detail: [] }), "");
});

test("a GET goes under the app's root and resolves to the JSON", async () => {
  answer(200, { total: 3 });
  assert.deepEqual(await api("/api/stats"), { total: 3 });
  assert.equal(calls[0].url, "/digits/api/stats");
  assert.equal(calls[0].method, "GET");
  assert.equal(calls[0].body, undefined);
});

test("a body makes a JSON POST", async () => {
  answer(201, { id: 7 });
  await api("/api/samples", { body: { label: 3 }, headers: { "Idempotency-Key": "k" } });
  const [call] = calls;
  assert.equal(call.method, "POST");
  assert.equal(call.body, '{"label":3}');
  assert.equal(call.headers["Content-Type"], "application/json");
  assert.equal(call.headers["Idempotency-Key"], "k");
});

test("a refusal rejects with the server's detail, status and body", async () => {
  answer(409, { detail: "A fine-tune is already running.", job: { id: 4 } });
  const error = await api("/api/admin/finetune", { body: {} }).catch((e) => e);
  assert.ok(error instanceof ApiError);
  assert.equal(error.message, "A fine-tune is already running.");
  assert.equal(error.status, 409);
  assert.equal(error.data.job.id, 4);
});

test("a refusal without JSON says the status; 204 resolves to null", async () => {
  answer(502, "<html>Bad gateway</html>");
  await assert.rejects(api("/api/stats"), { message: "The server answered 502.", status: 502 });
  answer(204, null);
  assert.equal(await api("/api/samples/1", { method: "DELETE" }), null);
});

test("no network rejects with status 0 and a message to show", async () => {
  globalThis.fetch = async () => {
    throw new TypeError("Failed to fetch");
  };
  await assert.rejects(api("/predict", { body: {} }), { status: 0, message: /Can't reach/ });
});

test("an admin call sends the token as a Bearer header", async () => {
  answer(200, {});
  await adminApi("s3cret", "/api/admin/jobs/1", { headers: { Accept: "application/json" } });
  assert.equal(calls[0].headers.Authorization, "Bearer s3cret");
});

test("a next page's URL becomes an API path without the root", () => {
  const base = "https://example.org/digits/samples";
  assert.equal(
    apiPath("https://example.org/digits/api/samples?before=9&limit=24", "/digits", base),
    "/api/samples?before=9&limit=24",
  );
  assert.equal(apiPath("/api/samples?before=9", "", base), "/api/samples?before=9");
});
