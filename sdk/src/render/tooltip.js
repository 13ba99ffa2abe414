// @ts-check
/** A tooltip: one step, a close button and "Got it". */

/** @typedef {import('./index.js').RenderContext} RenderContext */
/** @typedef {import('./popover.js').CardSpec} CardSpec */

/**
 * @param {RenderContext} context
 * @returns {CardSpec}
 */
export function tooltip({ step, config }) {
  return {
    title: step.title,
    body_html: step.body_html,
    close_label: config.label_close,
    progress: null,
    buttons: [{ label: config.label_got_it, action: 'done', primary: true }],
  };
}
