// @ts-check
/**
 * Abandoned forms: fields of a form were edited, then the user left (the page unloaded, the
 * route changed, or the form was taken out of the page) without submitting it. Only which
 * fields were touched is kept, never a value; `count` is the number of fields edited.
 */

/** @param {import('./watch.js').Watch} watch */
export function abandonedForms(watch) {
  /** @type {Map<HTMLFormElement, Set<Element>>} */
  const edited = new Map();
  let href = location.href;
  /** @param {Event} event */
  const edit = (event) => {
    const field = event.target;
    if (!(field instanceof Element) || field.closest('[data-signpost-root]')) return;
    const form = /** @type {HTMLFormElement | null} */ (field.closest('form') || /** @type {any} */ (field).form || null);
    if (!form) return;
    const fields = edited.get(form) || new Set();
    fields.add(field);
    edited.set(form, fields);
  };
  watch.scope.listen(document, 'input', edit, { capture: true });
  watch.scope.listen(document, 'change', edit, { capture: true });
  watch.scope.listen(document, 'submit', (event) => edited.delete(/** @type {any} */ (event.target)), { capture: true });
  /** @param {boolean} leaving every edited form is abandoned (the page goes away) */
  const check = (leaving) => {
    const moved = location.href !== href;
    for (const [form, fields] of edited) {
      if (!leaving && !moved && form.isConnected) continue;
      edited.delete(form);
      watch.report('form_abandoned', { element: form, count: fields.size, url: href });
    }
    href = location.href;
  };
  watch.scope.interval(() => check(false), 500);
  watch.scope.listen(window, 'pagehide', () => check(true), { capture: true });
}
