// @ts-check
/**
 * A resource center: a launcher button at the bottom left that opens a searchable panel of
 * the guides this user may see (walkthroughs, checklists, modals, slideouts, surveys,
 * tooltips) and the resource center's own help articles (its steps). When the app chose
 * what its resource center lists (the session's `resource_center`), it lists exactly those
 * guides and articles, in that order, as one list. It takes no focus
 * until used. Choosing a guide starts it (the resource center comes back when it ends);
 * choosing an article shows it in the panel. Searching records `resource_center_searched`
 * (`query`, `results`) once the user pauses typing. Esc closes the panel.
 */

import { host } from './checklist.js';
import { CTA_CSS, ctaLink } from './cta.js';

/** @typedef {import('./kit.js').RenderContext} RenderContext */
/** @typedef {import('../rules.js').Guide} Guide */

const CSS = `.sp-launcher{position:fixed;bottom:16px;inset-inline-start:16px;padding:10px 16px;border:0;border-radius:999px;background:var(--sp-accent);color:var(--sp-on-accent);font:600 14px/1.2 var(--sp-font);box-shadow:0 4px 14px #0f172a40;cursor:pointer}
.sp-rc{bottom:64px;inset-inline-start:16px;width:min(360px,calc(100vw - 32px));max-width:none;max-height:min(520px,calc(100vh - 96px));overflow:auto}
.sp-rc input{box-sizing:border-box;width:100%;margin:4px 0 12px;padding:7px 10px;border:1px solid var(--sp-muted);border-radius:6px;font:inherit;color:inherit;background:var(--sp-bg)}
.sp-rc h3{margin:10px 0 6px;color:var(--sp-muted);font-size:12.5px;font-weight:600;text-transform:uppercase;letter-spacing:.04em}
.sp-rc ul{margin:0;padding:0;list-style:none}.sp-rc li{margin:0 0 6px}
.sp-rc li button{width:100%;padding:8px 10px;border:1px solid var(--sp-line);border-radius:6px;background:0;color:var(--sp-text);font:inherit;text-align:start;cursor:pointer}
.sp-rc [hidden]{display:none}`;

/** Kinds a person would start from a list. */
const LISTED = ['walkthrough', 'checklist', 'modal', 'slideout', 'survey', 'tooltip'];

/** @param {string} value */
const norm = (value) => value.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * @param {RenderContext} context
 * @returns {import('./kit.js').View}
 */
