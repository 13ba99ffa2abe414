// @ts-check
/**
 * The registry of guide kinds: kind → the module that renders it. Tooltip and walkthrough
 * ride in the `ui` chunk with the player; every other kind is its own small chunk, loaded
 * from `/sdk/v1/<chunk>.js` only when a guide of that kind is about to show. Each chunk
 * exports `renderers[kind]`. Adding a kind: `render/<kind>.js`, `chunks/<kind>.js`, a line
 * here, and its content schema in guides/kinds.py.
 */

/** @type {Readonly<Record<string, string>>} */
export const kinds = Object.freeze({
  tooltip: 'ui',
  walkthrough: 'ui',
  modal: 'modal',
  banner: 'banner',
  hotspot: 'hotspot',
  slideout: 'slideout',
  checklist: 'checklist',
  survey: 'survey',
  resource_center: 'resource_center',
});

/**
 * The chunk holding `kind`'s renderer, or null for a kind this SDK does not know.
 * @param {string} kind
 * @returns {string | null}
 */
export const chunkFor = (kind) => (Object.hasOwn(kinds, kind) ? kinds[kind] : null);
