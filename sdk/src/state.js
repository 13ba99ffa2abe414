// @ts-check
/**
 * The SDK instance's state: who the user is, the last session response, the guide on
 * screen, and what this browser remembers of each guide. The server's `states` may lag
 * behind (events still queued, a reload before they were sent), so progress is also kept
 * in localStorage per user and guide version, and the two are merged.
 */

import { readJson, writeJson } from './storage.js';

/** @typedef {import('./storage.js').StorageLike} StorageLike */
/** @typedef {import('./rules.js').Guide} Guide */
/** @typedef {import('./rules.js').GuideState} GuideState */
/** @typedef {import('./styles.js').Theme} Theme */
/** @typedef {Record<string, string | number | boolean | null>} Flat */
/** @typedef {{guide: Guide, stop: () => void, end: (status: any) => void}} Player a guide on screen */
/**
 * @typedef {Object} Session
 * @property {Guide[]} guides
 * @property {Record<string, GuideState>} states
 * @property {Theme} [theme]
 * @property {{enabled: boolean, signals: string[], stall_ms: number}} [struggle] the app's struggle detection
 * @property {Array<Record<string, string>>} [resource_center] what the resource center lists, in order, when the app chose it
 * @property {Record<string, string>} [labels] the SDK's own words in the user's language (guides/labels.py)
 * @property {Record<string, string>} [chunks] code of the chunks its first guide needs (loader.js)
 * @property {string} [build] the build of those chunks, to keep their files cached (cache.js)
 */

/**
 * A flat object of strings (cut to `max_length`), finite numbers, booleans and nulls, at
 * most `max_keys` keys: the shape the server accepts for traits and event properties.
 * @param {unknown} value
 * @param {number} max_keys
 * @returns {Flat}
 */
export function flatten(value, max_keys, max_length = 1000) {
  /** @type {Flat} */
  const flat = {};
  if (!value || typeof value !== 'object') return flat;
  let kept = 0;
  for (const [key, item] of Object.entries(value)) {
    if (kept >= max_keys) break;
    if (typeof item === 'string') flat[key] = item.slice(0, max_length);
    // Number.isFinite is true of finite numbers only (no coercion).
    else if (Number.isFinite(item) || typeof item === 'boolean' || item === null) flat[key] = item;
    else continue;
    kept += 1;
  }
  return flat;
}

/**
 * @param {StorageLike} storage
 * @param {string} app_key
 * @param {string} anonymous_id
 */
export function createState(storage, app_key, anonymous_id) {
  const state = {
    /** @type {string | null} */
    user_id: null,
    /** The identity token from the customer's server (`identify`'s third argument). */
    /** @type {string | undefined} */
    user_token: undefined,
    anonymous_id,
    /** @type {Flat} */
    traits: {},
    /** The content language: `setLocale()`, else the browser's. */
    /** @type {string | null} */
    locale: navigator.language || null,
    /** @type {Session | null} */
    session: null,
    /** @type {Player | null} */
    player: null,
    /** Guides completed, dismissed or ended in this page load: not shown again on their own. */
    finished: /** @type {Set<number>} */ (new Set()),

    /** This browser's progress for the current user, keyed `id@version`. */
    progressKey() {
      const who = state.user_id !== null ? 'u:' + state.user_id : 'a:' + state.anonymous_id;
      return 'signpost:progress:' + app_key + ':' + who;
    },

    /**
     * The server's state merged with this browser's: a flag set on either side holds, and
     * the step saved here wins, being newer than the server's view.
     * @param {Guide} guide
     * @returns {GuideState}
     */
    get(guide) {
      const server = (state.session && state.session.states[String(guide.id)]) || {};
      const local = (readJson(storage, state.progressKey()) || {})[guide.id + '@' + guide.version] || {};
      return {
        seen: !!(server.seen || local.seen),
        completed: !!(server.completed || local.completed),
        dismissed: !!(server.dismissed || local.dismissed),
        current_step: local.current_step ?? server.current_step ?? 0,
        items: local.items || [],
      };
    },

    /**
     * @param {Guide} guide
     * @param {GuideState} change
     */
    set(guide, change) {
      const key = state.progressKey();
      const all = readJson(storage, key) || {};
      const id = guide.id + '@' + guide.version;
      all[id] = { ...all[id], ...change };
      writeJson(storage, key, all);
    },

    /** Forget the user: a new anonymous id, no traits, nothing on screen. */
    reset(/** @type {string} */ next_anonymous_id) {
      if (state.player) state.player.stop();
      state.player = null;
      state.user_id = null; // the token is ignored for anonymous users; identify() replaces it
      // The old anonymous user is gone for good; a signed-in user's progress may be needed again.
      storage.removeItem(state.progressKey());
      state.anonymous_id = next_anonymous_id;
      state.traits = {};
      state.finished.clear();
    },
  };
  return state;
}

/** @typedef {ReturnType<typeof createState>} State */
