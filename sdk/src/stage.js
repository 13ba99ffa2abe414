// @ts-check
/**
 * The stage every guide is drawn on: one `<div data-signpost-root>` at the end of `<body>`
 * with an open shadow root, styled by constructable stylesheets (no `<style>`, no style
 * attribute), themed by CSS custom properties. Where the browser has the Popover API the
 * root is put in the top layer each time a step is drawn, so it stays above the host's own
 * overlays, dialogs and z-indexes.
 */

import { adoptStyles, applyTheme } from './styles.js';

/** @typedef {import('./scope.js').Scope} Scope */
/** @typedef {import('./styles.js').Theme} Theme */

/**
 * @param {Scope} scope the SDK instance's scope: the root goes with it
 */
export function createStage(scope) {
  /** @type {HTMLElement | null} */
  let host = null;
  /** @type {ShadowRoot | null} */
  let shadow = null;
  /** @type {Theme | undefined} */
  let theme;
  let dir = 'ltr';

  const stage = {
    /** The shadow root, created on first use and put back if the app replaced the body. */
    mount() {
      if (!host || !shadow) {
        host = document.createElement('div');
        host.setAttribute('data-signpost-root', '');
        host.dir = dir;
        shadow = host.attachShadow({ mode: 'open' });
        adoptStyles(shadow);
        const node = host;
        scope.defer(() => node.remove());
      }
      // Each time, so the theme of the guide being drawn applies (cheap: a few properties).
      applyTheme(host, theme);
      if (!host.isConnected) document.body.appendChild(host);
      return shadow;
    },

    /** Above everything the page has, as far as the browser allows. */
    raise() {
      const node = host;
      if (!node || !('showPopover' in node)) return;
      try {
        node.popover = 'manual';
        if (node.matches(':popover-open')) node.hidePopover();
        node.showPopover();
      } catch (_) {
        // An older browser: the root's z-index still applies.
      }
    },

    /**
     * Add a kind's own CSS (once per kind) to the shadow root.
     * @param {string} name
     * @param {string} css
     */
    style(name, css) {
      adoptStyles(stage.mount(), name, css);
    },

    /** @param {Theme | undefined} next */
    theme(next) {
      theme = next;
    },

    /**
     * Right-to-left languages mirror every guide (`dir` on the root; the CSS uses logical
     * sides where it matters).
     * @param {string | null} locale
     */
    locale(locale) {
      dir = /^(ar|dv|fa|he|ps|sd|ug|ur|yi)\b/i.test(locale || '') ? 'rtl' : 'ltr';
      if (host) host.dir = dir;
    },
  };
  return stage;
}

/** @typedef {ReturnType<typeof createStage>} Stage */
