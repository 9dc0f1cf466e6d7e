/**
 * main.js: the one script every page loads (templates/base.html). It wires what all
 * pages share, the toasts, then starts the page's own module, named by <body
 * data-page>: its init() finds the page's elements and binds them. The page modules
 * themselves do nothing on import, so node can import them for the unit tests.
 */

import { initToasts, showError } from "./toasts.js";

/** Each page's module, loaded only on that page. */
const PAGES = {
  draw: () => import("./draw.js"),
  collect: () => import("./collect.js"),
  samples: () => import("./samples.js"),
  insights: () => import("./insights.js"),
  model: () => import("./model.js"),
};

initToasts();
const start = PAGES[document.body.dataset.page];
if (start) {
  try {
    const { init } = await start();
    await init();
  } catch (error) {
    // Say so rather than leave a page that looks fine but does nothing.
    showError("This page could not start. Reload it to try again.");
    throw error; // the console says why
  }
}
