// @ts-check
/**
 * What every renderer is given: the render context of one step, the view it returns, and
 * the kit of shared drawing helpers. Kind chunks receive the kit through the context
 * instead of importing it, so each chunk carries only its own code.
 */

import { button, buildCard, make, placeCard } from './popover.js';
import { renderContent, safeHref } from './content.js';
import { viewportRect } from '../target.js';

/** @typedef {import('../rules.js').Guide} Guide */
/** @typedef {import('../rules.js').Step} Step */
/** @typedef {import('../machine.js').StepAction} StepAction */
/** @typedef {import('./popover.js').CardButton} CardButton */
/** @typedef {import('./popover.js').CardSpec} CardSpec */
/**
 * @typedef {Object} RenderContext
 * @property {Guide} guide
 * @property {Step} step
 * @property {number} index
 * @property {number} count
 * @property {import('../config.js').Config} config
 * @property {Element | null} target the step's element (null: none, or shown centred)
 * @property {(action: StepAction) => void} act move on: next, back, done, dismiss
 * @property {(type: string, properties: Record<string, any>) => void} record a kind's own event (`survey_answered`, ...)
 * @property {AbortSignal} signal ends with the step
 * @property {(css: string) => void} style add the kind's CSS to the shadow root (once)
 * @property {Kit} ui
 * @property {ChecklistHost} checklist
 */
/**
 * @typedef {Object} ChecklistHost
 * @property {(guide: Guide) => string[]} done ids of a checklist's completed items
 * @property {(guide: Guide, item: string) => void} complete tick an item off
 * @property {(guide: Guide, slug: string) => void} launch start another guide
 */
/**
 * What a renderer returns; the player mounts, positions, focuses and wires keys for it.
 * @typedef {Object} View
 * @property {HTMLElement} element
 * @property {HTMLElement | null} focus gets focus when the step appears (null: focus stays put)
 * @property {boolean} [modal] Tab cycles inside; the page behind is dimmed
 * @property {boolean} [arrows] Left and Right arrow keys go back and next
 * @property {(target: Element | null) => void} [place] called on scroll, resize and layout change
 */
/** @typedef {(context: RenderContext) => View} Renderer */

/**
 * Back / Next / Done for step `index` of `count`, as walkthroughs, modals and slideouts use.
 * @param {RenderContext} context
 * @param {string} [lastLabel] label of the last step's button
 * @returns {CardButton[]}
 */
export function stepButtons({ index, count, config }, lastLabel) {
  /** @type {CardButton[]} */
  const buttons = index > 0 ? [{ label: config.label_back, action: 'back' }] : [];
  buttons.push(
    index === count - 1
      ? { label: lastLabel || config.label_done, action: 'done', primary: true }
      : { label: config.label_next, action: 'next', primary: true },
  );
  return buttons;
}

/**
 * The step counter, or null for a single step.
 * @param {RenderContext} context
 */
export const stepProgress = ({ index, count, config }) =>
  count > 1 ? { index, count, label: config.label_progress.replace('{index}', String(index + 1)).replace('{count}', String(count)) } : null;

/**
 * A card as a popover: next to the target, or centred without one.
 * @param {RenderContext} context
 * @param {CardSpec} spec
 * @returns {View}
 */
export function popoverView(context, spec) {
  const card = buildCard(spec, context.act, context.signal);
  return { element: card.element, focus: card.primary || card.element, arrows: true, place: (target) => placeCard(card, target, context.step.placement) };
}

/**
 * A link styled as a button for an optional call to action; absolute links open a new tab.
 * @param {{link_label?: string, link_url?: string}} content
 * @returns {HTMLAnchorElement | null}
 */
export function ctaLink(content) {
  const url = content.link_url;
  if (!content.link_label || !url || !safeHref(url)) return null;
  const link = /** @type {HTMLAnchorElement} */ (make('a', 'sp-btn sp-link', content.link_label));
  link.setAttribute('href', url);
  link.setAttribute('rel', 'noopener noreferrer nofollow');
  if (/^\s*https?:/i.test(url)) link.setAttribute('target', '_blank');
  return link;
}

export const kit = { make, button, content: renderContent, card: buildCard, placeCard, viewportRect, stepButtons, stepProgress, popoverView, ctaLink };
/** @typedef {typeof kit} Kit */
