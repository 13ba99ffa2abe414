// @ts-check
/**
 * Step transitions of a running guide. Pure: the player feeds it user actions and the
 * missing-target policy, and acts on the outcome.
 */

/** @typedef {'next' | 'back' | 'done' | 'dismiss' | 'skip'} StepAction */
/** @typedef {1 | -1} Direction */
/**
 * @typedef {{status: 'active', index: number, direction: Direction}
 *   | {status: 'completed' | 'dismissed' | 'ended'}} Outcome
 */

/**
 * @param {number} index
 * @param {Direction} direction
 * @returns {Outcome}
 */
const active = (index, direction) => ({ status: 'active', index, direction });

/**
 * The outcome of `action` on step `index` of `count`.
 * `skip` (a missing target) keeps going the way the user was going, so Back over a missing
 * step lands on the one before it; past the last step the guide ends without completing.
 * @param {number} index
 * @param {number} count
 * @param {StepAction} action
 * @param {Direction} [direction] the direction of the move that led to `index`
 * @returns {Outcome}
 */
export function transition(index, count, action, direction = 1) {
  if (action === 'done') return { status: 'completed' };
  if (action === 'dismiss') return { status: 'dismissed' };
  if (action === 'back' || (action === 'skip' && direction < 0 && index > 0)) return active(Math.max(0, index - 1), -1);
  if (action !== 'next' && action !== 'skip') return active(index, direction);
  // Forward; past the last step Next completes the guide and a skip ends it.
  return index + 1 < count ? active(index + 1, 1) : { status: action === 'next' ? 'completed' : 'ended' };
}

/**
 * The step a guide starts on: its saved step while in progress, clamped to the steps it
 * has now (a new version may have fewer).
 * @param {number | undefined} saved
 * @param {number} count
 */
export function startIndex(saved, count) {
  const index = Math.floor(Number(saved) || 0);
  return Math.min(Math.max(index, 0), Math.max(count - 1, 0));
}
