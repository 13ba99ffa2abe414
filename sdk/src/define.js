// @ts-check
/**
 * What a chunk calls last: hand its exports to the SDK core that loaded it (loader.js).
 * @param {string} name
 * @param {Record<string, unknown>} exports
 */
export function define(name, exports) {
  document.dispatchEvent(new CustomEvent('signpost:chunk', { detail: { name, exports } }));
}
