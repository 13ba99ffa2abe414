// @ts-check
/**
 * Safe access to `localStorage`. Reading `window.localStorage` throws in sandboxed iframes and
 * with storage blocked, and writes throw when the quota is full; the SDK then keeps working
 * from memory for this page.
 */

/**
 * The part of the Web Storage interface the SDK uses; tests pass an in-memory stand-in.
 * @typedef {Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>} StorageLike
 */

/**
 * Stands in for blocked storage for the life of the page. It lists no keys: there are no
 * other pages' queues to adopt in memory.
 * @returns {StorageLike}
 */
function pageMemory() {
  /** @type {Map<string, string>} */
  const items = new Map();
  return {
    length: 0,
    key: () => null,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

/** @returns {StorageLike} */
export function browserStorage() {
  try {
    const storage = window.localStorage;
    const probe = 'signpost:probe';
    storage.setItem(probe, probe);
    storage.removeItem(probe);
    return storage;
  } catch (_) {
    return pageMemory();
  }
}

/**
 * This tab's `sessionStorage`, kept across reloads of the tab and gone with it; memory for
 * this page when it is blocked.
 * @returns {StorageLike}
 */
export function tabStorage() {
  try {
    const storage = window.sessionStorage;
    storage.setItem('signpost:probe', '1');
    storage.removeItem('signpost:probe');
    return storage;
  } catch (_) {
    return pageMemory();
  }
}

/**
 * @param {StorageLike} storage
 * @param {string} key
 * @returns {any} the parsed JSON, or null when missing or unreadable
 */
export function readJson(storage, key) {
  try {
    const raw = storage.getItem(key);
    return raw === null ? null : JSON.parse(raw);
  } catch (_) {
    return null;
  }
}

/**
 * @param {StorageLike} storage
 * @param {string} key
 * @param {unknown} value
 * @returns {boolean} whether it was stored
 */
export function writeJson(storage, key, value) {
  try {
    storage.setItem(key, JSON.stringify(value));
    return true;
  } catch (_) {
    return false;
  }
}

/**
 * Keys starting with `prefix`, read before any is removed.
 * @param {StorageLike} storage
 * @param {string} prefix
 */
export function keysWithPrefix(storage, prefix) {
  /** @type {string[]} */
  const keys = [];
  try {
    for (let i = 0; i < storage.length; i++) {
      const key = storage.key(i);
      if (key && key.startsWith(prefix)) keys.push(key);
    }
  } catch (_) {
    // Storage became unavailable: nothing to adopt.
  }
  return keys;
}
