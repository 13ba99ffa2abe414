// @ts-check
/* Signpost admin: small progressive enhancements. Every page works without this file. */
(function () {
  'use strict';

  // Buttons that copy a block of text (the install snippet, an invitation link, a secret).
  document.addEventListener('click', function (event) {
    const target = /** @type {HTMLElement} */ (event.target);
    const button = target.closest && target.closest('[data-copy]');
    if (!button) return;
    const source = document.getElementById(button.getAttribute('data-copy') || '');
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent || '').then(function () {
      button.textContent = 'Copied';
      setTimeout(function () { button.textContent = 'Copy'; }, 2000);
    }, function () { /* clipboard refused: the text stays selectable */ });
  });

  // Forms that ask before doing something hard to undo.
  document.addEventListener('submit', function (event) {
    const form = /** @type {HTMLFormElement} */ (event.target);
    const question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();

// "Pick element": the button opens the app's page in a new tab (a normal form submit, so
// popup blockers let it through); here we give the pick an id and poll until the author
// has clicked an element there, then fill in the step's selector.
(function () {
  'use strict';
  const setup = document.querySelector('[data-picks]');
  if (!setup) return;
  const template = setup.getAttribute('data-picks') || '';
  const hidden = /** @type {HTMLInputElement | null} */ (setup.querySelector('input[name="pick_id"]'));
  /** @type {number | undefined} */
  let timer;

  function randomId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  }

  /**
   * @param {string} index
   * @param {string} message
   * @param {boolean} found
   */
  function say(index, message, found) {
    const status = document.getElementById('steps-' + index + '-picker');
    if (!status) return;
    status.textContent = message;
    status.classList.toggle('found', found);
  }

  /**
   * @param {string} pickId
   * @param {string} index
   * @param {number} deadline
   */
  function poll(pickId, index, deadline) {
    fetch(template.replace('PICK', pickId), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : { status: 'error' }; })
      .then(function (body) {
        if (body.status === 'picked' && body.target) {
          const input = /** @type {HTMLInputElement | null} */ (document.getElementById('steps-' + index + '-selector'));
          if (input) input.value = body.target.selector;
          const described = /** @type {HTMLInputElement | null} */ (document.getElementById('steps-' + index + '-target'));
          if (described) described.value = JSON.stringify(body.target);
          const what = body.target.label || body.target.text || body.target.selector;
          say(index, 'Picked “' + what + '”. Save the draft to keep it.', true);
          return;
        }
        if (body.status === 'expired' || Date.now() > deadline) {
          say(index, 'The pick expired. Click “Pick element” again.', false);
          return;
        }
        timer = window.setTimeout(function () { poll(pickId, index, deadline); }, 500);
      })
      .catch(function () {
        timer = window.setTimeout(function () { poll(pickId, index, deadline); }, 2000);
      });
  }

  document.addEventListener('click', function (event) {
    const target = /** @type {HTMLElement} */ (event.target);
    const button = target.closest && target.closest('[data-pick]');
    if (!button || !hidden) return;
    const index = button.getAttribute('data-pick') || '0';
    const pickId = randomId();
    hidden.value = pickId;
    if (timer) window.clearTimeout(timer);
    say(index, 'Waiting for you to click an element in the other tab…', false);
    // After the form has been submitted with this id.
    window.setTimeout(function () { poll(pickId, index, Date.now() + 30 * 60 * 1000); }, 300);
  });
})();

// Changing a guide's kind shows that kind's fields at once (the server re-renders the form,
// saving nothing); without JavaScript the "Show its fields" button does the same.
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  document.addEventListener('change', function (event) {
    const field = /** @type {HTMLSelectElement} */ (event.target);
    if (!field.matches || !field.matches('select[data-refresh]') || !field.form) return;
    const button = /** @type {HTMLButtonElement | null} */ (field.form.querySelector('button[value="refresh"]'));
    if (button) field.form.requestSubmit(button);
  });
})();

// Steps (and checklist items) reorder by drag and drop: dropping one asks the server to move
// it (`op=move_to:FROM:TO`, a normal CSRF-protected submit that saves nothing, like the ↑ and
// ↓ buttons that stay for keyboards and pages without this file), so everything typed,
// translations included, moves with it. The resource center's listed entries use the same
// list markup (`data-reorder` holds the id prefix of the rows); there the server saves the move.
(function () {
  'use strict';
  const found = /** @type {HTMLElement | null} */ (document.querySelector('[data-reorder]'));
  if (!found) return;
  const list = found;
  /** @type {HTMLElement | null} */
  let dragged = null;

  /** @param {EventTarget | null} node */
  function stepOf(node) {
    const element = /** @type {HTMLElement | null} */ (node instanceof Element ? node.closest('[data-step-index]') : null);
    return element && list.contains(element) ? element : null;
  }

  /** @param {DragEvent} event @param {HTMLElement} step */
  function after(event, step) {
    const box = step.getBoundingClientRect();
    return event.clientY > box.top + box.height / 2;
  }

  function clear() {
    list.querySelectorAll('.drop-before, .drop-after').forEach(function (node) {
      node.classList.remove('drop-before', 'drop-after');
    });
  }

  list.addEventListener('dragstart', function (event) {
    const handle = event.target instanceof Element && event.target.closest('.drag-handle');
    const step = stepOf(event.target);
    if (!handle || !step || !event.dataTransfer) return;
    dragged = step;
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('text/plain', step.getAttribute('data-step-index') || '');
    event.dataTransfer.setDragImage(step, 16, 16);
    step.classList.add('dragging');
  });

  list.addEventListener('dragover', function (event) {
    const step = stepOf(event.target);
    if (!dragged || !step) return;
    event.preventDefault();
    clear();
    if (step !== dragged) step.classList.add(after(event, step) ? 'drop-after' : 'drop-before');
  });

  list.addEventListener('dragend', function () {
    if (dragged) dragged.classList.remove('dragging');
    dragged = null;
    clear();
  });

  list.addEventListener('drop', function (event) {
    const step = stepOf(event.target);
    const source = dragged;
    if (!source || !step) return;
    event.preventDefault();
    const from = Number(source.getAttribute('data-step-index'));
    const over = Number(step.getAttribute('data-step-index'));
    // Where it lands once taken out of the list: before or after the step it is over.
    let to = over + (after(event, step) ? 1 : 0);
    if (to > from) to -= 1;
    clear();
    source.classList.remove('dragging');
    dragged = null;
    const form = /** @type {HTMLFormElement | null} */ (list.closest('form'));
    if (!form || to === from) return;
    const button = document.createElement('button');
    button.type = 'submit';
    button.name = 'op';
    button.value = 'move_to:' + from + ':' + to;
    button.hidden = true;
    button.formNoValidate = true;
    button.formAction = form.action.split('#')[0] + '#' + (list.getAttribute('data-reorder') || 'step-') + to;
    form.appendChild(button);
    form.requestSubmit(button);
  });
})();
