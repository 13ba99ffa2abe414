// @ts-check
/**
 * Finding a step's target from its description (selector, test id, id, name, role, label,
 * text, ancestor path): candidates are gathered from the document, every open shadow root
 * and every same-origin iframe, scored by score.js, and the best one at or above the
 * threshold wins. A selector may also cross shadow roots and iframes explicitly with ` >>> `
 * (`app-shell >>> #new-report`). Late elements are waited for with a MutationObserver,
 * plus a slow poll for what mutations of the document cannot show: changes inside shadow
 * roots and iframes, and elements becoming visible.
 */

import { THRESHOLD, targetScore } from './score.js';

/** @typedef {import('./scope.js').Scope} Scope */
/** @typedef {import('./rules.js').TargetDescription} TargetDescription */

const POLL_MS = 400;
const TEST_IDS = ['data-testid', 'data-test-id', 'data-test', 'data-cy'];
/** Elements worth scoring by text or label alone: what people click and read. */
const TEXTUAL = 'a,button,input,select,textarea,summary,label,[role],[aria-label],[title],h1,h2,h3,h4,h5,h6,li,th,td,p,span';
/** @type {Record<string, string>} */
const IMPLICIT_ROLES = { button: 'button', a: 'link', select: 'combobox', textarea: 'textbox', h1: 'heading', h2: 'heading', h3: 'heading', h4: 'heading', nav: 'navigation', li: 'listitem', img: 'img', summary: 'button' };

/**
 * Rendered: not `display: none` and not inside a closed `<details>`.
 * @param {Element} element
 */
const isRendered = (element) => element.getClientRects().length > 0;

/**
 * The document, every open shadow root in it, and the documents of same-origin iframes,
 * recursively: everywhere a target may be.
 * @param {Document | ShadowRoot} [root]
 * @returns {(Document | ShadowRoot)[]}
 */
export function searchRoots(root = document) {
  const roots = [root];
  for (const element of Array.from(root.querySelectorAll('*'))) {
    const inner = element.shadowRoot || (element.localName === 'iframe' ? frameDocument(element) : null);
    if (inner) roots.push(...searchRoots(inner));
  }
  return roots;
}

/** @param {Element} frame */
function frameDocument(frame) {
  try {
    return /** @type {HTMLIFrameElement} */ (frame).contentDocument;
  } catch (_) {
    return null; // cross-origin: out of reach, by design of the browser
  }
}

/**
 * Elements matching a selector whose ` >>> ` parts step into shadow roots or iframes.
 * @param {string} selector
 * @returns {Element[]}
 */
function bySelector(selector) {
  const parts = selector.split('>>>');
  /** @type {(Document | ShadowRoot)[]} */
  let scopes = [document];
  try {
    for (let i = 0; i < parts.length - 1; i++) {
      const hosts = scopes.flatMap((scope) => Array.from(scope.querySelectorAll(parts[i].trim())));
      scopes = /** @type {(Document | ShadowRoot)[]} */ (hosts.map((host) => host.shadowRoot || frameDocument(host)).filter(Boolean));
    }
    // Without ` >>> `, a selector is tried in every root, so it still works after the
    // app moved the element into a web component or a frame.
    if (parts.length === 1) scopes = searchRoots();
    const last = parts[parts.length - 1].trim();
    return scopes.flatMap((scope) => Array.from(scope.querySelectorAll(last)));
  } catch (_) {
    return []; // an invalid selector finds nothing; other clues may still
  }
}

