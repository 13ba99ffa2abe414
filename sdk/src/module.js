// @ts-check
/**
 * The ES-module entry (`sdk/dist/signpost.mjs`), for apps that bundle their own code:
 * `import { init, identify, track } from './signpost.mjs'`. The same SDK as the script tag's,
 * configured by `init()` instead of `data-` attributes; its chunks still load from
 * `api_host`/sdk/v1/ (the server must be of the same build; a session answer carries the
 * first guide's). Calls made before `init()` wait and run after it, in order. It installs no
 * global: `window.Signpost` is only the script tag's.
 */

import { defaults } from './config.js';
import { emit } from './events.js';
import { createSignpost } from './signpost.js';

/** @typedef {import('./signpost.js').Signpost} Signpost */
/** @typedef {Omit<Signpost, 'start'>} Methods */

/** @type {Methods | null} */
let instance = null;
/** @type {Array<[keyof Methods, any[]]>} */
const waiting = [];

/**
 * @template {keyof Methods} M
 * @param {M} name
 * @returns {Methods[M]}
 */
const method = (name) =>
  /** @type {any} */ ((/** @type {any[]} */ ...args) => {
    if (instance) return /** @type {any} */ (instance[name])(...args);
    waiting.push([name, args]);
    // `on` before `init`: its unsubscribe still works once the SDK runs.
    return name === 'on' ? () => off(args[0], args[1]) : undefined;
  });

/**
 * Start the SDK once: `app_key` is required; `api_host` is the Signpost server's origin.
 * Any other key of the script tag's configuration may be given (`target_timeout_ms`,
 * `nonce`, `label_next`, ...). Later calls return the same instance's methods.
 * @param {Partial<import('./config.js').Config> & {app_key: string, api_host: string}} options
 */
export function init(options) {
  if (instance) return api;
  try {
    const { start, ...methods } = createSignpost(/** @type {any} */ ({ ...defaults, ...options }));
    instance = methods;
    for (const [name, args] of waiting.splice(0)) /** @type {any} */ (instance[name])(...args);
    start();
  } catch (error) {
    emit('error', { message: String(error), where: 'init' });
  }
  return api;
}

export const identify = method('identify');
export const track = method('track');
export const show = method('show');
export const hide = method('hide');
export const page = method('page');
export const setLocale = method('setLocale');
export const reset = method('reset');
export const destroy = method('destroy');
export const on = method('on');
export const off = method('off');

const api = { identify, track, show, hide, page, setLocale, reset, destroy, on, off };
