// @ts-check
/**
 * Which guide a page shows: page rules, frequency and priority, as in docs/sdk-protocol.md.
 * Pure (no DOM), so it is tested in Node against tests/fixtures/page_rules.json, the same
 * cases the server's guides/targeting.py is tested against.
 */

/** @typedef {{match: 'exact' | 'prefix' | 'glob' | 'regex', value: string}} PageRule */
/** @typedef {{include?: PageRule[], exclude?: PageRule[]}} PageRules */
/** @typedef {{seen?: boolean, current_step?: number, completed?: boolean, dismissed?: boolean, items?: string[]}} GuideState */
/**
 * @typedef {Object} Step
 * @property {string} title
 * @property {string} body_html
 * @property {TargetDescription | null} [target]
 * @property {'top' | 'bottom' | 'left' | 'right' | 'auto'} [placement]
 * @property {'wait' | 'skip' | 'center' | 'end'} [missing_target]
 * @property {'button' | 'target_click'} [advance] `target_click`: a click on the target also moves on
 * @property {string} [advance_event] also moves on when this is tracked or this struggle signal seen
 * @property {number} [advance_delay] also moves on by itself this many seconds after it shows
 * @property {Record<string, any>} [content] kind-specific (guides/kinds.py)
 */
/**
 * What a step's element looks like; any clue may be missing (docs/sdk.md, "Targets").
 * @typedef {Object} TargetDescription
 * @property {string} [selector]
 * @property {string} [test_id]
 * @property {string} [id]
 * @property {string} [name]
 * @property {string} [role]
 * @property {string} [label]
 * @property {string} [text]
 * @property {string} [path]
 * @property {number} [timeout_ms]
 */
/**
 * @typedef {Object} Guide
 * @property {number} id
 * @property {string} slug
 * @property {number} version
 * @property {string} kind
 * @property {string} name
 * @property {number} priority
 * @property {PageRules} pages
 * @property {{type: 'page_load' | 'manual', delay_ms?: number}} trigger
 * @property {'once' | 'until_completed' | 'every_session'} frequency
 * @property {Step[]} steps
 * @property {import('./styles.js').Theme} [theme] its own, merged over the app's by the server
 */

/** @type {Map<string, RegExp | null>} */
const compiled = new Map();

/**
 * Compile once per pattern; an invalid pattern matches nothing rather than throwing.
 * @param {string} key
 * @param {() => RegExp} make
 */
function cached(key, make) {
  if (!compiled.has(key)) {
    let regex = null;
    try {
      regex = make();
    } catch (_) {
      // Stays null: matches nothing.
    }
    compiled.set(key, regex);
  }
  return compiled.get(key);
}

/** @param {string} path */
function trimSlashes(path) {
  return path.replace(/\/+$/, '') || '/';
}

/**
 * A path or rule value with its trailing `/` removed; a hash part stays as written.
 * @param {string} value
 */
function normalize(value) {
  const hash = value.indexOf('#');
  return hash < 0 ? trimSlashes(value) : trimSlashes(value.slice(0, hash)) + value.slice(hash);
}

/**
 * The subject of `exact`, `prefix` and `glob` rules: the normalized pathname, plus the hash
 * when it is a hash-router route (`#/...`). The query string is ignored.
 * @param {string} href
 */
export function pagePath(href) {
  const url = new URL(href);
  return trimSlashes(url.pathname) + (url.hash.startsWith('#/') ? url.hash : '');
}

/** @param {string} glob */
function globToRegExp(glob) {
  const source = glob
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*');
  return new RegExp('^' + source + '$');
}

/**
 * @param {PageRule} rule
 * @param {string} href the full `location.href`
 */
export function ruleMatches(rule, href) {
  const value = String(rule.value);
  if (rule.match === 'regex') {
    const regex = cached('r' + value, () => new RegExp(value));
    return !!regex && regex.test(href);
  }
  const path = pagePath(href);
  if (rule.match === 'exact') return path === normalize(value);
  if (rule.match === 'prefix') {
    const prefix = normalize(value);
    if (prefix === '/' || path === prefix) return true;
    const next = path.charAt(prefix.length);
    return path.startsWith(prefix) && (next === '/' || next === '#');
  }
  if (rule.match === 'glob') {
    const regex = cached('g' + value, () => globToRegExp(value));
    return !!regex && regex.test(path);
  }
  return false;
}

/**
 * A guide shows on a page when no include rule is given or one matches, and no exclude does.
 * @param {PageRules | undefined} pages
 * @param {string} href
 */
export function pageMatches(pages, href) {
  const include = (pages && pages.include) || [];
  const exclude = (pages && pages.exclude) || [];
  return (
    (include.length === 0 || include.some((rule) => ruleMatches(rule, href))) &&
    !exclude.some((rule) => ruleMatches(rule, href))
  );
}

/**
 * Started and neither finished nor abandoned: a multi-page walkthrough resumes after a reload
 * whatever its frequency.
 * @param {GuideState} state
 */
export function inProgress(state) {
  return !state.completed && !state.dismissed && (state.current_step || 0) > 0;
}

/**
 * Whether the frequency still allows the guide, given what the server and this browser
 * remember. `every_session` is limited to once per page load by the caller's `finished` set.
 * @param {Guide['frequency']} frequency
 * @param {GuideState} state
 */
export function isDue(frequency, state) {
  if (frequency === 'every_session') return true;
  if (frequency === 'until_completed') return !state.completed && !state.dismissed;
  return !state.seen || inProgress(state);
}

/**
 * The guide this page should show on its own: page-load trigger, page rules matching, due by
 * frequency and not already finished in this page load; highest priority first, then the
 * server's order.
 * @param {Guide[]} guides
 * @param {(guide: Guide) => GuideState} stateOf
 * @param {string} href
 * @param {Set<number>} finished guides completed, dismissed or ended in this page load
 * @returns {Guide | null}
 */
export function chooseGuide(guides, stateOf, href, finished) {
  /** @type {Guide | null} */
  let best = null;
  for (const guide of guides) {
    if (
      guide.trigger.type === 'page_load' &&
      !finished.has(guide.id) &&
      (!best || guide.priority > best.priority) &&
      pageMatches(guide.pages, href) &&
      isDue(guide.frequency, stateOf(guide))
    ) {
      best = guide;
    }
  }
  return best;
}
