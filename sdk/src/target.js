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

/** @typedef {import('./scope.js').Scope} Scope */
/** @typedef {import('./rules.js').TargetDescription} TargetDescription */
/** @typedef {{bestCandidate: typeof import('./find.js').bestCandidate}} Finder */

const POLL_MS = 400;

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
  for (const element of root.querySelectorAll('*')) {
    const inner = element.shadowRoot || (element.localName === 'iframe' ? frameDocument(element) : null);
    if (inner) roots.push(...searchRoots(inner));
  }
  return roots;
}

/**
 * An iframe's document; null when it is cross-origin (out of reach, by design of the
 * browser: `contentDocument` answers null rather than throwing).
 * @param {Element} frame
 */
const frameDocument = (frame) => /** @type {HTMLIFrameElement} */ (frame).contentDocument;

/**
 * Elements matching a selector whose ` >>> ` parts step into shadow roots or iframes.
 * @param {string} selector
 * @returns {Element[]}
 */
function bySelector(selector) {
  const parts = selector.split('>>>');
  const last = /** @type {string} */ (parts.pop());
  // Without ` >>> `, a selector is tried in every root, so it still works after the app
  // moved the element into a web component or a frame.
  let scopes = parts.length ? [document] : searchRoots();
  /** @param {string} part */
  const select = (part) => scopes.flatMap((scope) => [...scope.querySelectorAll(part)]);
  try {
    for (const part of parts) {
      scopes = /** @type {(Document | ShadowRoot)[]} */ (select(part).map((host) => host.shadowRoot || frameDocument(host)).filter(Boolean));
    }
    return select(last);
  } catch (_) {
    return []; // an invalid selector finds nothing; other clues may still
  }
}

/**
 * The rendered element that best fits the description: the one its selector finds when that
 * is unique, else (with other clues given) the best-scoring candidate, which needs the
 * `find` chunk: `undefined` means "load `find` and ask again". A string is a selector.
 * @param {TargetDescription | string} wanted
 * @param {Finder | null} finder the `find` chunk, once loaded
 * @returns {Element | null | undefined}
 */
export function findTarget(wanted, finder) {
  const description = typeof wanted === 'string' ? { selector: wanted } : wanted || {};
  const matched = description.selector ? bySelector(description.selector).filter(isRendered) : [];
  const clues = Object.keys(description).some((key) => key !== 'timeout_ms' && key !== 'selector');
  // The usual case, cheap: the author's selector still finds exactly one element.
  if (matched.length === 1 || (matched.length && !clues)) return matched[0];
  if (!clues) return null;
  return finder ? finder.bestCandidate(description, matched, searchRoots(), isRendered) : undefined;
}

/**
 * A function that calls `callback` at the next animation frame, once however often it is
 * called before then; the scope cancels a frame still pending.
 * @param {() => void} callback
 * @param {Scope} scope
 */
export function onceAFrame(callback, scope) {
  let frame = 0;
  scope.defer(() => cancelAnimationFrame(frame));
  return () => {
    frame =
      frame ||
      requestAnimationFrame(() => {
        frame = 0;
        callback();
      });
  };
}

/**
 * Resolve with the target as soon as it is rendered, or null after `timeout_ms` or when
 * `scope` is disposed. Everything started here is undone when it resolves.
 * @param {TargetDescription} description
 * @param {number} timeout_ms `Infinity` waits as long as the step is current
 * @param {Scope} scope
 * @param {(name: string) => Promise<any>} load the chunk loader, for `find`
 * @returns {Promise<Element | null>}
 */
export function waitForTarget(description, timeout_ms, scope, load) {
  /** @type {Finder | null} */
  let finder = null;
  return new Promise((resolve) => {
    const wait = scope.child();
    /** @param {Element | null} element */
    const finish = (element) => {
      resolve(element);
      wait.dispose();
    };
    const check = () => {
      const element = findTarget(description, finder);
      if (element) finish(element);
      else if (element === undefined && !finder) {
        load('find').then((chunk) => {
          finder = chunk;
          check();
        }, () => finish(null));
      }
    };
    wait.defer(() => resolve(null));
    // Many mutations arrive at once while a framework renders: look once per frame.
    wait.observe(new MutationObserver(onceAFrame(check, wait))).observe(document.documentElement, {
      childList: true,
      subtree: true,
      characterData: true,
      // These attributes (a filter implies `attributes: true`); others (open, role, name...)
      // are caught by the poll.
      attributeFilter: ['class', 'id', 'style', 'hidden', 'aria-label', 'data-testid'],
    });
    wait.interval(check, POLL_MS);
    if (Number.isFinite(timeout_ms)) wait.timeout(() => finish(null), timeout_ms);
    check();
  });
}

/**
 * The element's rectangle in the top page's viewport, adding the offsets of the
 * same-origin iframes it sits in.
 * @param {Element} element
 */
export function viewportRect(element) {
  const rect = element.getBoundingClientRect();
  let { x, y } = rect;
  let view = element.ownerDocument.defaultView;
  while (view && view.frameElement) {
    const frame = view.frameElement;
    const outer = frame.getBoundingClientRect();
    x += outer.x + frame.clientLeft;
    y += outer.y + frame.clientTop;
    view = frame.ownerDocument.defaultView;
  }
  return new DOMRect(x, y, rect.width, rect.height);
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
