// @ts-check
/**
 * Route changes of single-page apps: `history.pushState` and `replaceState` are wrapped
 * (browsers fire no event for them), and `popstate` and `hashchange` are listened to. The
 * wrappers are removed when the scope is disposed; if another script wrapped them after
 * us, ours stays in its chain but does nothing more.
 */

/** @typedef {import('./scope.js').Scope} Scope */

/**
 * Call `onChange` after every change of `location.href` from `since` on (at once when it has
 * already changed).
 * @param {Scope} scope
 * @param {() => void} onChange
 * @param {string} [since] the address the caller last acted on
 */
export function watchRoutes(scope, onChange, since = location.href) {
  let last = since;
  const check = () => {
    if (scope.disposed || location.href === last) return;
    last = location.href;
    onChange();
  };
  for (const name of /** @type {const} */ (['pushState', 'replaceState'])) {
    const original = history[name];
    /** @this {History} @param {[any, string, (string | URL | null)?]} args */
    const wrapper = function (...args) {
      const result = original.apply(this, args);
      // After the app's own call returns, so an error of ours can never reach it.
      Promise.resolve().then(check);
      return result;
    };
    history[name] = wrapper;
    scope.defer(() => {
      if (history[name] === wrapper) history[name] = original;
    });
  }
  scope.listen(window, 'popstate', check);
  scope.listen(window, 'hashchange', check);
  check();
}
