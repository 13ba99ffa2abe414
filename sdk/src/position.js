// @ts-check
/**
 * Where the popover goes. `computePosition` is pure (rectangles in, coordinates out) in the
 * manner of floating-ui's core; `autoUpdate` is the thin DOM part that calls it again on
 * scroll, resize and size changes, and returns its cleanup through the scope.
 */

import { onceAFrame, viewportRect } from './target.js';

/** @typedef {import('./scope.js').Scope} Scope */
/** @typedef {import('./render/popover.js').Card} Card */
/** @typedef {'top' | 'bottom' | 'left' | 'right'} Side */
/** @typedef {{top: number, left: number, bottom: number, right: number, width: number, height: number}} Rect */
/**
 * @typedef {Object} Placement
 * @property {number} x left edge of the popover, in viewport pixels
 * @property {number} y top edge
 * @property {Side} placement the side actually used
 * @property {number} arrow offset of the arrow's centre along the popover's edge
 */

/** Distance between target and popover, room for the arrow. */
export const GAP = 12;
/** Closest the popover comes to the viewport's edge. */
export const MARGIN = 8;
/** Closest the arrow comes to a popover corner. */
const ARROW_INSET = 18;

/** @type {Record<string, Side>} */
const OPPOSITE = { top: 'bottom', bottom: 'top', left: 'right', right: 'left' };

/**
 * @param {number} value
 * @param {number} min
 * @param {number} max
 */
const clamp = (value, min, max) => Math.max(min, Math.min(value, Math.max(min, max)));

/**
 * Place the popover on the requested side, flipping to the opposite side and then to the
 * others when it does not fit (`auto` tries bottom, top, right, left), or else on the side
 * with the most room, and keep it inside the viewport. (A card without a target is centred
 * by CSS, not here.)
 * @param {Rect} ref the target's rectangle
 * @param {{width: number, height: number}} size the popover's size
 * @param {{width: number, height: number}} viewport
 * @param {string} [requested]
 * @returns {Placement}
 */
export function computePosition(ref, size, viewport, requested = 'auto') {
  // The room a popover of this size leaves between itself and the viewport's edge, on each
  // side of the target.
  /** @type {Record<Side, number>} */
  const room = {
    top: ref.top - size.height,
    bottom: viewport.height - ref.bottom - size.height,
    left: ref.left - size.width,
    right: viewport.width - ref.right - size.width,
  };
  const order = /** @type {Side[]} */ ([requested, OPPOSITE[requested], 'bottom', 'top', 'right', 'left'].filter((side) => side in room));
  const side =
    order.find((candidate) => room[candidate] >= GAP + MARGIN) ||
    order.reduce((best, candidate) => (room[candidate] > room[best] ? candidate : best));
  const vertical = side === 'top' || side === 'bottom';
  const middleX = ref.left + ref.width / 2;
  const middleY = ref.top + ref.height / 2;
  const x = clamp(
    vertical ? middleX - size.width / 2 : side === 'left' ? ref.left - GAP - size.width : ref.right + GAP,
    MARGIN,
    viewport.width - size.width - MARGIN,
  );
  const y = clamp(
    vertical ? (side === 'top' ? ref.top - GAP - size.height : ref.bottom + GAP) : middleY - size.height / 2,
    MARGIN,
    viewport.height - size.height - MARGIN,
  );
  const arrow = vertical
    ? clamp(middleX - x, ARROW_INSET, size.width - ARROW_INSET)
    : clamp(middleY - y, ARROW_INSET, size.height - ARROW_INSET);
  return { x: Math.round(x), y: Math.round(y), placement: side, arrow: Math.round(arrow) };
}

/**
 * Call `update` now and whenever the target or popover may have moved: scrolling anywhere
 * (capture, also inside the target's iframe), viewport resizes, and size or position changes
 * of either element (checked four times a second). Updates are coalesced to one per
 * animation frame; the scope undoes all of it.
 * @param {Element[]} elements the target (when there is one) and the popover
 * @param {() => void} update
 * @param {Scope} scope
 */
export function autoUpdate(elements, update, scope) {
  const soon = onceAFrame(update, scope);
  for (const view of new Set([window, ...elements.map((element) => element.ownerDocument.defaultView)])) {
    if (view) scope.listen(view, 'scroll', soon, { capture: true, passive: true });
  }
  scope.listen(window, 'resize', soon, { passive: true });
  // Size changes of either element and moves without a resize (content inserted above the
  // target, or above the iframe it is in), four times a second: one rectangle read each
  // (per frame level), cheaper than observers.
  let last = '';
  scope.interval(() => {
    const now = elements.map((element) => JSON.stringify(viewportRect(element)) + element.isConnected).join();
    if (now !== last) soon();
    last = now;
  }, 250);
  update();
}

/**
 * Move the card next to its target and point the arrow at it.
 * @param {Card} card
 * @param {Element} target
 * @param {string | undefined} placement
 */
export function placeCard(card, target, placement) {
  const { element, arrow } = card;
  const spot = computePosition(
    viewportRect(target),
    { width: element.offsetWidth, height: element.offsetHeight },
    { width: document.documentElement.clientWidth, height: document.documentElement.clientHeight },
    placement,
  );
  element.style.left = spot.x + 'px';
  element.style.top = spot.y + 'px';
  element.setAttribute('data-placement', spot.placement);
  // The arrow is 12px wide: its corner goes 6px before its centre.
  const offset = spot.arrow - 6 + 'px';
  const vertical = spot.placement === 'top' || spot.placement === 'bottom';
  arrow.style.left = vertical ? offset : '';
  arrow.style.top = vertical ? '' : offset;
}
