// @ts-check
/**
 * A survey: each step is one question, shown as a card (next to the step's element, or
 * centred). Scales: `nps` 0 to 10, `csat` 1 to 5, `ces` 1 to 7 (native radio buttons, so
 * arrow keys move along the scale), `single` (radios), `multiple` (checkboxes), `text`; an
 * optional free-text `follow_up`. Submitting records `survey_answered` (question, scale,
 * value, comment) and goes to the next question.
 */

import CSS from './survey.css';

/** @typedef {import('./kit.js').RenderContext} RenderContext */

/** @type {Record<string, [number, number]>} */
const RANGES = { nps: [0, 10], csat: [1, 5], ces: [1, 7] };
let serial = 0;

/**
 * @param {RenderContext} context
 * @returns {import('./kit.js').View}
 */
export function survey(context) {
  const { step, index, count, config, ui } = context;
  const last = index === count - 1;
  const question = step.content || {};
  const scale = String(question.scale);
  context.style(CSS);
  const name = 'sp-q' + ++serial;
  const answers = /** @type {HTMLFieldSetElement} */ (ui.make('fieldset', 'sp-answers'));
  /** @type {HTMLTextAreaElement | null} */
  let text = null;

  /**
   * @param {HTMLElement} parent
   * @param {'radio' | 'checkbox'} type
   * @param {string} value
   * @param {string} label
   */
  const choice = (parent, type, value, label) => {
    const wrap = parent.appendChild(ui.make('label', ''));
    const input = /** @type {HTMLInputElement} */ (wrap.appendChild(ui.make('input', '')));
    input.type = type;
    input.name = name;
    input.value = value;
    wrap.appendChild(ui.make('span', '', label));
  };

  /** @param {string} label */
  const textarea = (label) => {
    const field = answers.appendChild(ui.make('label', 'sp-field', label));
    return /** @type {HTMLTextAreaElement} */ (field.appendChild(ui.make('textarea', '')));
  };

  if (RANGES[scale]) {
    const row = answers.appendChild(ui.make('div', 'sp-scale'));
    for (let n = RANGES[scale][0]; n <= RANGES[scale][1]; n++) choice(row, 'radio', String(n), String(n));
    if (question.low_label || question.high_label) {
      const ends = answers.appendChild(ui.make('div', 'sp-ends'));
      ends.setAttribute('aria-hidden', 'true');
      ends.append(ui.make('div', '', question.low_label || ''), ui.make('div', '', question.high_label || ''));
      if (question.low_label) answers.setAttribute('aria-description', question.low_label + ' \u2013 ' + (question.high_label || ''));
    }
  } else if (scale === 'single' || scale === 'multiple') {
    const list = answers.appendChild(ui.make('div', 'sp-choices'));
    for (const option of question.options || []) choice(list, scale === 'single' ? 'radio' : 'checkbox', String(option.id), String(option.label));
  } else {
    text = textarea(step.title);
  }
  // A text question is its own comment (the server refuses a follow-up on one; an older
  // guide's is left out, so what the user typed in the question's box is what is sent).
  const comment = text || (question.follow_up ? textarea(String(question.follow_up)) : null);
  const error = answers.appendChild(ui.make('p', 'sp-error'));
  error.setAttribute('role', 'alert');
  const first = /** @type {HTMLElement | null} */ (answers.querySelector('input,textarea'));

  const submit = () => {
    const picked = Array.from(answers.querySelectorAll('input:checked'), (input) => /** @type {HTMLInputElement} */ (input).value);
    const note = comment ? comment.value.trim() : '';
    const answered = text ? !!note : picked.length > 0;
    if (!answered && question.required !== false) {
      error.textContent = config.label_required;
      if (first) first.focus();
      return;
    }
    if (answered) {
      /** @type {Record<string, any>} */
      const properties = { question: String(question.id), scale };
      if (!text) properties.value = RANGES[scale] ? Number(picked[0]) : scale === 'multiple' ? picked : picked[0];
      if (note) properties.comment = note.slice(0, 1000);
      context.record('survey_answered', properties);
    }
    context.act(last ? 'done' : 'next');
  };

  const view = ui.popoverView(
    // Next submits the answer first; the other actions are the card's usual ones.
    { ...context, act: (action) => (action === 'next' ? submit() : context.act(action)) },
    {
      title: step.title,
      body_html: step.body_html,
      close_label: config.label_close,
      progress: ui.stepProgress(context),
      buttons: [{ label: last ? config.label_submit : config.label_next, action: 'next', primary: true }],
      extra: [answers],
      className: 'sp-survey',
    },
  );
  // The question is the card's title; the fieldset is named by it too.
  answers.setAttribute('aria-labelledby', /** @type {string} */ (view.element.getAttribute('aria-labelledby')));
  // Arrow keys stay with the scale: a Right arrow on Next must not skip the answer.
  return { ...view, focus: first || view.focus, arrows: false };
}
