// @ts-check
/**
 * What every renderer is given: the render context of one step, the view it returns, and
 * the kit of shared drawing helpers. Kind chunks receive the kit through the context
 * instead of importing it, so each chunk carries only its own code.
 */

import { button, buildCard, make } from './popover.js';
import { renderContent } from './content.js';

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
 * @property {Kit & Partial<Anchor>} ui the kit, plus the `anchor` chunk's helpers when the step has a target
 * @property {ChecklistHost | null} checklist the checklist's memory and moves (checklists only)
 */
/**
 * @typedef {Object} ChecklistHost
 * @property {() => Guide[]} guides every guide delivered to this user
 * @property {() => Array<Record<string, string>> | null} selection the app's chosen resource-center entries (`{type: 'guide', slug}` or `{type: 'article', guide, id}`), in order; null when none were chosen
 * @property {(guide: Guide) => string[]} done ids of a checklist's completed items
 * @property {(guide: Guide, item: string) => void} complete tick an item off
 * @property {(guide: Guide, slug: string) => void} launch start another guide
 */
/**
 * What a renderer returns; the player mounts, positions, focuses and wires keys for it.
 * @typedef {Object} View
 * @property {HTMLElement} element
 * @property {HTMLElement | null} focus gets focus when the step appears (null: focus stays put)
 * @property {boolean} [modal] the page behind is dimmed
 * @property {(event: KeyboardEvent) => boolean} [onKey] a kind's own keys (a modal's Tab trap); true when handled
 * @property {boolean} [arrows] Left and Right arrow keys go back and next
 * @property {(target: Element) => void} [place] keeps it at its target: called on scroll, resize and layout change
 */
/** @typedef {(context: RenderContext) => View} Renderer */
/**
 * The `anchor` chunk: what steps pointing at an element need.
 * @typedef {Object} Anchor
 * @property {typeof import('../position.js').placeCard} placeCard
 * @property {typeof import('../target.js').viewportRect} viewportRect
 */

/**
 * Back / Next / Done for step `index` of `count`, as walkthroughs, modals and slideouts use.
 * @param {RenderContext} context
 * @param {string} [label] the step's own label for its Next (or, on the last step, Done) button
 * @returns {CardButton[]}
 */
export function stepButtons({ index, count, config }, label) {
  /** @type {CardButton[]} */
  const buttons = index > 0 ? [{ label: config.label_back, action: 'back' }] : [];
  buttons.push(
    index === count - 1
      ? { label: label || config.label_done, action: 'done', primary: true }
      : { label: label || config.label_next, action: 'next', primary: true },
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
  const { placeCard } = context.ui;
  return {
    element: card.element,
    focus: card.primary || card.element,
    arrows: true,
    // Without a target the card is centred by CSS.
    place: placeCard && ((target) => placeCard(card, target, context.step.placement)),
  };
}

export const kit = { make, button, content: renderContent, card: buildCard, stepButtons, stepProgress, popoverView };
/** @typedef {typeof kit} Kit */
