// @ts-check
/**
 * Error clicks: an uncaught error or an unhandled promise rejection within 1 second of a
 * click. Reported once per click, on the clicked element; the error's message is not sent
 * (it may hold the user's data), only that one happened.
 */

export const ERROR_AFTER_MS = 1000;

/** @param {import('./watch.js').Watch} watch */
export function errorClicks(watch) {
  /** @type {{element: Element, at: number} | null} */
  let last = null;
  watch.scope.listen(
    document,
    'click',
    (event) => {
      const element = watch.clicked(event);
      last = element ? { element, at: watch.now() } : null;
    },
    { capture: true },
  );
  const failed = () => {
    if (!last || watch.now() - last.at > ERROR_AFTER_MS) return;
    const { element } = last;
    last = null;
    watch.report('error_click', { element });
  };
  watch.scope.listen(window, 'error', failed);
  watch.scope.listen(window, 'unhandledrejection', failed);
}
