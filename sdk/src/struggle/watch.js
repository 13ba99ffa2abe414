// @ts-check
/**
 * What every struggle detector works with (`Watch`): the scope its listeners and timers live
 * in, the clock, `clicked` (the element a click meant, or null for clicks on the SDK's own
 * UI), and `report`, which describes the element, announces the signal at once (a
 * `signpost:struggle` DOM event, what struggle triggers act on) and records a
 * `struggle_detected` event. Repeats of one signal at one place within `MERGE_MS` become
 * one more event carrying their summed count, so a flood of clicks is a couple of events.
 * Pure enough to run in Node with a fake clock and a fake `record`.
 */

import { describeElement } from './element.js';

/** @typedef {import('../scope.js').Scope} Scope */
/**
 * @typedef {Object} Found
 * @property {Element | null} [element] where it happened
 * @property {number} [count] clicks of a rage click, fields of an abandoned form, ...
 * @property {string} [url] the page, when not the current one (a U-turn's)
 * @property {{id: number, version: number} | null} [guide]
 * @property {number | null} [step_index]
 * @property {boolean} [record] false: announce only (a rage click's first moment)
 * @property {boolean} [announce] false: record only (a rage click's final count)
 */
/**
 * @typedef {Object} Signal
 * @property {string} signal
 * @property {number} count
 * @property {string} role
 * @property {string} text
 * @property {string} selector
 * @property {string} url
 * @property {number | null} guide_id
 * @property {number | null} guide_version
 * @property {number | null} step_index
 */
/**
 * @typedef {Object} Watch
 * @property {Scope} scope
 * @property {() => number} now
 * @property {(event: Event) => Element | null} clicked
 * @property {(signal: string, found: Found) => void} report
 * @property {() => {stall_ms: number, signals: string[]}} settings
 * @property {(guide_id: number) => any} guide a delivered guide by id, or undefined
 * @property {() => any} player the guide on screen, or null
 */

/** Repeats of one signal at one place within this window are merged into one event. */
export const MERGE_MS = 10000;
/** A page load records at most this many struggle events. */
export const MAX_EVENTS = 100;

/**
 * @param {Object} options
 * @param {Scope} options.scope
 * @param {(signal: Signal) => void} options.record queue a `struggle_detected` event
 * @param {(signal: Signal, element: Element | null | undefined) => void} options.announce tell
 *   triggers and the host page
 * @param {() => number} [options.now]
 */
export function createReporter({ scope, record, announce, now = Date.now }) {
  /** @type {Map<string, {until: number, pending: Signal | null}>} */
  const windows = new Map();
  let recorded = 0;

  /** @param {Signal} signal */
  function keep(signal) {
    if (recorded >= MAX_EVENTS) return;
    recorded++;
    record(signal);
  }

  /** Record every merged repeat still waiting (at `pagehide`, or when a window closes). */
  function flush() {
    for (const [key, window] of windows) {
      if (window.pending) keep(window.pending);
      window.pending = null;
      if (window.until <= now()) windows.delete(key);
    }
  }

  /**
   * @param {string} name
   * @param {Found} found
   */
  function report(name, found) {
    const where = found.element ? describeElement(found.element) : { role: '', text: '', selector: '' };
    const guide = found.guide || null;
    /** @type {Signal} */
    const signal = {
      signal: name,
      count: Math.max(1, Math.round(found.count || 1)),
      ...where,
      url: found.url || location.href,
      guide_id: guide ? guide.id : null,
      guide_version: guide ? guide.version : null,
      step_index: found.step_index == null ? null : found.step_index,
    };
    if (found.announce !== false) announce(signal, found.element);
    if (found.record === false) return;
    const key = [name, signal.url.split(/[?#]/)[0], signal.selector, signal.guide_id, signal.step_index].join('\n');
    const open = windows.get(key);
    if (open && open.until > now()) {
      if (open.pending) open.pending.count += signal.count;
      else open.pending = signal;
      return;
    }
    windows.set(key, { until: now() + MERGE_MS, pending: null });
    keep(signal);
    scope.timeout(() => {
      const window = windows.get(key);
      if (window && window.until <= now()) {
        windows.delete(key);
        if (window.pending) keep(window.pending);
      }
    }, MERGE_MS);
  }

  return { report, flush };
}
