// @ts-check
/**
 * A modal: a centred dialog over a dimmed page. Focus moves in and stays in (Tab cycles
 * through its controls) until it closes; Esc closes it. Several steps page like a
 * walkthrough. Content: `button` (the last button's label), `link_label` + `link_url`.
 */

/** @typedef {import('./kit.js').RenderContext} RenderContext */

const CSS = '.sp-modal{width:min(480px,calc(100vw - 16px));max-width:none;padding:24px 24px 20px}.sp-modal .sp-title{font-size:19px}';

/**
 * @param {RenderContext} context
 * @returns {import('./kit.js').View}
 */
export function modal(context) {
  const { step, config, ui } = context;
  const content = step.content || {};
  context.style(CSS);
  const link = ui.ctaLink(content);
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
  return { element: card.element, focus: card.primary || card.element, modal: true, arrows: true, place: () => ui.placeCard(card, null, 'auto') };
}
