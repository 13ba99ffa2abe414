// @ts-check
/**
 * Authoring mode's way in, shipped in the `events` chunk (every page loads it at boot, off
 * the path to a first guide): when the page was opened from the admin with
 * `#signpost-authoring=<token>`, load the `authoring` chunk (element picker, draft preview)
 * and hand it the token and a way to play a draft. Other pages pay one regular expression.
 */

/**
 * @param {import('../config.js').Config} config
 * @param {(name: string) => Promise<any>} load the SDK's chunk loader
 * @param {(guide: any) => void} preview plays a guide that is not published
 */
export function startAuthoring(config, load, preview) {
  const match = /signpost-authoring=([\w.-]+)/.exec(location.hash);
  if (match) load('authoring').then((chunk) => chunk.run(match[1], config.api_host, { preview }), () => {});
}
