// @ts-check
/**
 * The one part of authoring mode in the core: when the page was opened from the admin with
 * `#signpost-authoring=<token>`, load the `authoring` chunk (element picker, draft preview)
 * through the same loader as the guide kinds, and hand it the token and a way to preview a
 * draft. Other pages pay for this file only.
 */

import { createLoader } from '../loader.js';
import { Scope } from '../scope.js';

const FRAGMENT = /signpost-authoring=([\w.-]+)/;

/**
 * @param {import('../config.js').Config} config
 * @param {{preview: (guide: any) => void}} instance
 */
export function startAuthoring(config, instance) {
  const match = FRAGMENT.exec(location.hash);
  if (!match || !config.api_host) return;
  const load = createLoader(config.api_host + '/sdk/v1/', config.nonce, new Scope());
  load('authoring').then((chunk) => chunk.run(match[1], config.api_host, instance), () => {});
}
