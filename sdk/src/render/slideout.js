// @ts-check
/**
 * A slideout: a panel that slides in at the right (or left) edge of the page (`placement`
 * right or left; `auto` is right), a non-modal dialog that takes focus. Several steps page
 * like a walkthrough. Content: `button`, `link_label` + `link_url`.
 */

import { CTA_CSS, ctaLink } from './cta.js';

/** @typedef {import('./kit.js').RenderContext} RenderContext */

const CSS = `.sp-slideout{left:auto;right:16px;bottom:16px;width:min(380px,calc(100vw - 32px));max-width:none;animation:sp-slide .25s ease-out}
.sp-slideout[data-side=left]{right:auto;left:16px;animation-name:sp-slide-left}
@keyframes sp-slide{from{transform:translateX(110%)}}@keyframes sp-slide-left{from{transform:translateX(-110%)}}
@media (prefers-reduced-motion:reduce){.sp-slideout{animation:none}}`;

/**
 * @param {RenderContext} context
 * @returns {import('./kit.js').View}
 */
export function slideout(context) {
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
      className: 'sp-slideout',
    },
    context.act,
    context.signal,
  );
  card.element.setAttribute('data-side', step.placement === 'left' ? 'left' : 'right');
  card.element.setAttribute('data-placement', 'center');
  return { element: card.element, focus: card.primary || card.element, arrows: true };
}
