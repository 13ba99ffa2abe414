// @ts-check
/** The call to action of modals, banners and slideouts (each chunk carries its own copy). */

import { safeHref } from './content.js';

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

