// @ts-check
/**
 * How a struggle event describes an element: its role, a short text and the selector a
 * guide step can target (the element picker's rules, authoring/describe.js). Never what the
 * user typed: form fields, editable regions and forms are described by their label only.
 */

import { describe } from '../authoring/describe.js';

export const MAX_TEXT = 100;
const TYPED = 'input,textarea,select,form,[contenteditable]';

/**
 * @param {Element} element
 * @returns {{role: string, text: string, selector: string}}
 */
export function describeElement(element) {
  const found = describe(element);
  const typed = element.matches(TYPED) || !!element.closest('[contenteditable]');
  const text = (typed ? found.label : found.label || found.text) || '';
  return {
    role: (found.role || element.tagName.toLowerCase()).slice(0, 40),
    text: text.slice(0, MAX_TEXT),
    selector: found.selector.slice(0, 1000),
  };
}
