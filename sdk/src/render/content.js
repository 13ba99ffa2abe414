// @ts-check
/**
 * The one audited path from author content to DOM. `body_html` was sanitized by the server;
 * this is the second line of defence. The markup is parsed by DOMParser into an inert
 * document (no scripts run, nothing loads), then only allow-listed elements and attributes
 * are rebuilt with createElement/createTextNode in the page's document. Nothing here, or
 * anywhere in the SDK, assigns markup through innerHTML, outerHTML, insertAdjacentHTML or
 * document.write.
 */

/** Elements rebuilt as they are. Only links keep attributes: `href` (when safe) and `title`. */
const ALLOWED = new Set(['p', 'br', 'strong', 'em', 'b', 'i', 'u', 's', 'code', 'pre', 'ul', 'ol', 'li', 'h3', 'h4', 'blockquote', 'span', 'a']);

/** Deeper nesting than this is dropped: the server's sanitizer never produces it. */
const MAX_DEPTH = 32;

/**
 * A link target that cannot run script: `http:`, `https:`, `mailto:` or relative.
 * Whitespace and control characters are removed first, as browsers ignore them in schemes.
 * @param {string} href
 */
export function safeHref(href) {
  // eslint-disable-next-line no-control-regex
  const compact = href.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  const scheme = /^([^/?#]*?):/.exec(compact);
  return !scheme || /^(https?|mailto)$/i.test(scheme[1]);
}

/**
 * @param {Node} source a node of the inert document
 * @param {Node} target where its safe copy goes, in `doc`
 * @param {Document} doc
 * @param {number} depth
 */
function copy(source, target, doc, depth) {
  // The inert document is only read, never changed, so its live childNodes can be walked.
  for (const node of source.childNodes) {
    if (node.nodeType === 3) {
      target.appendChild(doc.createTextNode(node.nodeValue || ''));
      continue;
    }
    if (node.nodeType !== 1) continue;
    const element = /** @type {Element} */ (node);
    const tag = element.localName;
    // Anything not on the list goes with all it contains: the server already unwrapped
    // harmless tags, so what is left here is not meant to be shown (script, svg, style...).
    if (!ALLOWED.has(tag) || depth >= MAX_DEPTH || element.namespaceURI !== 'http://www.w3.org/1999/xhtml') continue;
    const clean = doc.createElement(tag);
    if (tag === 'a') {
      const href = element.getAttribute('href');
      const title = element.getAttribute('title');
      if (href !== null && safeHref(href)) {
        clean.setAttribute('href', href);
        // An absolute link leaves the app: a new tab keeps the user's place in the guide.
        if (/^\s*https?:/i.test(href)) clean.setAttribute('target', '_blank');
      }
      if (title !== null) clean.setAttribute('title', title);
      clean.setAttribute('rel', 'noopener noreferrer nofollow');
    }
    copy(element, clean, doc, depth + 1);
    target.appendChild(clean);
  }
}

/**
 * Rename what a strict CSP would report while the inert document is parsed: Chrome checks
 * inline handlers, style attributes and `<style>` elements against the page's policy even
 * there. Nothing would run, but a host's CSP reports should stay clean. Safety does not
 * depend on this pass; the rebuild below drops all of these anyway.
 * @param {string} html
 */
const quiet = (html) =>
  html.replace(/<[a-z][^>]*>/gi, (tag) =>
    tag.replace(/^<(style|script)/i, '<sp-$1').replace(/[\s/](on\w+|style)\s*=/gi, ' data-sp-$1='),
  );

/**
 * Safe DOM for server-sanitized `body_html`.
 * @param {string} html
 * @param {Document} [doc] the document the nodes are made in
 * @returns {DocumentFragment}
 */
export function renderContent(html, doc = document) {
  const fragment = doc.createDocumentFragment();
  const inert = new DOMParser().parseFromString(quiet(String(html || '')), 'text/html');
  copy(inert.body, fragment, doc, 0);
  return fragment;
}
