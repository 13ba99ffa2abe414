// @ts-check
/**
 * A checklist: a panel at the bottom right listing the guide's steps as items, with its
 * progress. An item launches a guide (`launch_guide`, a slug), completes when a tracked
 * event of its `complete_on` name happens (also while the panel is closed), or, with
 * neither, is ticked off by the user. Each completed item records
 * `checklist_item_completed`; the last one completes the guide.
 */

/** @typedef {import('./kit.js').RenderContext} RenderContext */
/** @typedef {import('../rules.js').Guide} Guide */

const CSS = `.sp-checklist{left:auto;top:auto;right:16px;bottom:16px;width:min(340px,calc(100vw - 32px));max-width:none}
.sp-bar{height:6px;margin:4px 0 10px;border-radius:3px;background:var(--sp-line);overflow:hidden}.sp-bar>span{display:block;height:100%;background:var(--sp-accent)}
.sp-body .sp-items{margin:0;padding:0;list-style:none}.sp-items li{margin:0 0 6px}
.sp-item{display:flex;gap:10px;width:100%;padding:8px;border:1px solid var(--sp-line);border-radius:calc(var(--sp-radius)*.75);background:0;color:var(--sp-text);font:inherit;text-align:start;cursor:pointer}
.sp-check{flex:none;width:18px;height:18px;border:2px solid var(--sp-muted);border-radius:50%;box-sizing:border-box;font-size:12px;line-height:14px;text-align:center}
[data-signpost-done] .sp-check{border-color:var(--sp-accent);background:var(--sp-accent);color:var(--sp-on-accent)}
[data-signpost-done] .sp-item-title{text-decoration:line-through}
.sp-item-body{display:block;color:var(--sp-muted);font-size:12.5px}`;

/**
 * @param {RenderContext} context
 * @returns {import('./kit.js').View}
 */
export function checklist(context) {
  const { guide, config, ui, signal } = context;
  const memory = /** @type {import('./kit.js').ChecklistHost} */ (context.checklist);
  context.style(CSS);
  const status = ui.make('p', 'sp-progress');
  status.setAttribute('aria-live', 'polite');
  const bar = ui.make('div', 'sp-bar');
  bar.setAttribute('aria-hidden', 'true');
  const fill = bar.appendChild(ui.make('span', ''));
  const list = ui.make('ul', 'sp-items');
  /** @type {Record<string, HTMLElement>} */
  const rows = {};

  const refresh = () => {
    const done = memory.done(guide);
    for (const [id, row] of Object.entries(rows)) {
      const complete = done.includes(id);
      row.toggleAttribute('data-signpost-done', complete);
      const mark = /** @type {HTMLElement} */ (row.querySelector('.sp-check'));
      mark.textContent = complete ? '\u2713' : '';
      /** @type {HTMLElement} */ (row.querySelector('.sp-state')).textContent = complete ? ' (' + config.label_done + ')' : '';
    }
    const count = guide.steps.length;
    const finished = done.filter((id) => rows[id]).length;
    status.textContent = config.label_done_count.replace('{done}', String(finished)).replace('{count}', String(count));
    fill.style.width = Math.round((100 * finished) / count) + '%';
  };

  guide.steps.forEach((step) => {
    const item = step.content || {};
    const id = String(item.id);
    const row = ui.make('li', '');
    const control = ui.button('', 'sp-item', () => {
      if (memory.done(guide).includes(id)) return;
      if (item.launch_guide) memory.launch(guide, item.launch_guide);
      else if (!item.complete_on) memory.complete(guide, id);
    }, signal);
    const mark = ui.make('span', 'sp-check');
    mark.setAttribute('aria-hidden', 'true');
    const text = ui.make('span', '');
    const title = text.appendChild(ui.make('span', 'sp-item-title', step.title));
    title.appendChild(ui.make('span', 'sp-state'));
    if (step.body_html) text.appendChild(ui.make('span', 'sp-item-body')).appendChild(ui.content(step.body_html));
    control.append(mark, text);
    row.appendChild(control);
    list.appendChild(row);
    rows[id] = row;
  });
  document.addEventListener('signpost:checklist-item-completed', refresh, { signal });
  const card = ui.card(
    { title: guide.name, body_html: '', close_label: config.label_close, progress: null, buttons: [], extra: [status, bar, list], className: 'sp-checklist' },
    context.act,
    signal,
  );
  card.element.setAttribute('data-placement', 'center');
  refresh();
  const first = /** @type {HTMLElement} */ (list.querySelector('.sp-item'));
  return { element: card.element, focus: first || card.element };
}

/**
 * The checklist's memory and moves, for the SDK core (`core.state`, `record`, `start`,
 * `evaluate`): which items are done (kept per user in this browser), ticking one off
 * (recording `checklist_item_completed`, and `guide_completed` with the last one), and
 * launching an item's guide.
 * @param {any} core
 * @returns {import('./kit.js').ChecklistHost}
 */
export function host(core) {
  const { state } = core;
  const self = {
    /** @returns {Guide[]} every guide delivered to this user */
    guides: () => (state.session ? state.session.guides : []),
    /** @returns {Array<Record<string, string>> | null} the app's chosen resource-center entries, null when none were chosen */
    selection: () => (state.session && Array.isArray(state.session.resource_center) ? state.session.resource_center : null),
    /** @param {Guide} guide */
    done: (guide) => state.get(guide).items || [],
    /**
     * @param {Guide} guide
     * @param {string} item
     */
    complete(guide, item) {
      const done = self.done(guide);
      if (done.includes(item) || !guide.steps.some((step) => step.content && step.content.id === item)) return;
      state.set(guide, { items: [...done, item] });
      core.record('checklist_item_completed', guide, { item });
      if (done.length + 1 < guide.steps.length) return;
      core.record('guide_completed', guide, { duration_ms: 0 });
      state.set(guide, { completed: true });
      state.finished.add(guide.id);
      if (state.player && state.player.guide.id === guide.id) {
        state.player.stop();
        state.player = null;
        core.evaluate();
      }
    },
    /**
     * @param {Guide} guide
     * @param {string} slug
     */
    launch(guide, slug) {
      const next = state.session && state.session.guides.find((/** @type {Guide} */ item) => item.slug === slug || String(item.id) === slug);
      if (!next) throw new Error('no guide ' + slug + ' for ' + guide.slug);
      core.start(next);
    },
  };
  return self;
}
