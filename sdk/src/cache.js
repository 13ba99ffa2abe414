// @ts-check
/**
 * Keeps the chunks a session answer carried inline in the browser's HTTP cache too, so later
 * pages need not be sent them again (part of `events`, after the first guide is on screen).
 *
 * The first page of a build gets the code its first guide needs inside the session answer
 * (loader.js), which no cache keeps. Once the page is idle, each of those chunks is loaded
 * once more as its file, `/sdk/v1/<name>.js?v=<build>`, which the server sends as immutable:
 * running it again is harmless (the loader ignores a chunk it did not ask for). The names
 * are then remembered under `CACHED_KEY + build`; the core sends them with its next first
 * session request, whose answer leaves them out, and loads them from the cache instead. A
 * cache the browser emptied costs a request per chunk, nothing more.
 */

import { readJson, writeJson } from './storage.js';

/** The storage key prefix of the cached chunks' names, one key per build. */
export const CACHED_KEY = 'signpost:cached:';

/**
 * @param {Object} options
 * @param {import('./state.js').Session | null} options.session the session the page started with
 * @param {import('./config.js').Config} options.config
 * @param {import('./storage.js').StorageLike} options.storage
 * @param {import('./scope.js').Scope} options.scope
 */
export function keepChunks({ session, config, storage, scope }) {
  const chunks = session && session.chunks;
  const build = session && session.build;
  if (!session || !chunks || typeof build !== 'string') return;
  // The code itself is no longer needed once it has run.
  delete session.chunks;
  const key = CACHED_KEY + build;
  // Names kept for older builds point at files no page will ask for again.
  for (let index = storage.length; index--; ) {
    const name = storage.key(index);
    if (name && name.startsWith(CACHED_KEY) && name !== key) storage.removeItem(name);
  }
  for (const name of Object.keys(chunks)) {
    const script = document.createElement('script');
    script.src = config.api_host + '/sdk/v1/' + name + '.js?v=' + build;
    script.async = true;
    if (config.nonce) script.nonce = config.nonce;
    // The element's work is done once it has loaded or failed.
    const done = () => script.remove();
    scope.listen(script, 'load', () => {
      const kept = readJson(storage, key);
      writeJson(storage, key, [...(Array.isArray(kept) ? kept : []).filter((item) => item !== name), name]);
      done();
    });
    scope.listen(script, 'error', done);
    scope.defer(done);
    (document.head || document.documentElement).appendChild(script);
  }
}
