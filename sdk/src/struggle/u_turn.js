// @ts-check
/**
 * U-turns: a page left and returned to within a few seconds (A, then B, then back to A
 * within `U_TURN_MS` of arriving at B): B was a wrong turn, and the signal is on B. Works
 * across page loads (the last pages of this tab are kept in sessionStorage) and across
 * single-page-app route changes.
 */

export const U_TURN_MS = 10000;
const KEY = 'signpost:pages';

/** @param {string} url */
export const pageOf = (url) => url.split(/[?#]/)[0] + (/#\//.test(url) ? '#' + url.split('#')[1] : '');

/**
 * The pure part: the visit of `url` at `at` after `trail` (oldest first). Returns the new
 * trail and the U-turned page's url, if this visit makes a U-turn.
 * @param {Array<{url: string, at: number}>} trail
 * @param {string} url
 * @param {number} at
 */
export function visit(trail, url, at) {
  const last = trail[trail.length - 1];
  if (last && pageOf(last.url) === pageOf(url)) return { trail, turned: null };
  const before = trail[trail.length - 2];
  const turned = last && before && pageOf(before.url) === pageOf(url) && at - last.at <= U_TURN_MS ? last.url : null;
  return { trail: [...trail, { url, at }].slice(-3), turned };
}

/** @param {import('./watch.js').Watch} watch */
export function uTurns(watch) {
  /** @type {Array<{url: string, at: number}>} */
  let trail = [];
  try {
    trail = JSON.parse(sessionStorage.getItem(KEY) || '[]');
  } catch (_) {
    // Storage blocked: U-turns within this page load are still seen.
  }
  let href = '';
  const arrive = () => {
    if (location.href === href) return;
    href = location.href;
    const result = visit(Array.isArray(trail) ? trail : [], href, Date.now());
    trail = result.trail;
    try {
      sessionStorage.setItem(KEY, JSON.stringify(trail));
    } catch (_) {
      // As above.
    }
    if (result.turned) watch.report('u_turn', { url: result.turned });
  };
  arrive();
  watch.scope.interval(arrive, 300);
}
