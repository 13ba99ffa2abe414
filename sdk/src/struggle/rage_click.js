// @ts-check
/**
 * Rage clicks: 3 or more clicks within 1 second, each within 30 px of the first. The signal
 * is announced at the third click (so a struggle trigger can help at once) and recorded
 * once when the burst ends (1 second without another such click, or after 10 seconds),
 * carrying how many clicks it had: 1,000 clicks make one event, not 1,000.
 */

export const RAGE_CLICKS = 3;
export const RAGE_WINDOW_MS = 1000;
export const RAGE_RADIUS_PX = 30;
export const LONGEST_BURST_MS = 10000;

/**
 * @typedef {{x: number, y: number, at: number}} Click
 * @typedef {{x: number, y: number, started: number, last: number, count: number, data: any}} Burst
 */

/** The pure part: clicks in, bursts out. */
export function rageTracker() {
  /** @type {Click[]} */
  let recent = [];
  /** @type {Burst | null} */
  let burst = null;
  /**
   * @param {{x: number, y: number}} a
   * @param {number} x
   * @param {number} y
   */
  const near = (a, x, y) => Math.hypot(a.x - x, a.y - y) <= RAGE_RADIUS_PX;
  return {
    get active() {
      return burst;
    },
    /**
     * @param {number} x
     * @param {number} y
     * @param {number} at
     * @param {any} data kept with a burst that starts here (the element)
     * @returns {{started: Burst | null, ended: Burst | null}}
     */
    click(x, y, at, data) {
      /** @type {Burst | null} */
      let ended = null;
      if (burst) {
        if (at - burst.last <= RAGE_WINDOW_MS && at - burst.started <= LONGEST_BURST_MS && near(burst, x, y)) {
          burst.count++;
          burst.last = at;
          return { started: null, ended: null };
        }
        ended = burst;
        burst = null;
      }
      recent = recent.filter((click) => at - click.at <= RAGE_WINDOW_MS && near(click, x, y));
      recent.push({ x, y, at });
      if (recent.length < RAGE_CLICKS) return { started: null, ended };
      burst = { x: recent[0].x, y: recent[0].y, started: at, last: at, count: recent.length, data };
      recent = [];
      return { started: burst, ended };
    },
    /**
     * The burst, if it is over at `at` (or `force`d, at pagehide); it is then forgotten.
     * @param {number} at
     * @param {boolean} [force]
     */
    end(at, force) {
      const done = burst && (force || at - burst.last > RAGE_WINDOW_MS || at - burst.started > LONGEST_BURST_MS) ? burst : null;
      if (done) burst = null;
      return done;
    },
  };
}

/** @param {import('./watch.js').Watch} watch */
export function rageClicks(watch) {
  const tracker = rageTracker();
  /** @type {(() => void) | null} */
  let cancel = null;
  /** @param {import('./rage_click.js').Burst | null} burst */
  const keep = (burst) => {
    if (burst) watch.report('rage_click', { element: burst.data, count: burst.count, announce: false });
  };
  const check = () => {
    cancel = null;
    const burst = tracker.active;
    const done = tracker.end(watch.now());
    keep(done);
    if (!done && burst) cancel = watch.scope.timeout(check, burst.last + RAGE_WINDOW_MS + 1 - watch.now());
  };
  watch.scope.listen(
    document,
    'click',
    (event) => {
      const element = watch.clicked(event);
      if (!element) return;
      const { started, ended } = tracker.click(event.clientX, event.clientY, watch.now(), element);
      keep(ended);
      if (started) watch.report('rage_click', { element, count: started.count, record: false });
      if (tracker.active && !cancel) cancel = watch.scope.timeout(check, RAGE_WINDOW_MS + 1);
    },
    { capture: true },
  );
  watch.scope.listen(window, 'pagehide', () => keep(tracker.end(watch.now(), true)), { capture: true });
}
