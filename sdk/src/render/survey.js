// @ts-check
/**
 * A survey: each step is one question, shown as a card (next to the step's element, or
 * centred). Scales: `nps` 0 to 10, `csat` 1 to 5, `ces` 1 to 7 (native radio buttons, so
 * arrow keys move along the scale), `single` (radios), `multiple` (checkboxes), `text`; an
 * optional free-text `follow_up`. Submitting records `survey_answered` (question, scale,
 * value, comment) and goes to the next question.
 */

/** @typedef {import('./kit.js').RenderContext} RenderContext */

const CSS = `.sp-survey{width:min(440px,calc(100vw - 16px));max-width:none}
.sp-answers{margin:12px 0 0;padding:0;border:0;min-width:0}
.sp-scale{display:flex;gap:4px}.sp-scale label{flex:1;min-width:0}.sp-scale span{white-space:nowrap}
.sp-scale input,.sp-choices input{position:absolute;opacity:0;width:1px;height:1px}
.sp-scale span{display:block;padding:7px 0;border:1px solid var(--sp-line);border-radius:6px;text-align:center;cursor:pointer}
.sp-scale input:checked+span{background:var(--sp-accent);border-color:transparent;color:var(--sp-on-accent)}
.sp-scale input:focus-visible+span,.sp-choices input:focus-visible+span{outline:2px solid var(--sp-accent);outline-offset:2px}
.sp-ends{display:flex;justify-content:space-between;margin-top:4px;color:var(--sp-muted);font-size:12px}
.sp-choices label{display:block;margin:0 0 6px}.sp-choices span{display:block;padding:7px 10px;border:1px solid var(--sp-line);border-radius:6px;cursor:pointer}
.sp-choices input:checked+span{border-color:var(--sp-accent);box-shadow:inset 0 0 0 1px var(--sp-accent)}
.sp-field{display:block;margin-top:12px}.sp-field textarea{display:block;box-sizing:border-box;width:100%;min-height:64px;margin-top:4px;padding:6px 8px;border:1px solid var(--sp-muted);border-radius:6px;font:inherit;color:inherit;background:var(--sp-bg)}
.sp-error{margin:8px 0 0;color:#b91c1c;font-size:12.5px}`;

/** @type {Record<string, [number, number]>} */
const RANGES = { nps: [0, 10], csat: [1, 5], ces: [1, 7] };
let serial = 0;

/**
 * @param {RenderContext} context
 * @returns {import('./kit.js').View}
 */
export function survey(context) {
  const { step, index, count, config, ui } = context;
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
      ends.append(ui.make('span', '', question.low_label || ''), ui.make('span', '', question.high_label || ''));
      if (question.low_label) answers.setAttribute('aria-description', question.low_label + ' \u2013 ' + (question.high_label || ''));
    }
  } else if (scale === 'single' || scale === 'multiple') {
    const list = answers.appendChild(ui.make('div', 'sp-choices'));
    for (const option of question.options || []) choice(list, scale === 'single' ? 'radio' : 'checkbox', String(option.id), String(option.label));
  } else {
    text = textarea(step.title);
  }
  const comment = question.follow_up ? textarea(String(question.follow_up)) : text;
  const error = ui.make('p', 'sp-error');
  error.setAttribute('role', 'alert');
  answers.appendChild(error);

  const submit = () => {
    const picked = Array.from(answers.querySelectorAll('input:checked'), (input) => /** @type {HTMLInputElement} */ (input).value);
    const note = comment ? comment.value.trim() : '';
    const answered = text ? !!note : picked.length > 0;
    if (!answered && question.required !== false) {
      error.textContent = config.label_required;
      const first = /** @type {HTMLElement | null} */ (answers.querySelector('input,textarea'));
      if (first) first.focus();
      return;
    }
    if (answered) {
      /** @type {Record<string, any>} */
      const properties = { question: String(question.id), scale };
      if (RANGES[scale]) properties.value = Number(picked[0]);
      else if (scale === 'single') properties.value = picked[0];
      else if (scale === 'multiple') properties.value = picked;
      if (note) properties.comment = note.slice(0, 1000);
      context.record('survey_answered', properties);
    }
    context.act(index === count - 1 ? 'done' : 'next');
  };

  const card = ui.card(
    {
      title: step.title,
      body_html: step.body_html,
      close_label: config.label_close,
      progress: ui.stepProgress(context),
      buttons: [{ label: index === count - 1 ? config.label_submit : config.label_next, action: 'next', primary: true }],
      extra: [answers],
      className: 'sp-survey',
    },
    (action) => (action === 'next' ? submit() : context.act(action)),
    context.signal,
  );
  // The question is the card's title; the fieldset is named by it too.
  answers.setAttribute('aria-labelledby', /** @type {string} */ (card.element.getAttribute('aria-labelledby')));
  const first = /** @type {HTMLElement | null} */ (answers.querySelector('input,textarea'));
  const { placeCard } = ui;
  return { element: card.element, focus: first || card.primary, place: placeCard && ((target) => placeCard(card, target, step.placement)) };
}
