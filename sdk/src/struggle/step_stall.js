// @ts-check
/**
 * Step stalls: a guide's step open far longer than usual for that step (the guide's
 * `stall_ms[step]`, which the server derives from the step's time histogram, else the app's
 * `stall_ms`, both from the session) without the user moving on, closing it or leaving.
 * Reported once per step shown, on the step's target element when it has one.
 */

/**
 * How long a step may stay open before the user counts as stalled on it.
 * @param {{stall_ms?: (number | null)[]} | undefined} guide
 * @param {number} stepIndex
 * @param {number} appStallMs
 */
export function stallAfter(guide, stepIndex, appStallMs) {
  const own = guide && guide.stall_ms && guide.stall_ms[stepIndex];
  return typeof own === 'number' && own > 0 ? own : appStallMs;
}

/** @param {import('./watch.js').Watch} watch */
export function stepStalls(watch) {
  /** @type {(() => void) | null} */
  let cancel = null;
  const stop = () => {
    if (cancel) cancel();
    cancel = null;
  };
  watch.scope.listen(document, 'signpost:step-shown', (event) => {
    stop();
    const { guide_id, step_index } = event.detail || {};
    const guide = watch.guide(guide_id);
    if (!guide) return;
    cancel = watch.scope.timeout(() => {
      cancel = null;
      const player = watch.player();
      if (!player || player.guide.id !== guide_id) return;
      const step = guide.steps && guide.steps[step_index];
      const selector = step && step.target && step.target.selector;
      let element = null;
      try {
        element = selector ? document.querySelector(selector) : null;
      } catch (_) {
        // A selector this browser cannot parse: the stall is still reported, without it.
      }
      watch.report('step_stall', { element, guide, step_index });
    }, stallAfter(guide, step_index, watch.settings().stall_ms));
  });
  for (const name of ['step-completed', 'guide-completed', 'guide-dismissed']) {
    watch.scope.listen(document, 'signpost:' + name, stop);
  }
}
