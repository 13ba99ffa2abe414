// @ts-check
/**
 * What the element picker reports about the element an author clicked:
 * `{selector, test_id, id, name, role, label, text, path}`. `selector` is what a step's
 * `target` uses: the most stable CSS selector that finds exactly this element, preferring a
 * test id, then an id that does not look generated, a `name`, an `aria-label`, and finally
 * the element's path from `body`.
 */

const INTERACTIVE = 'a,button,input,select,textarea,summary,label,[role],[data-testid],[data-test],[data-cy],[tabindex]';
const TEST_ID_ATTRIBUTES = ['data-testid', 'data-test', 'data-cy'];
const IMPLICIT_ROLES = /** @type {Record<string, string>} */ ({
  A: 'link', BUTTON: 'button', SELECT: 'combobox', TEXTAREA: 'textbox', SUMMARY: 'button',
  NAV: 'navigation', MAIN: 'main', HEADER: 'banner', FOOTER: 'contentinfo', TABLE: 'table',
  H1: 'heading', H2: 'heading', H3: 'heading', IMG: 'img', FORM: 'form',
});

/**
 * @typedef {Object} TargetDescription
 * @property {string} selector
 * @property {string | null} test_id
 * @property {string | null} id
 * @property {string | null} name
 * @property {string | null} role
 * @property {string | null} label
 * @property {string | null} text
 * @property {string} path
 */

/**
 * The element an author means when they click `element`: the nearest interactive ancestor
 * (a click on a button's icon means the button).
 * @param {Element} element
 * @returns {Element}
 */
export function meaningful(element) {
  const found = element.closest(INTERACTIVE);
  return found && found !== document.body ? found : element;
}

/** @param {string} value */
function quote(value) {
  return '"' + value.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** @param {string} value */
function cssIdent(value) {
  return typeof CSS !== 'undefined' && CSS.escape ? CSS.escape(value) : value.replace(/[^a-zA-Z0-9_-]/g, '\\$&');
}

/** Ids like `ember123`, `react-select-4-input` or long hex change between builds. */
/** @param {string} id */
function looksGenerated(id) {
  return /\d{3,}|[0-9a-f]{8,}|^:r|^(ember|ext-gen|yui_)/i.test(id);
}

/**
 * @param {Element} element
 * @param {string} selector
 */
function unique(element, selector) {
  try {
    const all = element.ownerDocument.querySelectorAll(selector);
    return all.length === 1 && all[0] === element;
  } catch (_) {
    return false;
  }
}

/**
 * `body > main > div:nth-of-type(2) > button`, from `body` down.
 * @param {Element} element
 */
export function pathOf(element) {
  /** @type {string[]} */
  const parts = [];
  /** @type {Element | null} */
  let node = element;
  while (node && node.tagName !== 'BODY' && node.tagName !== 'HTML') {
    /** @type {Element} */
    const current = node;
    const tag = current.tagName.toLowerCase();
    /** @type {Element | null} */
    const parent = current.parentElement;
    if (!parent) break;
    const same = Array.from(parent.children).filter((child) => child.tagName === current.tagName);
    parts.unshift(same.length > 1 ? tag + ':nth-of-type(' + (same.indexOf(current) + 1) + ')' : tag);
    node = parent;
  }
  return ['body'].concat(parts).join(' > ');
}

/** @param {Element} element */
function labelOf(element) {
  const aria = element.getAttribute('aria-label');
  if (aria) return aria.trim();
  const labelledBy = element.getAttribute('aria-labelledby');
  if (labelledBy) {
    const text = labelledBy.split(/\s+/).map((id) => {
      const node = element.ownerDocument.getElementById(id);
      return node ? (node.textContent || '').trim() : '';
    }).join(' ').trim();
    if (text) return text;
  }
  if (element.id) {
    const label = element.ownerDocument.querySelector('label[for=' + quote(element.id) + ']');
    if (label && label.textContent) return label.textContent.trim();
  }
  const wrapping = element.closest('label');
  if (wrapping && wrapping !== element && wrapping.textContent) return wrapping.textContent.trim();
  for (const attribute of ['title', 'alt', 'placeholder']) {
    const value = element.getAttribute(attribute);
    if (value) return value.trim();
  }
  return null;
}

/** @param {string | null} value */
function short(value) {
  if (!value) return null;
  const text = value.replace(/\s+/g, ' ').trim();
  return text ? text.slice(0, 200) : null;
}

/**
 * @param {Element} element
 * @returns {TargetDescription}
 */
export function describe(element) {
  const tag = element.tagName.toLowerCase();
  let test_id = null;
  let testAttribute = '';
  for (const attribute of TEST_ID_ATTRIBUTES) {
    const value = element.getAttribute(attribute);
    if (value) {
      test_id = value;
      testAttribute = attribute;
      break;
    }
  }
  const id = element.id || null;
  const name = element.getAttribute('name');
  const label = short(labelOf(element));
  const role = element.getAttribute('role') || IMPLICIT_ROLES[element.tagName] || (tag === 'input' ? 'textbox' : null);
  const text = short(element instanceof HTMLElement ? element.innerText : element.textContent);
  const path = pathOf(element);
  const candidates = [
    test_id ? '[' + testAttribute + '=' + quote(test_id) + ']' : '',
    id && !looksGenerated(id) ? '#' + cssIdent(id) : '',
    name ? tag + '[name=' + quote(name) + ']' : '',
    element.getAttribute('aria-label') ? tag + '[aria-label=' + quote(/** @type {string} */ (element.getAttribute('aria-label'))) + ']' : '',
  ];
  const selector = candidates.find((candidate) => candidate && unique(element, candidate)) || path;
  return { selector, test_id, id, name, role, label, text, path };
}
