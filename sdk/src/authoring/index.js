// @ts-check
/**
 * Authoring mode, the `authoring` chunk (sdk/dist/authoring.js) that only pages opened from
 * the admin load (see loader.js). A toolbar at the bottom of the page; while picking, the
 * element under the pointer is outlined and a click reports its description to the server
 * instead of reaching the page; "Preview this draft here" plays the unpublished draft.
 *
 * Everything is drawn in its own shadow root with a constructable stylesheet (no inline
 * style, works under a nonce-only CSP), and nothing is left behind after "Exit".
 */

import { describe, meaningful } from './describe.js';

const CSS = `
:host{all:initial}
.bar{position:fixed;left:50%;bottom:16px;transform:translateX(-50%);z-index:2147483646;display:flex;flex-wrap:wrap;align-items:center;gap:8px;max-width:calc(100vw - 24px);box-sizing:border-box;padding:10px 12px;border-radius:10px;background:#111827;color:#f9fafb;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;box-shadow:0 10px 30px #0006}
.msg{flex:1 1 220px;min-width:0}
button{font:inherit;font-weight:600;border:1px solid #6b7280;background:#1f2937;color:#f9fafb;border-radius:6px;padding:6px 10px;cursor:pointer}
button:hover{background:#374151}
button:focus-visible{outline:3px solid #a5b4fc;outline-offset:2px}
button.primary{background:#4338ca;border-color:#4338ca}
.box{position:fixed;z-index:2147483645;pointer-events:none;border:2px solid #4338ca;background:#4338ca22;border-radius:4px;box-sizing:border-box;display:none}
.tag{position:fixed;z-index:2147483646;pointer-events:none;background:#4338ca;color:#fff;font:12px/1.3 ui-monospace,Menlo,Consolas,monospace;padding:2px 6px;border-radius:4px;display:none;max-width:60vw;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
`;


/**
 * @param {string} url
 * @param {object} body
 */
function send(url, body) {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain' },
    body: JSON.stringify(body),
    credentials: 'omit',
    mode: 'cors',
  }).then((response) => response.json().then((json) => ({ ok: response.ok, json })));
}

/**
 * Start authoring mode on this page (once).
 * @param {string} token the signed token from the URL fragment
 * @param {string} api_host the Signpost server
 * @param {{preview: (guide: any) => void}} sdk the SDK instance
 */
export function run(token, api_host, sdk) {
  const handshake = { token, api_host, preview: (/** @type {any} */ guide) => sdk.preview(guide) };
  if (document.querySelector('[data-signpost-authoring]')) return;
  const controller = new AbortController();
  const signal = controller.signal;
  const host = document.createElement('div');
  host.setAttribute('data-signpost-authoring', '');
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];

  const box = document.createElement('div');
  box.className = 'box';
  const tag = document.createElement('div');
  tag.className = 'tag';
  const bar = document.createElement('div');
  bar.className = 'bar';
  bar.setAttribute('role', 'region');
  bar.setAttribute('aria-label', 'Signpost authoring');
  const message = document.createElement('span');
  message.className = 'msg';
  message.setAttribute('aria-live', 'polite');

  /**
   * @param {string} label
   * @param {() => void} action
   * @param {boolean} [primary]
   */
  function button(label, action, primary) {
    const node = document.createElement('button');
    node.type = 'button';
    node.textContent = label;
    if (primary) node.className = 'primary';
    node.addEventListener('click', action, { signal });
    return node;
  }

  const pickAgain = button('Pick again', () => setPicking(true));
  const preview = button('Preview this draft here', () => showDraft(), true);
  const exit = button('Exit', () => stop());
  bar.append(message, pickAgain, preview, exit);
  root.append(box, tag, bar);
  document.body.appendChild(host);

  const grantsPick = !/^preview-/.test(tokenPickId(handshake.token));
  let picking = false;
  /** @type {Element | null} */
  let hovered = null;

  /** @param {boolean} on */
  function setPicking(on) {
    picking = on;
    pickAgain.hidden = on || !grantsPick;
    if (on) message.textContent = 'Click the element this step should point at. Esc cancels.';
    if (!on) outline(null);
  }

  /** @param {Element | null} element */
  function outline(element) {
    hovered = element;
    if (!element) {
      box.style.display = 'none';
      tag.style.display = 'none';
      return;
    }
    const rect = element.getBoundingClientRect();
    box.style.display = 'block';
    box.style.left = rect.left - 2 + 'px';
    box.style.top = rect.top - 2 + 'px';
    box.style.width = rect.width + 4 + 'px';
    box.style.height = rect.height + 4 + 'px';
    const description = describe(element);
    tag.textContent = description.label || description.text || description.selector;
    tag.style.display = 'block';
    tag.style.left = Math.max(4, rect.left) + 'px';
    tag.style.top = Math.max(4, rect.top - 24) + 'px';
  }

  /** @param {number} x @param {number} y */
  function elementAt(x, y) {
    const element = document.elementFromPoint(x, y);
    if (!element || element === host || host.contains(element)) return null;
    if (element.closest('[data-signpost-root]')) return null;
    return meaningful(element);
  }

  /** @param {Event} event */
  function swallow(event) {
    if (!picking) return;
    const target = /** @type {Node} */ (event.target);
    if (target === host) return;
    event.preventDefault();
    event.stopImmediatePropagation();
  }

  document.addEventListener('mousemove', (event) => {
    if (picking) outline(elementAt(event.clientX, event.clientY));
  }, { capture: true, signal });
  for (const type of ['pointerdown', 'mousedown', 'pointerup', 'mouseup', 'submit']) {
    document.addEventListener(type, swallow, { capture: true, signal });
  }
  document.addEventListener('click', (event) => {
    if (!picking || event.target === host) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    const element = elementAt(event.clientX, event.clientY) || hovered;
    if (element) pick(element);
  }, { capture: true, signal });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && picking) {
      setPicking(false);
      message.textContent = 'Picking cancelled.';
    }
  }, { capture: true, signal });
  window.addEventListener('scroll', () => outline(hovered), { capture: true, passive: true, signal });

  /** @param {Element} element */
  function pick(element) {
    const target = describe(element);
    setPicking(false);
    message.textContent = 'Sending…';
    send(handshake.api_host + '/sdk/v1/authoring/pick', { token: handshake.token, target })
      .then(({ ok, json }) => {
        message.textContent = ok
          ? 'Picked “' + (target.label || target.text || target.selector) + '”. Go back to the Signpost tab.'
          : 'Could not send the element: ' + (json.error || 'error');
      })
      .catch(() => {
        message.textContent = 'Could not reach Signpost. Try again.';
      });
  }

  function showDraft() {
    setPicking(false);
    message.textContent = 'Loading the draft…';
    send(handshake.api_host + '/sdk/v1/authoring/draft', { token: handshake.token })
      .then(({ ok, json }) => {
        if (!ok) {
          message.textContent = 'Could not load the draft: ' + (json.error || 'error');
          return;
        }
        message.textContent = 'Previewing the draft of “' + json.guide.name + '”. Only you see it.';
        handshake.preview(json.guide);
      })
      .catch(() => {
        message.textContent = 'Could not reach Signpost. Try again.';
      });
  }

  function stop() {
    controller.abort();
    host.remove();
  }

  if (grantsPick) setPicking(true);
  else showDraft();
}

/** @param {string} token */
function tokenPickId(token) {
  try {
    const body = token.split('.')[0].replace(/-/g, '+').replace(/_/g, '/');
    return String(JSON.parse(atob(body + '==='.slice((body.length + 3) % 4))).p || '');
  } catch (_) {
    return '';
  }
}
