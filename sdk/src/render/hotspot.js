// @ts-check
/**
 * A hotspot: a pulsing beacon on the target's corner. It takes no focus until used; the
 * beacon is a button (Tab reaches it) that opens the step as a tip next to the element.
 * The pulse stops under `prefers-reduced-motion`. Content: `beacon_label` (the beacon's
 * accessible name), `button` (the tip's button).
 */

/** @typedef {import('./kit.js').RenderContext} RenderContext */

const CSS = `.sp-beacon{position:fixed;width:24px;height:24px;margin:-12px 0 0 -12px;padding:0;border:0;border-radius:50%;background:0;cursor:pointer}
.sp-beacon::before,.sp-beacon::after{content:"";position:absolute;inset:6px;border-radius:50%;background:var(--sp-accent)}
.sp-beacon::after{inset:0;opacity:.45;animation:sp-pulse 1.6s ease-out infinite}
@keyframes sp-pulse{from{transform:scale(.4);opacity:.7}to{transform:scale(1.5);opacity:0}}
@media (prefers-reduced-motion:reduce){.sp-beacon::after{animation:none;transform:none}}`;

/**
 * @param {RenderContext} context
 * @returns {import('./kit.js').View}
 */
export function hotspot(context) {
  const { step, config, ui, signal } = context;
  const content = step.content || {};
  context.style(CSS);
  const element = ui.make('div', 'sp-hotspot');
  /** @type {import('./popover.js').Card | null} */
  let card = null;
  const beacon = ui.button('', 'sp-beacon', () => toggle(), signal);
  beacon.setAttribute('aria-label', content.beacon_label || config.label_open_tip);
  beacon.setAttribute('aria-expanded', 'false');
  element.appendChild(beacon);

  const place = (/** @type {Element} */ target) => {
    if (ui.viewportRect) {
      const rect = ui.viewportRect(target);
      beacon.style.left = Math.round(rect.right) + 'px';
      beacon.style.top = Math.round(rect.top) + 'px';
    }
    if (card && ui.placeCard) ui.placeCard(card, target, step.placement);
  };

  function toggle() {
    if (card) {
      card.element.remove();
      card = null;
      beacon.setAttribute('aria-expanded', 'false');
      beacon.focus();
      return;
    }
    card = ui.card(
      {
        title: step.title,
        body_html: step.body_html,
        close_label: config.label_close,
        progress: null,
        buttons: [{ label: content.button || config.label_got_it, action: 'done', primary: true }],
      },
      context.act,
      signal,
    );
    element.appendChild(card.element);
    beacon.setAttribute('aria-expanded', 'true');
    if (context.target) place(context.target);
    (card.primary || card.element).focus();
  }

  return { element, focus: null, place };
}
