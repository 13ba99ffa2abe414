// @ts-check
/**
 * Loads the SDK's other chunks (`/sdk/v1/ui.js`, `/sdk/v1/survey.js`, ...) when a guide needs
 * them. Each is a classic `<script>` element, so a nonce-only Content-Security-Policy allows
 * it: it carries the nonce of the SDK's own tag, and under `'strict-dynamic'` a script added
 * by a trusted script is trusted anyway. A chunk announces itself with a `signpost:chunk`
 * event on `document` (no other global), and `?v=` pins it to this build.
 *
 * A session answer may carry the code of the chunks its first guide needs
 * (server/sdk_chunks.py), so the first step needs no request beyond the session's: `inline`
 * runs it in an inline script with the same nonce. A page whose CSP blocks that (no nonce,
 * `script-src 'self'`) leaves the chunk undefined; the SDK remembers it and stops asking.
 */

/** @typedef {import('./scope.js').Scope} Scope */

/** Replaced at build time by a hash of every chunk, so a cached core never meets a newer chunk. */
export const BUILD = typeof SIGNPOST_BUILD === 'string' ? SIGNPOST_BUILD : 'dev';

/**
 * @param {string} base where the chunks are, e.g. `https://signpost.example.com/sdk/v1/`
 * @param {string} nonce the nonce of the SDK's script tag, or ''
 * @param {Scope} scope
 * @returns {Loader}
 */
export function createLoader(base, nonce, scope) {
  /** @type {Record<string, Promise<any>>} */
  const loading = {};
  /** @type {Record<string, (exports: any) => void>} */
  const waiting = {};
  scope.listen(document, 'signpost:chunk', (event) => {
    const detail = event.detail || {};
    if (waiting[detail.name]) waiting[detail.name](detail.exports);
  });
  /**
   * Put a script element in the page, with the nonce of the SDK's own tag (or none).
   * @param {{src: string} | {text: string}} content
   */
  const insert = (content) =>
    (document.head || document.documentElement).appendChild(Object.assign(document.createElement('script'), { nonce }, content));
  const load = /** @type {Loader} */ (
    (/** @type {string} */ name) =>
      loading[name] ||
      (loading[name] = new Promise((resolve, reject) => {
        waiting[name] = resolve;
        // Inserted by a script, it runs async; a failure to load it comes later as `error`.
        const script = insert({ src: base + name + '.js?v=' + BUILD });
        script.addEventListener('error', () => {
          delete loading[name];
          reject(new Error('could not load ' + script.src));
        });
        scope.defer(() => script.remove());
      }))
  );
  load.inline = (name, code) => {
    if (name in loading) return true;
    /** @type {any} */
    let exports;
    waiting[name] = (value) => void (exports = value);
    // An inline script runs as it is inserted, unless the page's CSP refuses it.
    insert({ text: code }).remove();
    delete waiting[name];
    if (exports) loading[name] = Promise.resolve(exports);
    return !!exports;
  };
  return load;
}

/**
 * @typedef {((name: string) => Promise<any>) & {inline: (name: string, code: string) => boolean}} Loader
 * Loads a chunk by name; `inline` runs a chunk's code from a session answer (false: refused).
 */
