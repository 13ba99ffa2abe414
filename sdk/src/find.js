// @ts-check
/**
 * Finding a target by its clues when its selector alone does not settle it (the `find`
 * chunk): every element that matches a clue, in the document, open shadow roots and
 * same-origin iframes, is scored by score.js against the whole description, and the best
 * one at or above the threshold wins.
 */

import { THRESHOLD, targetScore } from './score.js';

/** @typedef {import('./rules.js').TargetDescription} TargetDescription */

const TEST_IDS = ['data-testid', 'data-test-id', 'data-test', 'data-cy'];
/** Elements worth scoring by text, label or role alone: what people click and read. */
const TEXTUAL = 'a,button,input,select,textarea,summary,label,[role],[aria-label],[title],h1,h2,h3,h4,h5,h6,li,th,td,p,span';
/** @type {Record<string, string>} */
const IMPLICIT_ROLES = { button: 'button', a: 'link', select: 'combobox', textarea: 'textbox', h1: 'heading', h2: 'heading', h3: 'heading', h4: 'heading', nav: 'navigation', li: 'listitem', img: 'img', summary: 'button' };

/** @param {Element} element */
function roleOf(element) {
  const explicit = element.getAttribute('role');
  if (explicit) return explicit.split(' ')[0];
  const tag = element.localName;
  if (tag === 'input') {
    const type = /** @type {HTMLInputElement} */ (element).type; // lowercase, 'text' when unknown
    return type === 'checkbox' || type === 'radio' ? type : /^(button|submit|reset)$/.test(type) ? 'button' : 'textbox';
  }
  if (tag === 'a' && !element.hasAttribute('href')) return '';
  return IMPLICIT_ROLES[tag] || '';
}

/** @param {Element} element */
function labelOf(element) {
  const aria = element.getAttribute('aria-label');
  if (aria) return aria;
  const root = /** @type {Document | ShadowRoot} */ (element.getRootNode());
  const ids = element.getAttribute('aria-labelledby');
  if (ids && 'getElementById' in root) {
    return ids.split(/\s+/).map((id) => root.getElementById(id)?.textContent).join(' ');
  }
  const labels = /** @type {HTMLInputElement} */ (element).labels;
  if (labels && labels.length) return labels[0].textContent || '';
  return element.getAttribute('title') || element.getAttribute('placeholder') || element.getAttribute('alt') || '';
}

/** @param {Element} element */
function pathOf(element) {
  const tags = [];
  /** @type {Element | null} */
  let node = element;
  while (node && node.localName !== 'body' && node.localName !== 'html') {
    tags.unshift(node.localName);
    node = node.parentElement || /** @type {ShadowRoot} */ (node.parentNode).host || null;
  }
  return tags.join(' > ');
}

/**
 * @param {Element} element
 * @param {Set<Element>} matched elements matching the description's selector
 * @returns {import('./score.js').Facts}
 */
function factsOf(element, matched) {
  const testId = TEST_IDS.map((name) => element.getAttribute(name)).find((value) => value) || '';
  return {
    selector: matched.has(element),
    test_id: testId,
    id: element.id,
    name: element.getAttribute('name') || '',
    role: roleOf(element),
    label: labelOf(element),
    text: (element.textContent || '').slice(0, 400),
    path: pathOf(element),
  };
}

/**
 * The rendered candidate that best fits the description, or null when none reaches the
 * threshold.
 * @param {TargetDescription} description
 * @param {Element[]} selected rendered elements matching the description's selector
 * @param {(Document | ShadowRoot)[]} roots where to look
 * @param {(element: Element) => boolean} isRendered
 * @returns {Element | null}
 */
export function bestCandidate(description, selected, roots, isRendered) {
  const matched = new Set(selected);
  const { test_id, id, name, path } = description;
  /** @type {string[]} */
  const queries = [];
  if (test_id) queries.push(...TEST_IDS.map((attribute) => '[' + attribute + '=' + CSS.escape(test_id) + ']'));
  if (id) queries.push('[id=' + CSS.escape(id) + ']');
  if (name) queries.push('[name=' + CSS.escape(name) + ']');
  if (description.text || description.label || description.role) queries.push(TEXTUAL);
  if (path) queries.push(path.split('>').pop() || '*');
  const candidates = new Set(matched);
  for (const root of roots) {
    for (const query of queries) {
      try {
        root.querySelectorAll(query).forEach((element) => candidates.add(element));
      } catch (_) {
        // A path tag that is not a valid selector: that clue just finds nothing.
      }
    }
  }
  let best = null;
  let bestScore = THRESHOLD;
  for (const element of candidates) {
    if (!isRendered(element)) continue;
    const score = targetScore(description, factsOf(element, matched));
    // Ties go to the innermost element: the button, not the list item around it.
    if (score > bestScore || (score === bestScore && (!best || best.contains(element)))) {
      best = element;
      bestScore = score;
    }
  }
  return best;
}