export function resource_center(context) {
  const { guide, config, ui, signal } = context;
  const memory = /** @type {import('./kit.js').ChecklistHost} */ (context.checklist);
  context.style(CSS + CTA_CSS);
  const element = ui.make('div', 'sp-rc-root');
  const panelId = 'sp-rc-' + guide.id;
  const launcher = ui.button(guide.name, 'sp-launcher', () => toggle(), signal);
  launcher.setAttribute('aria-expanded', 'false');
  launcher.setAttribute('aria-controls', panelId);

  const panel = ui.make('div', 'sp-popover sp-rc');
  panel.id = panelId;
  panel.setAttribute('role', 'dialog');
  panel.setAttribute('aria-label', guide.name);
  panel.setAttribute('data-placement', 'center');
  panel.hidden = true;
  const close = ui.button('\u00d7', 'sp-close', () => toggle(), signal);
  close.setAttribute('aria-label', config.label_close);
  const title = ui.make('h2', 'sp-title', guide.name);
  const search = /** @type {HTMLInputElement} */ (ui.make('input', ''));
  search.type = 'search';
  search.setAttribute('aria-label', config.label_search);
  search.placeholder = config.label_search;
  const results = ui.make('div', '');
  results.setAttribute('aria-live', 'polite');
  const article = ui.make('div', 'sp-body');
  article.hidden = true;
  panel.append(close, title, search, results, article);
  element.append(launcher, panel);

  /** @typedef {{label: string, text: string, open: () => void}} Entry */
  /**
   * @param {Guide} other
   * @returns {Entry}
   */
  const guideEntry = (other) => ({ label: other.name, text: norm(other.name), open: () => memory.launch(guide, other.slug) });
  /**
   * @param {import('../rules.js').Step} step
   * @returns {Entry}
   */
  const articleEntry = (step) => {
    const content = step.content || {};
    const body = ui.content(step.body_html);
    const text = norm([step.title, body.textContent || '', ...(content.keywords || [])].join(' '));
    return { label: step.title, text, open: () => read(step, content) };
  };
  const delivered = memory.guides();
  const chosen = memory.selection();
  /** @type {Array<[string, Entry[]]>} */
  const sections = [];
  if (chosen) {
    // The app chose what is listed and in which order: exactly that, less what this user
    // may not see (a guide not live for them, an article of a resource center they lack).
    /** @type {Entry[]} */
    const entries = [];
    for (const item of chosen) {
      if (item.type === 'guide') {
        const other = delivered.find((one) => one.slug === item.slug && one.id !== guide.id);
        if (other) entries.push(guideEntry(other));
      } else if (item.type === 'article') {
        const owner = delivered.find((one) => one.slug === item.guide && one.kind === 'resource_center');
        const step = owner && owner.steps.find((one) => one.content && one.content.id === item.id);
        if (step) entries.push(articleEntry(step));
      }
    }
    sections.push(['', entries]);
  } else {
    const guides = delivered.filter((other) => other.id !== guide.id && LISTED.includes(other.kind)).map(guideEntry);
    sections.push([config.label_guides, guides], [config.label_articles, guide.steps.map(articleEntry)]);
  }

  /**
   * @param {import('../rules.js').Step} step
   * @param {Record<string, any>} content
   */
  function read(step, content) {
    article.replaceChildren(ui.make('h3', 'sp-title', step.title), ui.content(step.body_html));
    const link = ctaLink({ link_label: config.label_more, link_url: content.link_url });
    if (link) article.appendChild(link);
    const back = ui.button(config.label_back, 'sp-btn', () => {
      article.hidden = true;
      results.hidden = false;
      search.hidden = false;
      search.focus();
    }, signal);
    article.appendChild(back);
    results.hidden = true;
    search.hidden = true;
    article.hidden = false;
    back.focus();
  }

  /** @returns {number} how many entries match the search */
  function list() {
    const query = norm(search.value);
    let found = 0;
    results.replaceChildren();
    for (const [heading, entries] of sections) {
      const hits = entries.filter((entry) => entry.text.includes(query));
      if (!hits.length) continue;
      found += hits.length;
      const items = ui.make('ul', '');
      for (const hit of hits) items.appendChild(ui.make('li', '')).appendChild(ui.button(hit.label, '', hit.open, signal));
      if (heading) results.appendChild(ui.make('h3', '', heading));
      results.appendChild(items);
    }
    if (!found) results.appendChild(ui.make('p', '', config.label_none));
    return found;
  }

  let pause = 0;
  search.addEventListener(
    'input',
    () => {
      const found = list();
      clearTimeout(pause);
      const query = search.value.trim();
      // Once the user pauses: one event per search, not one per keystroke.
      if (query) pause = window.setTimeout(() => context.record('resource_center_searched', { query: query.slice(0, 200), results: found }), 600);
    },
    { signal },
  );
  signal.addEventListener('abort', () => clearTimeout(pause));

  function toggle() {
    const open = panel.hidden;
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    if (open) {
      // Opens on the list, not on the article read last time.
      article.hidden = true;
      results.hidden = search.hidden = false;
      list();
      search.focus();
    } else launcher.focus();
  }

  return {
    element,
    focus: null,
    // Esc closes the panel; it never dismisses the resource center itself.
    onKey: (event) => {
      if (event.key !== 'Escape') return false;
      if (!panel.hidden) toggle();
      event.stopPropagation();
      return true;
    },
  };
}