/** @param {Element} element */
function roleOf(element) {
  const explicit = element.getAttribute('role');
  if (explicit) return explicit.split(' ')[0];
  const tag = element.localName;
  if (tag === 'input') {
    const type = (element.getAttribute('type') || 'text').toLowerCase();
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
    return ids.split(/\s+/).map((id) => (root.getElementById(id) || { textContent: '' }).textContent).join(' ');
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

/** @param {string} value */
const quote = (value) => '"' + value.replace(/["\\]/g, '\\$&') + '"';

/**
 * The rendered element that best fits the description, or null when none reaches the
 * threshold. A plain string is taken as a selector.
 * @param {TargetDescription | string} wanted
 * @returns {Element | null}
 */
export function findTarget(wanted) {
  const description = typeof wanted === 'string' ? { selector: wanted } : wanted || {};
  const matched = new Set(description.selector ? bySelector(description.selector).filter(isRendered) : []);
  const clues = Object.keys(description).filter((key) => key !== 'timeout_ms' && key !== 'selector');
  // The usual case, cheap: a selector alone, or one that still finds a single element.
  if (matched.size && (!clues.length || matched.size === 1)) {
    const only = Array.from(matched)[0];
    if (!clues.length || targetScore(description, factsOf(only, matched)) >= THRESHOLD) return only;
  }
  /** @type {string[]} */
  const queries = [];
  if (description.test_id) queries.push(...TEST_IDS.map((name) => '[' + name + '=' + quote(description.test_id || '') + ']'));
  if (description.id) queries.push('[id=' + quote(description.id) + ']');
  if (description.name) queries.push('[name=' + quote(description.name) + ']');
  if (description.text || description.label || description.role) queries.push(TEXTUAL);
  if (description.path) queries.push(description.path.split('>').pop() || '*');
  const candidates = new Set(matched);
  for (const root of searchRoots()) {
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

/**
 * Resolve with the target as soon as it is rendered, or null after `timeout_ms` or when
 * `scope` is disposed. Everything started here is undone when it resolves.
 * @param {TargetDescription} description
 * @param {number} timeout_ms `Infinity` waits as long as the step is current
 * @param {Scope} scope
 * @returns {Promise<Element | null>}
 */
export function waitForTarget(description, timeout_ms, scope) {
  const found = findTarget(description);
  if (found || scope.disposed) return Promise.resolve(found);
  return new Promise((resolve) => {
    const wait = scope.child();
    /** @param {Element | null} element */
    const finish = (element) => {
      resolve(element);
      wait.dispose();
    };
    const check = () => {
      const element = findTarget(description);
      if (element) finish(element);
    };
    // Many mutations arrive at once while a framework renders: look once per frame.
    let frame = 0;
    const soon = () => {
      frame =
        frame ||
        requestAnimationFrame(() => {
          frame = 0;
          check();
        });
    };
    wait.defer(() => cancelAnimationFrame(frame));
    wait.defer(() => resolve(null));
    wait.observe(new MutationObserver(soon)).observe(document.documentElement, {
      childList: true,
      subtree: true,
      attributes: true,
      characterData: true,
      attributeFilter: ['class', 'id', 'style', 'hidden', 'open', 'aria-label', 'role', 'name', 'data-testid'],
    });
    wait.interval(check, POLL_MS);
    if (Number.isFinite(timeout_ms)) wait.timeout(() => finish(null), timeout_ms);
  });
}

/**
 * The element's rectangle in the top page's viewport, adding the offsets of the
 * same-origin iframes it sits in.
 * @param {Element} element
 */
export function viewportRect(element) {
  const rect = element.getBoundingClientRect();
  let { top, left } = rect;
  let view = element.ownerDocument.defaultView;
  while (view && view.frameElement) {
    const frame = view.frameElement;
    const outer = frame.getBoundingClientRect();
    top += outer.top + frame.clientTop;
    left += outer.left + frame.clientLeft;
    view = frame.ownerDocument.defaultView;
  }
  return { top, left, bottom: top + rect.height, right: left + rect.width, width: rect.width, height: rect.height };
}

/**
 * Bring the target into view unless it already is, without animation when the user asked
 * for reduced motion.
 * @param {Element} element
 */
export function revealTarget(element) {
  const rect = viewportRect(element);
  if (rect.top >= 0 && rect.left >= 0 && rect.bottom <= innerHeight && rect.right <= innerWidth) return;
  const reduce = matchMedia('(prefers-reduced-motion: reduce)').matches;
  element.scrollIntoView({ block: 'center', inline: 'nearest', behavior: reduce ? 'auto' : 'smooth' });
}
