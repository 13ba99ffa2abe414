// @ts-check
/**
 * Struggle detection, the `struggle` chunk: loaded by the `events` chunk once the page is
 * idle and the session says the app wants it (`session.struggle.enabled`), so it never
 * delays a first guide. Starts each signal's detector (detectors.js), records what they
 * find as `struggle_detected` events, starts the guides whose trigger waits for a signal
 * (triggers.js), and announces each signal as a `signpost:struggle` DOM event the moment it
 * is seen.
 */

import { emit } from '../events.js';
import { meaningful } from '../authoring/describe.js';
import { uuid7 } from '../uuid.js';
import { browserStorage } from '../storage.js';
import { DETECTORS } from './detectors.js';
import { createTriggers } from './triggers.js';
import { createReporter } from './watch.js';

/**
 * @param {Object} options
 * @param {any} options.core the SDK core (state, start)
 * @param {import('../scope.js').Scope} options.scope
 * @param {(item: import('../queue.js').QueueItem) => void} options.add queue an event
 * @param {(error: Error) => void} options.fail
 * @param {(name: string) => Promise<any>} options.load the chunk loader
 * @param {import('../config.js').Config} options.config
 */
export function startStruggle({ core, scope, add, fail, load, config }) {
  const state = core.state;
  const settings = () => (state.session && state.session.struggle) || { enabled: false, signals: [], stall_ms: 60000 };
  const trigger = createTriggers({ core, load, storage: browserStorage(), key: 'signpost:cooldowns:' + config.app_key });
  const reporter = createReporter({
    scope,
    announce: (signal, element) => {
      // Help first, then tell the page: a listener that throws must not delay the guide.
      try {
        trigger(signal, element);
      } catch (error) {
        fail(/** @type {Error} */ (error));
      }
      emit('struggle', signal);
      // A step may move on when a signal is seen (its `advance_event`), as on a tracked name.
      emit('track', { name: signal.signal, struggle: true });
    },
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
      DETECTORS[name](watch, config.api_host);
    } catch (error) {
      fail(/** @type {Error} */ (error));
    }
  }
  scope.listen(window, 'pagehide', () => reporter.flush(), { capture: true });
}
