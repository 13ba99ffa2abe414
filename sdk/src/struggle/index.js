// @ts-check
/**
 * Struggle detection, the `struggle` chunk: loaded by the `events` chunk once the page is
 * idle and the session says the app wants it (`session.struggle.enabled`), so it never
 * delays a first guide. Starts each signal's detector (detectors.js) and records what they
 * find as `struggle_detected` events; `signpost:struggle` DOM events announce each signal
 * the moment it is seen.
 */

import { emit } from '../events.js';
import { meaningful } from '../authoring/describe.js';
import { uuid7 } from '../uuid.js';
import { DETECTORS } from './detectors.js';
import { createReporter } from './watch.js';

/**
 * @param {Object} options
 * @param {any} options.core the SDK core (state, start)
 * @param {import('../scope.js').Scope} options.scope
 * @param {(item: import('../queue.js').QueueItem) => void} options.add queue an event
 * @param {(error: Error) => void} options.fail
 * @param {string} options.api_host
 */
export function startStruggle({ core, scope, add, fail, api_host }) {
  const state = core.state;
  const settings = () => (state.session && state.session.struggle) || { enabled: false, signals: [], stall_ms: 60000 };
  const reporter = createReporter({
    scope,
    announce: (signal) => emit('struggle', signal),
    record: (signal) => {
      const { url, guide_id, guide_version, step_index, ...properties } = signal;
      add({
        event: { event_id: uuid7(), type: 'struggle_detected', timestamp: new Date().toISOString(), url, guide_id, guide_version, step_index, properties },
        user_id: state.user_id,
        anonymous_id: state.anonymous_id,
      });
    },
  });
  /** @type {import('./watch.js').Watch} */
  const watch = {
    scope,
    now: () => performance.now(),
    clicked: (event) => {
      const target = event.target;
      if (!(target instanceof Element) || target.closest('[data-signpost-root]')) return null;
      return meaningful(target);
    },
    report: (name, found) => {
      try {
        const current = settings();
        if (current.enabled && current.signals.indexOf(name) >= 0) reporter.report(name, found);
      } catch (error) {
        fail(/** @type {Error} */ (error));
      }
    },
    settings,
    guide: (id) => state.session && state.session.guides.find((/** @type {any} */ guide) => guide.id === id),
    player: () => state.player,
  };
  for (const name of Object.keys(DETECTORS)) {
    try {
      DETECTORS[name](watch, api_host);
    } catch (error) {
      fail(/** @type {Error} */ (error));
    }
  }
  scope.listen(window, 'pagehide', () => reporter.flush(), { capture: true });
}
