// @ts-check
/**
 * The `check` chunk: never loaded by the SDK in a customer's page. `signpost guides check`
 * injects it into the app in headless Chromium to ask the SDK's own finder (target.js and
 * find.js, exactly as shipped) whether each step's target is on the page.
 */

import { define } from '../define.js';
import { bestCandidate } from '../find.js';
import { findTarget } from '../target.js';

/**
 * A short, readable name of an element: tag, id, classes, and the start of its text.
 * @param {Element} element
 */
function describe(element) {
  let name = element.localName;
  if (element.id) name += '#' + element.id;
  const classes = Array.from(element.classList).slice(0, 3);
  if (classes.length) name += '.' + classes.join('.');
  const text = (element.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 40);
  return text ? name + ' "' + text + '"' : name;
}

/**
 * The element the SDK would anchor this step to now, described, or null.
 * @param {import('../rules.js').TargetDescription} description
 * @returns {string | null}
 */
function locate(description) {
  const element = findTarget(description, { bestCandidate });
  return element ? describe(element) : null;
}

define('check', { locate });
