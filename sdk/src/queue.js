// @ts-check
/**
 * The persistent event queue. An event is written to storage when it is queued (write-ahead)
 * and deleted only after a 2xx acknowledged it, so a killed tab, a crash or a server outage
 * loses nothing; the server drops repeated `event_id`s, so sending twice is safe.
 *
 * Each page load owns one storage key, so tabs never overwrite each other's queue. A page
 * adopts the queues of pages that are gone: all of them at boot (a reload picks up its
 * predecessor), and later those untouched for `adopt_after_ms` (a closed tab). Adopting a
 * live page's queue only causes duplicates, which the server drops.
 *
 * Pure policy over an injected Storage, so it is unit-tested in Node.
 */

import { keysWithPrefix, readJson, writeJson } from './storage.js';

/** @typedef {import('./storage.js').StorageLike} StorageLike */
/**
 * @typedef {Object} SdkEvent
 * @property {string} event_id
 * @property {string} type
 * @property {string} timestamp
 * @property {string} url
 * @property {number | null} guide_id
 * @property {number | null} guide_version
 * @property {number | null} step_index
 * @property {Record<string, string | number | boolean | null>} properties
 * @property {string} [session_id] the browsing session (browsing.js); absent from events
 *   queued by older SDKs, which are sent without one
 */
/** @typedef {{event: SdkEvent, user_id: string | null, user_token?: string, anonymous_id: string}} QueueItem */
/**
 * @typedef {Object} QueueOptions
 * @property {StorageLike} storage
 * @property {string} prefix shared by the queues of one app, e.g. `signpost:queue:pk_1:`
 * @property {string} owner this page load's id
 * @property {number} max_events
 * @property {number} max_bytes
 * @property {number} adopt_after_ms
 * @property {() => number} [now]
 */

/**
 * Lower is evicted first when the queue is full: custom events and struggle signals (which
 * repeat, and carry their count) go before the guide lifecycle events funnels are built from.
 * @param {SdkEvent} event
 */
export const eventValue = (event) => (event.type === 'track' || event.type === 'struggle_detected' ? 0 : 1);

/** @param {QueueItem} item */
const sizeOf = (item) => JSON.stringify(item).length;

/** @param {QueueOptions} options */
export function createQueue(options) {
  const { storage, prefix, max_events, max_bytes, adopt_after_ms } = options;
  const now = options.now || Date.now;
  const key = prefix + options.owner;
  /** @type {QueueItem[]} */
  let items = [];
  let bytes = 0;
  let dropped = 0;

  /** Mirror the queue to storage. When the quota is full the queue lives on in memory. */
  function save() {
    if (items.length) writeJson(storage, key, { saved_at: now(), items });
    else storage.removeItem(key);
  }

  /**
   * Drop `count` items, lowest value first and oldest first within a value.
   * @param {number} count
   */
  function evict(count) {
    const before = items.length;
    for (let i = 0; i < count && items.length; i++) {
      const cheap = items.findIndex((item) => eventValue(item.event) === 0);
      items.splice(cheap < 0 ? 0 : cheap, 1);
    }
    bytes = items.reduce((sum, item) => sum + sizeOf(item), 0);
    dropped += before - items.length;
  }

  function bound() {
    if (items.length > max_events) evict(items.length - max_events);
    while (bytes > max_bytes && items.length) evict(1);
  }

  /**
   * Merge items, skipping ids already queued.
   * @param {QueueItem[]} incoming
   */
  function merge(incoming) {
    const known = new Set(items.map((item) => item.event.event_id));
    for (const item of incoming) {
      if (item && item.event && !known.has(item.event.event_id)) {
        known.add(item.event.event_id);
        items.push(item);
        bytes += sizeOf(item);
      }
    }
    // Keep time order so batches stay in the order events happened.
    items.sort((a, b) => (a.event.event_id < b.event.event_id ? -1 : 1));
  }

  return {
    get size() {
      return items.length;
    },
    /** How many events the bounds have evicted since the last call; resets the count. */
    takeDropped() {
      const count = dropped;
      dropped = 0;
      return count;
    },
    /** @param {QueueItem} item */
    add(item) {
      items.push(item);
      bytes += sizeOf(item);
      bound();
      save();
    },
    /**
     * The oldest items that share the first item's identity (one batch has one user),
     * skipping ids in `exclude` (in flight).
     * @param {number} limit
     * @param {Set<string>} [exclude]
     * @returns {QueueItem[]}
     */
    peek(limit, exclude) {
      /** @type {QueueItem[]} */
      const batch = [];
      for (const item of items) {
        if (batch.length >= limit) break;
        if (exclude && exclude.has(item.event.event_id)) continue;
        const head = batch[0];
        if (head && (head.user_id !== item.user_id || head.anonymous_id !== item.anonymous_id)) continue;
        batch.push(item);
      }
      return batch;
    },
    /** @param {string[]} ids acknowledged event ids */
    remove(ids) {
      const gone = new Set(ids);
      const before = items.length;
      items = items.filter((item) => !gone.has(item.event.event_id));
      if (items.length === before) return;
      bytes = items.reduce((sum, item) => sum + sizeOf(item), 0);
      save();
    },
    /**
     * Take over other pages' queues: every one when `all`, else those untouched for
     * `adopt_after_ms`. Returns how many items were adopted.
     * @param {boolean} all
     */
    adopt(all) {
      const before = items.length;
      for (const other of keysWithPrefix(storage, prefix)) {
        if (other === key) continue;
        const saved = readJson(storage, other);
        const stale = !saved || !(now() - Number(saved.saved_at) < adopt_after_ms);
        if (!all && !stale) continue;
        if (saved && Array.isArray(saved.items)) merge(saved.items);
        storage.removeItem(other);
      }
      if (items.length === before) return 0;
      bound();
      save();
      return items.length - before;
    },
    /** Rewrite this page's key, e.g. after a back-forward cache restore or to show it is alive. */
    touch() {
      if (items.length) save();
    },
  };
}

/** @typedef {ReturnType<typeof createQueue>} Queue */
