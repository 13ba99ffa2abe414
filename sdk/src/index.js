// @ts-check
/**
 * The entry point: reads the configuration from the SDK's own script tag, replaces the
 * snippet's queue stub with the real `window.Signpost`, replays the calls queued before
 * the script loaded, in order, and boots.
 *
 * `window.Signpost` stays callable the snippet's way (`Signpost('track', 'Exported')`) and
 * also has the methods (`Signpost.track('Exported')`).
 */

import { readConfig } from './config.js';
import { emit } from './events.js';
import { createSignpost } from './signpost.js';

/**
 * @typedef {((method: string, ...args: any[]) => unknown) & Omit<import('./signpost.js').Signpost, 'start'> & {q?: ArrayLike<any>[], loaded?: boolean}} SignpostGlobal
 */


/** This script's tag: `document.currentScript` while it runs, else the tag with the app key. */
function ownScript() {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.hasAttribute('data-app-key')) return current;
  return /** @type {HTMLScriptElement | null} */ (document.querySelector('script[data-app-key]'));
}

function boot() {
  const global = /** @type {{Signpost?: SignpostGlobal}} */ (/** @type {unknown} */ (window));
  const existing = global.Signpost;
  // Loaded twice (two tags, a re-injected bundle): the first instance stays in charge.
  if (existing && existing.loaded) return;
  const { start, ...methods } = createSignpost(readConfig(ownScript()));
  /**
   * @param {unknown} method
   * @param {any[]} args
   */
  const call = (method, args) => {
    const name = String(method);
    // The methods of `window.Signpost`, callable also as `Signpost('name', ...args)`.
    if (Object.hasOwn(methods, name)) return /** @type {any} */ (methods)[name](...args);
    emit('error', { message: 'no method ' + name, where: 'call' });
    return undefined;
  };
  const api = /** @type {SignpostGlobal} */ (/** @type {unknown} */ (
    Object.assign((/** @type {unknown} */ method, /** @type {any[]} */ ...args) => call(method, args), methods, {
      loaded: true,
    })
  ));
  const queued = (existing && existing.q) || [];
  global.Signpost = api;
  // Each queued entry is an `arguments` object, which is iterable.
  for (const [method, ...args] of /** @type {any[][]} */ (Array.from(queued))) call(method, args);
  start();
}

try {
  boot();
} catch (error) {
  // Nothing may escape into the host page, not even from booting.
  emit('error', { message: String(error), where: 'boot' });
}
