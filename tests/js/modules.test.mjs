// Every module imports in node, with no DOM: nothing touches the page on import. Each
// page template names (as `active`, which base.html puts in <body data-page>) a page
// that main.js starts, whose module offers the init() that main.js calls.
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { test } from "node:test";

const scripts = new URL("../../static/js/", import.meta.url);
const templates = new URL("../../templates/", import.meta.url);

/** The pages main.js starts: {page: module file}, from its `PAGES` and its imports. */
async function startedPages() {
  const entry = await readFile(new URL("main.js", scripts), "utf8");
  const imports = entry.matchAll(/^import \* as (\w+) from "\.\/([\w-]+\.js)";$/gm);
  const files = Object.fromEntries([...imports].map(([, name, file]) => [name, file]));
  const pages = /^const PAGES = \{ ([\w, ]+) \};$/m.exec(entry)[1].split(", ");
  return Object.fromEntries(pages.map((page) => [page, files[page]]));
}

test("every module but the entry imports without a document", async () => {
  const names = (await readdir(scripts)).filter((n) => n.endsWith(".js") && n !== "main.js");
  assert.ok(names.length > 10);
  for (const name of names) await import(new URL(name, scripts));
});

test("each page main.js starts has a module with init()", async () => {
  const pages = await startedPages();
  assert.ok(Object.keys(pages).length >= 5);
  for (const [page, file] of Object.entries(pages)) {
    const module = await import(new URL(file, scripts));
    assert.equal(typeof module.init, "function", page);
  }
});

test("every page template names a page main.js starts", async () => {
  const pages = await startedPages();
  const named = [];
  for (const name of await readdir(templates)) {
    const html = await readFile(new URL(name, templates), "utf8");
    const active = /{% set active = "(\w+)" %}/.exec(html);
    if (active) named.push(active[1]);
  }
  assert.deepEqual(named.sort(), Object.keys(pages).sort());
});
