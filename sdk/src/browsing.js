// @ts-check
/**
 * The browsing session every event is stamped with (`session_id`), so reports can count
 * sessions rather than events: one per tab, kept in sessionStorage so that a reload stays in
 * it, and a new one after 30 minutes without an event or once `reset()` gave the user a new
 * anonymous id. Part of the `events` chunk, so it costs the path to a first guide nothing.
 * Pure policy over an injected Storage, so it is unit-tested in Node.
 */

import { readJson, writeJson } from './storage.js';
import { uuid7 } from './uuid.js';

/** @typedef {import('./storage.js').StorageLike} StorageLike */
/** @typedef {import('./queue.js').QueueItem} QueueItem */
/** @typedef {{id: string, anonymous_id: string, last: number}} Saved */

/** A session ends after this long without an event (as web analytics usually count them). */
export const IDLE_MS = 30 * 60 * 1000;

/**
 * @param {StorageLike} storage one tab's storage (sessionStorage), or memory
 * @param {string} key e.g. `signpost:session:pk_1`
 */
export function createBrowsing(storage, key) {
  /**
   * The session an event at `time` by `anonymous_id` belongs to: the tab's current one,
   * or a new one when there is none, it was idle too long or the user was reset.
   * @param {number} time milliseconds since the epoch
   * @param {string} anonymous_id
   * @returns {string}
   */
  function at(time, anonymous_id) {
    /** @type {Saved | null} */
    const saved = readJson(storage, key);
    const current =
      saved && typeof saved.id === 'string' && saved.anonymous_id === anonymous_id && time - Number(saved.last) < IDLE_MS
        ? { ...saved, last: Math.max(Number(saved.last), time) }
        : { id: uuid7(), anonymous_id, last: time };
    writeJson(storage, key, current);
    return current.id;
  }

  return {
    at,
    /**
     * Give a queued event its session, unless it has one. Events queued by an SDK older
     * than session ids keep none: which session they were in is not known.
     * @param {QueueItem} item
     */
    stamp(item) {
      if (item && item.event && !item.event.session_id) item.event.session_id = at(Date.parse(item.event.timestamp) || Date.now(), item.anonymous_id);
    },
  };
}

/** @typedef {ReturnType<typeof createBrowsing>} Browsing */
