// @ts-check
/**
 * The popover card every guide kind is drawn in: a non-modal dialog with a close button,
 * title, body, progress and action buttons, and an arrow towards the target. Built with
 * createElement only; the body goes through the audited `renderContent`.
 */

import { renderContent } from './content.js';

/** @typedef {import('../machine.js').StepAction} StepAction */
/** @typedef {{label: string, action: StepAction, primary?: boolean}} CardButton */
/**
 * What a kind's renderer asks for; the card is built from it.
 * @typedef {Object} CardSpec
 * @property {string} title
 * @property {string} body_html
 * @property {CardButton[]} buttons
 * @property {string} close_label
 * @property {{index: number, count: number, label: string} | null} progress
 * @property {Node[]} [extra] nodes after the body (a survey's answers, a checklist's items)
 * @property {string} [className] extra classes of the card
 */
/** @typedef {{element: HTMLElement, arrow: HTMLElement, primary: HTMLButtonElement | null}} Card */

let serial = 0;

/**
 * @param {string} tag
 * @param {string} className
 * @param {string} [text]
 */
export function make(tag, className, text) {
  const element = document.createElement(tag);
  element.className = className;
  if (text) element.textContent = text;
  return element;
}

/**
 * @param {string} label
 * @param {string} className
 * @param {() => void} onClick
 * @param {AbortSignal} signal
 */
export function button(label, className, onClick, signal) {
  const element = /** @type {HTMLButtonElement} */ (make('button', className, label));
  element.type = 'button';
  element.addEventListener('click', onClick, { signal });
  return element;
}

/**
 * Build the card for one step. Clicks call `act`; listeners end with `signal`.
 * @param {CardSpec} spec
 * @param {(action: StepAction) => void} act
 * @param {AbortSignal} signal
 * @returns {Card}
 */
export function buildCard(spec, act, signal) {
  serial += 1;
  const titleId = 'sp-t' + serial;
  const bodyId = 'sp-b' + serial;
  const element = make('div', 'sp-popover' + (spec.className ? ' ' + spec.className : ''));
  element.setAttribute('role', 'dialog');
  element.setAttribute('aria-labelledby', titleId);
  element.setAttribute('aria-describedby', bodyId);
  element.tabIndex = -1;

  const arrow = make('div', 'sp-arrow');
  arrow.setAttribute('aria-hidden', 'true');
  const title = make('h2', 'sp-title', spec.title);
  title.id = titleId;
  const body = make('div', 'sp-body');
  body.id = bodyId;
  body.appendChild(renderContent(spec.body_html));
  if (spec.extra) body.append(...spec.extra);
  const close = button('\u00d7', 'sp-close', () => act('dismiss'), signal);
  close.setAttribute('aria-label', spec.close_label);

  const footer = make('div', 'sp-footer');
  if (spec.progress) {
    const { index, count, label } = spec.progress;
    const dots = make('span', '');
    dots.setAttribute('aria-hidden', 'true');
    for (let i = 0; i < count; i++) dots.appendChild(make('span', i === index ? 'sp-dot sp-current' : 'sp-dot'));
    footer.appendChild(make('div', 'sp-progress')).append(dots, make('span', '', label));
  }
  const actions = make('div', 'sp-actions');
  /** @type {HTMLButtonElement | null} */
  let primary = null;
  for (const choice of spec.buttons) {
    const kind = choice.primary ? 'sp-btn sp-primary' : 'sp-btn';
    const control = button(choice.label, kind, () => act(choice.action), signal);
    control.setAttribute('data-signpost-action', choice.action);
    if (choice.primary) primary = control;
    actions.appendChild(control);
  }
  footer.appendChild(actions);
  element.append(arrow, close, title, body, footer);
  return { element, arrow, primary };
}
