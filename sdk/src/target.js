// @ts-check
/**
 * Finding a step's target element. A selector may cross open shadow roots with ` >>> `
 * (`app-shell >>> #new-report`). Elements that arrive late (SPA rendering, lazy loading)
 * are waited for with a MutationObserver, plus a slow poll for what mutations of the
 * document cannot show: changes inside shadow roots and elements becoming visible.
 */

/** @typedef {import('./scope.js').Scope} Scope */

const POLL_MS = 400;

/**
 * Rendered: not `display: none` and not inside a closed `<details>`.
 * @param {Element} element
 */
const isRendered = (element) => element.getClientRects().length > 0;

/**
 * The first rendered element matching `selector`, or null (also for an invalid selector).
 * @param {string} selector
 * @param {ParentNode} [root]
 * @returns {Element | null}
 */
export function findTarget(selector, root = document) {
  const parts = String(selector).split('>>>');
  /** @type {ParentNode | null} */
  let scope = root;
  try {
    for (let i = 0; i < parts.length - 1 && scope; i++) {
      /** @type {Element | null} */
      const host = scope.querySelector(parts[i].trim());
      scope = host && host.shadowRoot;
    }
    if (!scope) return null;
    for (const element of Array.from(scope.querySelectorAll(parts[parts.length - 1].trim()))) {
      if (isRendered(element)) return element;
    }
  } catch (_) {
    // An invalid selector finds nothing; the step's missing_target policy then applies.
  }
  return null;
}

/**
 * Resolve with the target as soon as it is rendered, or null after `timeout_ms` or when
 * `scope` is disposed. Everything started here is undone when it resolves.
 * @param {string} selector
 * @param {number} timeout_ms
 * @param {Scope} scope
 * @returns {Promise<Element | null>}
 */
export function waitForTarget(selector, timeout_ms, scope) {
  const found = findTarget(selector);
  if (found || scope.disposed) return Promise.resolve(found);
  return new Promise((resolve) => {
    const wait = scope.child();
    /** @param {Element | null} element */
    const finish = (element) => {
      resolve(element);
      wait.dispose();
    };
    const check = () => {
      const element = findTarget(selector);
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
      attributeFilter: ['class', 'id', 'style', 'hidden', 'open'],
    });
    wait.interval(check, POLL_MS);
    wait.timeout(() => finish(null), timeout_ms);
  });
}

/**
 * Bring the target into view unless it already is, without animation when the user asked
 * for reduced motion.
 * @param {Element} element
 */
export function revealTarget(element) {
  const rect = element.getBoundingClientRect();
  if (rect.top >= 0 && rect.left >= 0 && rect.bottom <= innerHeight && rect.right <= innerWidth) return;
  const reduce = matchMedia('(prefers-reduced-motion: reduce)').matches;
  element.scrollIntoView({ block: 'center', inline: 'nearest', behavior: reduce ? 'auto' : 'smooth' });
}
