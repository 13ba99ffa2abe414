// @ts-check
/**
 * A modal: a centred dialog over a dimmed page. Focus moves in and stays in (Tab cycles
 * through its controls) until it closes; Esc closes it. Several steps page like a
 * walkthrough. Content: `button` (the last button's label), `link_label` + `link_url`.
 */

import { CTA_CSS, ctaLink } from './cta.js';

/** @typedef {import('./kit.js').RenderContext} RenderContext */

const CSS = '.sp-backdrop{position:fixed;inset:0;background:#0f172a80;animation:sp-fade .18s}@keyframes sp-fade{from{opacity:0}}@media (prefers-reduced-motion:reduce){.sp-backdrop{animation:none}}.sp-modal{width:min(480px,calc(100vw - 16px));max-width:none;padding:24px 24px 20px}.sp-modal .sp-title{font-size:19px}';

/**
 * @param {RenderContext} context
 * @returns {import('./kit.js').View}
 */
export function modal(context) {
  const { step, config, ui } = context;
  const content = step.content || {};
  context.style(CSS + CTA_CSS);
  const link = ctaLink(content);
  const card = ui.card(
    {
      title: step.title,
      body_html: step.body_html,
      close_label: config.label_close,
      progress: ui.stepProgress(context),
      buttons: ui.stepButtons(context, content.button || (context.count === 1 ? config.label_got_it : '')),
      extra: link ? [link] : [],
      className: 'sp-modal',
    },
    context.act,
    context.signal,
  );
  card.element.setAttribute('aria-modal', 'true');
  const element = card.element;
  return { element, focus: card.primary || element, modal: true, arrows: true, onKey: (event) => event.key === 'Tab' && trapTab(event, element) };
}

const FOCUSABLE = 'a[href],button,input,textarea,select,[tabindex]:not([tabindex="-1"])';

/**
 * Keep Tab inside the modal: from the last control to the first, and back with Shift.
 * @param {KeyboardEvent} event
 * @param {HTMLElement} element
 */
function trapTab(event, element) {
  const items = /** @type {HTMLElement[]} */ (Array.from(element.querySelectorAll(FOCUSABLE)));
  const active = /** @type {ShadowRoot} */ (element.getRootNode()).activeElement;
  const edge = event.shiftKey ? items[0] : items[items.length - 1];
  if (active === edge || !element.contains(active)) {
    event.preventDefault();
    (event.shiftKey ? items[items.length - 1] : items[0]).focus();
  }
  return true;
}
