// @ts-check
/**
 * Guide restarts: a guide shown again after the user left it unfinished, for the second
 * time or more in this tab's visit (counted in sessionStorage, so across page loads).
 * `count` is how many times it was restarted; finishing the guide resets it.
 */

const KEY = 'signpost:restarts';

/** @param {import('./watch.js').Watch} watch */
export function guideRestarts(watch) {
  /** @type {Record<string, {left: boolean, restarts: number}>} */
  let guides = {};
  try {
    guides = JSON.parse(sessionStorage.getItem(KEY) || '{}') || {};
  } catch (_) {
    // Storage blocked: restarts within this page load are still seen.
  }
  const save = () => {
    try {
      sessionStorage.setItem(KEY, JSON.stringify(guides));
    } catch (_) {
      // As above.
    }
  };
  /** @param {string} name @param {(detail: any) => void} handle */
  const on = (name, handle) => watch.scope.listen(document, 'signpost:' + name, (event) => {
    const detail = event.detail || {};
    handle(detail);
    save();
  });
  on('guide-dismissed', (detail) => {
    guides[detail.guide_id] = { left: true, restarts: (guides[detail.guide_id] || { restarts: 0 }).restarts };
  });
  on('guide-completed', (detail) => {
    delete guides[detail.guide_id];
  });
  on('guide-shown', (detail) => {
    const seen = guides[detail.guide_id];
    if (!seen || !seen.left) return;
    seen.left = false;
    seen.restarts++;
    const guide = watch.guide(detail.guide_id);
    if (seen.restarts >= 2 && guide) watch.report('guide_restart', { guide, count: seen.restarts });
  });
}
