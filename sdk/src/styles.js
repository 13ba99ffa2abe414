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
export const defaultTheme = Object.freeze({
  accent: '#4f46e5',
  accent_text: '#ffffff',
  text: '#1f2937',
  background: '#ffffff',
  radius: 8,
  font: 'system-ui,sans-serif',
  z_index: 2147483000,
});

import CSS from './styles.css';


/** @type {CSSStyleSheet | null} */
let sheet = null;

/** Whether this browser can style a shadow root without a `<style>` element. */
export const canStyle = () => typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype && 'adoptedStyleSheets' in Document.prototype;

/** @param {ShadowRoot} root */
export function adoptStyles(root) {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  root.adoptedStyleSheets = [sheet];
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
