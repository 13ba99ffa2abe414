// @ts-check
/**
 * A walkthrough: steps with Back, Next and Done, a step counter and a close button. A step's
 * `content.button` names its Next (or Done) button.
 */

/** @typedef {import('./kit.js').RenderContext} RenderContext */

/**
 * @param {RenderContext} context
 * @returns {import('./kit.js').View}
 */
export function walkthrough(context) {
  const { step, config, ui } = context;
  return ui.popoverView(context, {
    title: step.title,
    body_html: step.body_html,
    close_label: config.label_close,
    progress: ui.stepProgress(context),
    buttons: ui.stepButtons(context, step.content?.button),
  });
}
