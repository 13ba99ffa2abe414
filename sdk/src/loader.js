// @ts-check
/**
 * Loads the SDK's other chunks (`/sdk/v1/ui.js`, `/sdk/v1/survey.js`, ...) when a guide needs
 * them. Each is a classic `<script>` element, so a nonce-only Content-Security-Policy allows
 * it: it carries the nonce of the SDK's own tag, and under `'strict-dynamic'` a script added
 * by a trusted script is trusted anyway. A chunk announces itself with a `signpost:chunk`
 * event on `document` (no other global), and `?v=` pins it to this build.
 */

/** @typedef {import('./scope.js').Scope} Scope */

/** Replaced at build time by a hash of every chunk, so a cached core never meets a newer chunk. */
const BUILD = typeof SIGNPOST_BUILD === 'string' ? SIGNPOST_BUILD : 'dev';

/**
 * @param {string} base where the chunks are, e.g. `https://signpost.example.com/sdk/v1/`
 * @param {string} nonce the nonce of the SDK's script tag, or ''
 * @param {Scope} scope
 * @returns {(name: string) => Promise<any>}
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
  return (name) =>
    loading[name] ||
    (loading[name] = new Promise((resolve, reject) => {
      waiting[name] = resolve;
      const script = document.createElement('script');
      script.src = base + name + '.js?v=' + BUILD;
      script.async = true;
      if (nonce) script.nonce = nonce;
      script.addEventListener('error', () => {
        delete loading[name];
        reject(new Error('could not load ' + script.src));
      });
      (document.head || document.documentElement).appendChild(script);
      scope.defer(() => script.remove());
    }));
}
