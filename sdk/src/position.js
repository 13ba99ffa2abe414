// @ts-check
/**
 * Where the popover goes. `computePosition` is pure (rectangles in, coordinates out) in the
 * manner of floating-ui's core; `autoUpdate` is the thin DOM part that calls it again on
 * scroll, resize and size changes, and returns its cleanup through the scope.
 */

import { viewportRect } from './target.js';

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

/** @type {Record<Side, Side>} */
const OPPOSITE = { top: 'bottom', bottom: 'top', left: 'right', right: 'left' };

/**
 * @param {number} value
 * @param {number} min
 * @param {number} max
 */
const clamp = (value, min, max) => Math.max(min, Math.min(value, Math.max(min, max)));

/**
 * Room on each side of the target for a popover of this size.
 * @param {Side} side
 * @param {Rect} ref
 * @param {{width: number, height: number}} size
 * @param {{width: number, height: number}} viewport
 */
function room(side, ref, size, viewport) {
  if (side === 'top') return ref.top - GAP - MARGIN - size.height;
  if (side === 'bottom') return viewport.height - ref.bottom - GAP - MARGIN - size.height;
  if (side === 'left') return ref.left - GAP - MARGIN - size.width;
  return viewport.width - ref.right - GAP - MARGIN - size.width;
}

/**
 * Place the popover on the requested side, flipping to the opposite side and then to the
 * others when it does not fit (`auto` tries bottom, top, right, left), and keep it inside
 * the viewport. (A card without a target is centred by CSS, not here.)
 * @param {Rect} ref the target's rectangle
 * @param {{width: number, height: number}} size the popover's size
 * @param {{width: number, height: number}} viewport
 * @param {string} [requested]
 * @returns {Placement}
 */
export function computePosition(ref, size, viewport, requested = 'auto') {
  const maxX = viewport.width - size.width - MARGIN;
  const maxY = viewport.height - size.height - MARGIN;
  /** @type {Side[]} */
  const order =
    requested in OPPOSITE
      ? [/** @type {Side} */ (requested), OPPOSITE[/** @type {Side} */ (requested)]]
      : [];
  for (const side of /** @type {Side[]} */ (['bottom', 'top', 'right', 'left'])) {
    if (!order.includes(side)) order.push(side);
  }
  const side =
    order.find((candidate) => room(candidate, ref, size, viewport) >= 0) ||
    order.reduce((best, candidate) =>
      room(candidate, ref, size, viewport) > room(best, ref, size, viewport) ? candidate : best,
    );
  const vertical = side === 'top' || side === 'bottom';
  let x;
  let y;
  if (vertical) {
    x = clamp(ref.left + ref.width / 2 - size.width / 2, MARGIN, maxX);
    y = clamp(side === 'top' ? ref.top - GAP - size.height : ref.bottom + GAP, MARGIN, maxY);
  } else {
    x = clamp(side === 'left' ? ref.left - GAP - size.width : ref.right + GAP, MARGIN, maxX);
    y = clamp(ref.top + ref.height / 2 - size.height / 2, MARGIN, maxY);
  }
  const arrow = vertical
    ? clamp(ref.left + ref.width / 2 - x, ARROW_INSET, size.width - ARROW_INSET)
    : clamp(ref.top + ref.height / 2 - y, ARROW_INSET, size.height - ARROW_INSET);
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
  let frame = 0;
  const soon = () => {
    frame =
      frame ||
      requestAnimationFrame(() => {
        frame = 0;
        update();
      });
  };
  scope.defer(() => cancelAnimationFrame(frame));
  const views = new Set([window]);
  for (const element of elements) {
    const view = element.ownerDocument.defaultView;
    if (view) views.add(/** @type {Window & typeof globalThis} */ (view));
  }
  for (const view of views) scope.listen(view, 'scroll', soon, { capture: true, passive: true });
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
  const vertical = spot.placement === 'top' || spot.placement === 'bottom';
  arrow.style.left = vertical ? spot.arrow - 6 + 'px' : '';
  arrow.style.top = vertical ? '' : spot.arrow - 6 + 'px';
}
