/**
 * main.js: the one script every page loads (templates/base.html). It wires what all
 * pages share, the toasts, then starts the page's own module, named by <body
 * data-page>: its init() finds the page's elements and binds them. The page modules
 * themselves do nothing on import, so node can import them for the unit tests.
 */

import { initToasts } from "./toasts.js";

/** Each page's module, loaded only on that page. */
const PAGES = {
  draw: () => import("./draw.js"),
  collect: () => import("./collect.js"),
  samples: () => import("./samples.js"),
  insights: () => import("./insights.js"),
  model: () => import("./model.js"),
};

initToasts();
const page = PAGES[document.body.dataset.page];
if (page) {
  const { init } = await page();
  await init();
}
