// @ts-check
/** The call to action of modals, banners and slideouts (each chunk carries its own copy). */

import { safeHref } from './content.js';

/** The link's own look, added to the CSS of each kind that has one (the button look is the card's). */
export const CTA_CSS = '.sp-link{display:inline-block;margin-top:8px;text-decoration:none}';

/**
 * A link styled as a button for an optional call to action; absolute links open a new tab.
 * @param {{link_label?: string, link_url?: string}} content
 * @returns {HTMLAnchorElement | null}
 */
export function ctaLink(content) {
  const url = content.link_url;
  if (!content.link_label || !url || !safeHref(url)) return null;
  const link = document.createElement('a');
  link.className = 'sp-btn sp-link';
  link.textContent = content.link_label;
  link.setAttribute('href', url);
  link.setAttribute('rel', 'noopener noreferrer nofollow');
  if (/^\s*https?:/i.test(url)) link.setAttribute('target', '_blank');
  return link;
}

