/**
 * dom.js: finding the page's elements (by id, as the templates name them) and building
 * new ones (el, button, svg). Nothing here touches the document until called, so the
 * modules that use it import in node too.
 */

/** The element with `id`; throws, naming it, when the template lacks it. */
export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from the page`);
  return node;
}

/** Drop null and undefined, so a builder can be given optional children. */
const present = (children) => children.filter((c) => c !== null && c !== undefined);

/** An HTML element `tag` with `className` and text or child nodes. */
export function el(tag, className, ...children) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...present(children));
  return node;
}

/** A <button type="button"> with `text`; `testId` names it for the browser tests. */
export function button(text, className, testId) {
  const node = el("button", className, text);
  node.type = "button";
  if (testId) node.dataset.testid = testId;
  return node;
}

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element `tag` with attributes `attrs` (null and undefined ones left out). */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) node.setAttribute(name, String(value));
  }
  node.append(...present(children));
  return node;
}

/** Say whether a region is waiting for its content (aria-busy), for screen readers. */
export function setBusy(node, busy) {
  node.setAttribute("aria-busy", String(Boolean(busy)));
}
