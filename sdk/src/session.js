// @ts-check
/**
 * `POST /sdk/v1/session`: who the user is in, which guides, states and theme out. Sent when
 * the SDK boots and again after `identify()` or `reset()`. The anonymous id is kept in
 * localStorage so one browser stays one anonymous user across page loads.
 */

import { readJson, writeJson } from './storage.js';
import { uuid7 } from './uuid.js';
import { chunkFor } from './render/index.js';
import { post } from './http.js';

/** @typedef {import('./storage.js').StorageLike} StorageLike */
/** @typedef {import('./state.js').State} State */
/** @typedef {import('./state.js').Session} Session */
/** @typedef {import('./rules.js').Guide} Guide */

const ANONYMOUS_KEY = 'signpost:anonymous_id';

/**
 * @param {StorageLike} storage
 * @param {boolean} [renew] make a new one (after `reset()`)
 * @returns {string}
 */
export function anonymousId(storage, renew = false) {
  const saved = renew ? null : readJson(storage, ANONYMOUS_KEY);
  if (typeof saved === 'string' && saved) return saved;
  const fresh = uuid7();
  writeJson(storage, ANONYMOUS_KEY, fresh);
  return fresh;
}

/**
 * Keep only guides this SDK can show: a known kind, at least one step, the documented shape.
 * @param {any} guide
 * @returns {guide is Guide}
 */
const playable = (guide) =>
  !!guide &&
  typeof guide.id === 'number' &&
  !!chunkFor(guide.kind) &&
  Array.isArray(guide.steps) &&
  guide.steps.length > 0 &&
  !!guide.trigger;

/**
 * @param {any} value
 * @param {any} [fallback]
 */
const objectOr = (value, fallback) => (value && typeof value === 'object' ? value : fallback);

/**
 * The session response, checked; throws on a body of the wrong shape. Fields the core does
 * not read (`struggle`) pass through to the chunks that do, which check them.
 * @param {any} body
 * @returns {Session}
 */
export function parseSession(body) {
  // Only requestSession catches it, and answers MALFORMED: no message is ever read.
  if (!body || !Array.isArray(body.guides)) throw MALFORMED;
  return {
    ...body,
    guides: body.guides.filter(playable),
    states: objectOr(body.states, {}),
    theme: objectOr(body.theme),
  };
}

/** Stands for a 2xx whose body is not a session: not worth retrying. */
export const MALFORMED = 1;

/**
 * One request; resolves with the parsed session, or with the HTTP status when it failed
 * (`MALFORMED` for a body of the wrong shape). Rejects on a network error.
 * @param {string} api_host
 * @param {string} app_key
 * @param {State} state
 * @param {AbortSignal} signal
 * @param {string} [build] this build, when the answer may carry chunks' code (loader.js)
 * @param {string[] | null} [cached] chunks of this build the browser keeps cached (cache.js)
 * @returns {Promise<Session | number>}
 */
export async function requestSession(api_host, app_key, state, signal, build, cached) {
  const body = JSON.stringify({
    app_key,
    user_id: state.user_id,
    user_token: state.user_token,
    anonymous_id: state.anonymous_id,
    traits: state.traits,
    url: location.href,
    locale: state.locale,
    build,
    cached,
  });
  const response = await post(api_host + '/sdk/v1/session', body, false, signal);
  if (!response.ok) return response.status;
  try {
    return parseSession(await response.json());
  } catch (_) {
    return MALFORMED;
  }
}
