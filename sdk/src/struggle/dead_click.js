// @ts-check
/**
 * Dead clicks: a click on something that looks interactive (a link, a button, anything
 * with a pointer cursor) after which, within 1 second, nothing happened: no change to the
 * page's DOM (outside the SDK's own UI), no navigation, no network request (other than the
 * SDK's own), no scroll and no new tab. Clicks on form fields are not judged: ticking a box
 * changes nothing in the DOM and is not a dead click. Repeated clicks on one element while
 * it is being judged add to its count.
 */

export const DEAD_AFTER_MS = 1000;
const LOOKS_INTERACTIVE =
  'a[href],button,summary,[role=button],[role=link],[role=tab],[role=menuitem],[onclick],input[type=button],input[type=submit],input[type=reset],input[type=image]';
const FORM_FIELD = 'input,select,textarea,label,option,[contenteditable]';

/** @param {Element} element */
export function looksInteractive(element) {
  if (element.closest(FORM_FIELD) && !element.closest('input[type=button],input[type=submit],input[type=reset],input[type=image]')) return false;
  if (element.closest(LOOKS_INTERACTIVE)) return true;
  try {
    return getComputedStyle(element).cursor === 'pointer';
  } catch (_) {
    return false;
  }
}

/**
 * @param {import('./watch.js').Watch} watch
 * @param {string} api_host the SDK's own requests are not the page reacting
 */
export function deadClicks(watch, api_host) {
  /** @type {Map<Element, {at: number, count: number, href: string}>} */
  const pending = new Map();
  let changed = 0;
  const touch = () => {
    changed = watch.now();
  };
  const mutations = new MutationObserver((records) => {
    for (const record of records) {
      const node = record.target;
      const element = node instanceof Element ? node : node.parentElement;
      if (element && element.closest('[data-signpost-root]')) continue;
      const ours = [...record.addedNodes, ...record.removedNodes].every((added) => added instanceof Element && added.hasAttribute('data-signpost-root'));
      if (record.type === 'childList' && ours) continue;
      return touch();
    }
  });
  watch.scope.observe(mutations);
  let observing = false;
  if (typeof PerformanceObserver === 'function') {
    try {
      const network = new PerformanceObserver((list) => {
        if (list.getEntries().some((entry) => !entry.name.startsWith(api_host))) touch();
      });
      network.observe({ type: 'resource', buffered: false });
      watch.scope.observe(network);
    } catch (_) {
      // No resource timing here: DOM changes and navigation still count.
    }
  }
  for (const [target, type] of /** @type {const} */ ([[window, 'pagehide'], [window, 'scroll'], [window, 'blur'], [window, 'hashchange'], [window, 'popstate']])) {
    watch.scope.listen(target, type, touch, { capture: true });
  }
  /** @param {Element} element */
  const judge = (element) => {
    const click = pending.get(element);
    pending.delete(element);
    if (!pending.size && observing) {
      mutations.disconnect();
      observing = false;
    }
    if (!click || changed >= click.at || location.href !== click.href || !element.isConnected) return;
    watch.report('dead_click', { element, count: click.count });
  };
  watch.scope.listen(
    document,
    'click',
    (event) => {
      const element = watch.clicked(event);
      if (!element || !looksInteractive(element)) return;
      const waiting = pending.get(element);
      if (waiting) {
        waiting.count++;
        return;
      }
      if (!observing) {
        mutations.observe(document.documentElement, { subtree: true, childList: true, attributes: true, characterData: true });
        observing = true;
      }
      pending.set(element, { at: watch.now(), count: 1, href: location.href });
      watch.scope.timeout(() => judge(element), DEAD_AFTER_MS);
    },
    { capture: true },
  );
}
