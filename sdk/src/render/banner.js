// @ts-check
/**
 * A banner: a bar across the top or bottom of the page (`placement` top or bottom; `auto`
 * is top). It does not take focus, so it never interrupts typing; Tab reaches it. Content:
 * `button` (its action's label), `link_label` + `link_url`, `dismissible` (a close button).
 */

import { CTA_CSS, ctaLink } from './cta.js';

/** @typedef {import('./kit.js').RenderContext} RenderContext */

const CSS = `.sp-banner{position:fixed;left:0;right:0;top:0;box-sizing:border-box;display:flex;flex-wrap:wrap;align-items:center;gap:8px 16px;padding:10px 56px 10px 20px;background:var(--sp-accent);color:var(--sp-on-accent);font:14px/1.45 var(--sp-font);box-shadow:0 2px 10px #0f172a33;animation:sp-fade .18s}
@keyframes sp-fade{from{opacity:0}}@media (prefers-reduced-motion:reduce){.sp-banner{animation:none}}
.sp-banner[data-side=bottom]{top:auto;bottom:0}
.sp-banner .sp-title{margin:0;font-size:15px}.sp-banner .sp-body{flex:1 1 240px}.sp-banner .sp-body a{color:inherit}
.sp-banner .sp-btn{border-color:currentColor;color:inherit}.sp-banner .sp-primary{background:var(--sp-bg);color:var(--sp-text)}
.sp-banner .sp-close{top:50%;margin-top:-14px;color:inherit}.sp-banner :focus-visible{outline-color:currentColor}`;

/**
 * @param {RenderContext} context
 * @returns {import('./kit.js').View}
 */
export function banner(context) {
  const { step, config, ui, act, signal } = context;
  const content = step.content || {};
  context.style(CSS + CTA_CSS);
  const element = ui.make('div', 'sp-banner');
  element.setAttribute('role', 'region');
  element.setAttribute('aria-label', step.title || config.label_close);
  element.setAttribute('data-side', step.placement === 'bottom' ? 'bottom' : 'top');
  const title = ui.make('h2', 'sp-title', step.title);
  const body = ui.make('div', 'sp-body');
  body.appendChild(ui.content(step.body_html));
  const actions = ui.make('div', 'sp-actions');
  const link = ctaLink(content);
  if (link) actions.appendChild(link);
  const primary = ui.button(content.button || config.label_got_it, 'sp-btn sp-primary', () => act('done'), signal);
  primary.setAttribute('data-signpost-action', 'done');
  actions.appendChild(primary);
  element.append(title, body, actions);
  if (content.dismissible !== false) {
    const close = ui.button('\u00d7', 'sp-close', () => act('dismiss'), signal);
    close.setAttribute('aria-label', config.label_close);
    element.appendChild(close);
  }
  return { element, focus: null };
}
