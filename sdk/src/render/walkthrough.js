// @ts-check
/** A walkthrough: steps with Back, Next and Done, a step counter and a close button. */

/** @typedef {import('./index.js').RenderContext} RenderContext */
/** @typedef {import('./popover.js').CardSpec} CardSpec */
/** @typedef {import('./popover.js').CardButton} CardButton */

/**
 * @param {RenderContext} context
 * @returns {CardSpec}
 */
export function walkthrough({ step, index, count, config }) {
  const last = index === count - 1;
  /** @type {CardButton[]} */
  const buttons = index > 0 ? [{ label: config.label_back, action: 'back' }] : [];
  buttons.push(last ? { label: config.label_done, action: 'done', primary: true } : { label: config.label_next, action: 'next', primary: true });
  return {
    title: step.title,
    body_html: step.body_html,
    close_label: config.label_close,
    progress:
      count > 1
        ? {
            index,
            count,
            label: config.label_progress.replace('{index}', String(index + 1)).replace('{count}', String(count)),
          }
        : null,
    buttons,
  };
}
