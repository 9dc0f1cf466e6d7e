/**
 * main.js: the one script every page loads (templates/base.html). It wires what all
 * pages share, the toasts, then calls the init() of the page's module, named by <body
 * data-page>, which finds the page's elements and binds them. The page modules do
 * nothing on import, so node can import them for the unit tests.
 *
 * All six are imported here, statically: the browser then loads the whole module graph
 * before it runs any of it, and the page is ready by DOMContentLoaded, as a test or a
 * person reloading it expects. They are small, and cached after the first page.
 */

import * as collect from "./collect.js";
import * as draw from "./draw.js";
import * as insights from "./insights.js";
import * as mine from "./mine.js";
import * as model from "./model.js";
import * as samples from "./samples.js";
import { initToasts, showError } from "./toasts.js";

const PAGES = { draw, collect, samples, insights, model, mine };

initToasts();
const page = PAGES[document.body.dataset.page];
if (page) {
  try {
    await page.init();
  } catch (error) {
    // Say so rather than leave a page that looks fine but does nothing.
    showError("This page could not start. Reload it to try again.");
    throw error; // the console says why
  }
}
