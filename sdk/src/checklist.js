// @ts-check
/**
 * Which checklist items an occurrence completes: a `track`ed event whose name an item's
 * `complete_on` names, or the completion of the guide an item's `launch_guide` names. Pure,
 * and part of the `events` chunk (delivery.js), so items complete even while no checklist is
 * on screen.
 */

/** @typedef {import('./rules.js').Guide} Guide */
/** @typedef {{event?: string, guide?: string}} Tick what happened: a tracked event's name or a completed guide's slug */

/**
 * @param {Guide[]} guides every delivered guide
 * @param {Tick} what
 * @returns {Array<[Guide, string]>} checklist and item id pairs
 */
export function checklistItems(guides, what) {
  /** @type {Array<[Guide, string]>} */
  const found = [];
  for (const guide of guides) {
    if (guide.kind !== 'checklist') continue;
    for (const step of guide.steps) {
      const item = step.content || {};
      const hit = (what.event !== undefined && item.complete_on === what.event) || (what.guide !== undefined && item.launch_guide === what.guide);
      if (hit && item.id) found.push([guide, String(item.id)]);
    }
  }
  return found;
}
