// @ts-check
/**
 * The SDK's DOM events: `signpost:*` CustomEvents dispatched on `document`, and `on()`, a
 * subscription to them that hands the handler the event's detail and returns its undo.
 */

/** @typedef {import('./scope.js').Scope} Scope */

export const PREFIX = 'signpost:';

/**
 * @param {string} name e.g. `guide-shown`
 * @param {Record<string, unknown>} detail
 */
export function emit(name, detail) {
  document.dispatchEvent(new CustomEvent(PREFIX + name, { detail }));
}

/**
 * Subscribe to `signpost:<name>` (the prefix is optional) for as long as `scope` lives.
 * @param {Scope} scope
 * @param {string} name
 * @param {(detail: any, event: CustomEvent) => void} handler
 * @returns {() => void} unsubscribe
 */
export function subscribe(scope, name, handler) {
  const type = String(name).startsWith(PREFIX) ? String(name) : PREFIX + name;
  const child = scope.child();
  child.listen(document, type, (event) => handler(event.detail, event));
  return () => child.dispose();
}
