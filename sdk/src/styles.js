// @ts-check
/**
 * The SDK's CSS, adopted by its shadow root as a constructable stylesheet: no `<style>`
 * element and no style attribute in markup, so a nonce-only `style-src` needs no exception.
 * The theme from the session response arrives as CSS custom properties on the host element.
 */

/**
 * @typedef {Object} Theme
 * @property {string} [accent]
 * @property {string} [text]
 * @property {string} [background]
 * @property {number} [radius]
 * @property {string} [font]
 * @property {number} [z_index]
 */

/** Defaults meet WCAG 2.2 AA: text 14.7:1 and muted text 6.4:1 on white, white on accent 6.3:1. */
export const defaultTheme = Object.freeze({
  accent: '#4f46e5',
  text: '#1f2937',
  background: '#ffffff',
  radius: 8,
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  z_index: 2147483000,
});

const CSS = `
:host{all:initial;position:fixed;top:0;left:0;z-index:var(--sp-z)}
.sp-popover{--sp-line:color-mix(in srgb,var(--sp-text) 14%,transparent);--sp-muted:color-mix(in srgb,var(--sp-text) 76%,var(--sp-bg));position:fixed;box-sizing:border-box;width:max-content;min-width:240px;max-width:min(360px,calc(100vw - 16px));padding:18px 20px 16px;background:var(--sp-bg);color:var(--sp-text);font:14px/1.5 var(--sp-font);border:1px solid var(--sp-line);border-radius:var(--sp-radius);box-shadow:0 2px 6px #0f172a14,0 16px 40px -8px #0f172a4d;animation:sp-in .18s ease-out}
.sp-popover:focus{outline:0}
@keyframes sp-in{from{opacity:0;transform:translateY(6px)}}
.sp-arrow{position:absolute;width:12px;height:12px;background:inherit;border:inherit;border-radius:0;transform:rotate(45deg)}
[data-placement=bottom]>.sp-arrow{top:-7px;border-right-color:transparent;border-bottom-color:transparent}
[data-placement=top]>.sp-arrow{bottom:-7px;border-left-color:transparent;border-top-color:transparent}
[data-placement=right]>.sp-arrow{left:-7px;border-right-color:transparent;border-top-color:transparent}
[data-placement=left]>.sp-arrow{right:-7px;border-left-color:transparent;border-bottom-color:transparent}
.sp-popover:not([data-placement]){inset:0;height:fit-content;margin:auto}
.sp-popover:not([data-placement])>.sp-arrow,[data-placement=center]>.sp-arrow{display:none}
.sp-close{position:absolute;top:8px;right:8px;width:28px;height:28px;padding:0;border:0;border-radius:6px;background:0;color:var(--sp-muted);font:20px/1 var(--sp-font);cursor:pointer}
.sp-title{margin:0 28px 6px 0;font-size:16px;font-weight:600;line-height:1.35}
.sp-body{overflow-wrap:anywhere}
.sp-body>*{margin:0 0 8px}
.sp-body>:last-child{margin-bottom:0}
.sp-body ul,.sp-body ol{padding-left:20px}
.sp-body h3,.sp-body h4{margin-top:12px;font-size:14px}
.sp-body a{color:var(--sp-accent)}
.sp-body code,.sp-body pre{border-radius:4px;background:var(--sp-line);font:12.5px ui-monospace,Menlo,Consolas,monospace}
.sp-body pre{padding:8px;overflow:auto}
.sp-body blockquote{padding-left:10px;border-left:3px solid var(--sp-line)}
.sp-footer{display:flex;align-items:center;gap:12px;margin-top:16px}
.sp-progress{display:flex;align-items:center;gap:8px;color:var(--sp-muted);font-size:12.5px}
.sp-dot{display:inline-block;width:6px;height:6px;margin-right:4px;border-radius:50%;background:var(--sp-line)}
[data-signpost-current]{background:var(--sp-accent)}
.sp-actions{display:flex;gap:8px;margin-left:auto}
.sp-btn{padding:7px 14px;border:1px solid var(--sp-line);border-radius:calc(var(--sp-radius)*.75);background:0;color:var(--sp-text);font:500 14px/1.4 var(--sp-font);cursor:pointer}
.sp-primary{border-color:transparent;background:var(--sp-accent);color:var(--sp-on-accent)}
.sp-btn:hover,.sp-close:hover{filter:brightness(.92);background-color:var(--sp-line)}
.sp-primary:hover{background-color:var(--sp-accent)}
:focus-visible{outline:2px solid var(--sp-accent);outline-offset:2px}
.sp-link{display:inline-block;margin-top:8px;text-decoration:none}
@media (prefers-reduced-motion:reduce){.sp-popover{animation:none}}
`;

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
 * Black or white, whichever contrasts more with a `#rgb`/`#rrggbb` colour (white otherwise),
 * so buttons stay readable on any accent an author picks.
 * @param {string} color
 */
export function readableOn(color) {
  const hex = /^#([\da-f]{3}|[\da-f]{6})$/i.exec(color.trim());
  if (!hex) return '#ffffff';
  const digits = hex[1].length === 3 ? hex[1].replace(/./g, '$&$&') : hex[1];
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(digits.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 ? '#ffffff' : '#111827';
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
    '--sp-on-accent': readableOn(String(given.accent)),
    '--sp-text': given.text,
    '--sp-bg': given.background,
    '--sp-radius': Number(given.radius) + 'px',
    '--sp-font': given.font,
    '--sp-z': given.z_index,
  };
  // CSSOM drops a value it cannot parse; the stylesheet's own fallbacks then apply.
  for (const [name, value] of Object.entries(values)) host.style.setProperty(name, String(value));
}
