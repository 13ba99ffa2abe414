// @ts-check
/** A tooltip: one step on an element, a close button and "Got it". */

/** @typedef {import('./kit.js').RenderContext} RenderContext */

/**
 * @param {RenderContext} context
 * @returns {import('./kit.js').View}
 */
export function tooltip(context) {
  const { step, config, ui } = context;
  return ui.popoverView(context, {
    title: step.title,
    body_html: step.body_html,
    close_label: config.label_close,
    progress: null,
    // One step: stepButtons gives just Done, under the step's label or "Got it".
    buttons: ui.stepButtons(context, step.content?.button || config.label_got_it),
  });
}
