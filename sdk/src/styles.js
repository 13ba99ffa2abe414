// @ts-check
/**
 * The SDK's CSS, adopted by its shadow root as a constructable stylesheet: no `<style>`
 * element and no style attribute in markup, so a nonce-only `style-src` needs no exception.
 * The theme from the session response arrives as CSS custom properties on the host element.
 */

/**
 * @typedef {Object} Theme
 * @property {string} [accent]
 * @property {string} [accent_text] button text on the accent, chosen readable by the server
 * @property {string} [text]
 * @property {string} [background]
 * @property {number} [radius]
 * @property {string} [font]
 * @property {number} [z_index]
 */

/** Defaults meet WCAG 2.2 AA: text 14.7:1 and muted text 6.4:1 on white, white on accent 6.3:1. */
const defaultTheme = {
  accent: '#4f46e5',
  accent_text: '#ffffff',
  text: '#1f2937',
  background: '#ffffff',
  radius: 8,
  font: 'system-ui,sans-serif',
  z_index: 2147483000,
};

import CSS from './styles.css';

/** @type {Record<string, CSSStyleSheet>} the SDK's own and each kind's, made once, shared by every shadow root */
const sheets = {};

/**
 * Whether this browser can style a shadow root without a `<style>` element. Every engine
 * shipped `adoptedStyleSheets` together with constructable, `replaceSync`-able sheets
 * (Chrome 73, Firefox 101, Safari 16.4), so the one probe answers for all three.
 */
export const canStyle = () => 'adoptedStyleSheets' in Document.prototype;

/**
 * Add a stylesheet to a shadow root, once: the SDK's own, or a kind's (parsed on first use).
 * @param {ShadowRoot} root
 * @param {string} [name] the kind
 * @param {string} [css] the kind's CSS
 */
export function adoptStyles(root, name = '', css = CSS) {
  if (!sheets[name]) {
    sheets[name] = new CSSStyleSheet();
    sheets[name].replaceSync(css);
  }
  if (!root.adoptedStyleSheets.includes(sheets[name])) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheets[name]];
}

/**
 * Set the theme on the host element through CSSOM (allowed under a strict CSP, unlike a
 * style attribute in markup). Missing values fall back to the defaults.
 * @param {HTMLElement} host
 * @param {Theme | undefined} theme
 */
export function applyTheme(host, theme) {
  const given = { ...defaultTheme, ...theme };
  const values = {
    '--sp-accent': given.accent,
    // The server picks it for contrast with the accent (guides/themes.py `theme_for`).
    '--sp-on-accent': given.accent_text,
    '--sp-text': given.text,
    '--sp-bg': given.background,
    '--sp-radius': Number(given.radius) + 'px',
    '--sp-font': given.font,
    '--sp-z': given.z_index,
  };
  // CSSOM drops a value it cannot parse; the stylesheet's own fallbacks then apply.
  for (const [name, value] of Object.entries(values)) host.style.setProperty(name, String(value));
}
