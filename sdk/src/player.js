// @ts-check
/**
 * Runs one guide on screen: waits for each step's target, draws the step through its kind's
 * renderer, keeps it positioned, handles keyboard and focus, and turns user actions into
 * step transitions and recorded events. Everything it starts lives in its scope, so
 * `stop()` (a route change, `show()` of another guide, `destroy()`) leaves nothing behind.
 * Part of the `ui` chunk: the core loads it with the first guide.
 */

import { startIndex, transition } from './machine.js';
import { kit } from './render/kit.js';

/** @typedef {import('./rules.js').Guide} Guide */
/** @typedef {import('./machine.js').StepAction} StepAction */
/** @typedef {import('./machine.js').Direction} Direction */
/** @typedef {import('./scope.js').Scope} Scope */
/** @typedef {import('./render/kit.js').Renderer} Renderer */
/** @typedef {import('./render/kit.js').View} View */
/** @typedef {'completed' | 'dismissed' | 'ended' | 'target_missing' | 'error'} Ending */
/**
 * @typedef {Object} PlayerOptions
 * @property {Guide} guide
 * @property {Renderer} render the kind's renderer
 * @property {number} start the saved step to begin on (clamped to the steps the guide has now)
 * @property {Scope} scope the SDK instance's scope
 * @property {import('./config.js').Config} config
 * @property {import('./stage.js').Stage} stage
 * @property {import('./render/kit.js').ChecklistHost | null} checklist
 * @property {(type: string, step_index: number | null, properties?: Record<string, any>) => void} record
 * @property {(step_index: number) => void} progress the step now current, to persist
 * @property {(status: Ending) => void} finish
 * @property {(error: unknown, where: string) => void} fail
 * @property {(name: string) => Promise<any>} load the chunk loader (`anchor` for steps with a target)
 */

/** The element with focus, looking inside open shadow roots. */
function focusedElement() {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** @param {PlayerOptions} options */
export function playGuide(options) {
  const { guide, config, fail, stage, record, load } = options;
  const count = guide.steps.length;
  const run = options.scope.child();
  const before = focusedElement();
  let index = startIndex(options.start, count);
  /** @type {Direction} */
  let direction = 1;
  /** When the current step came on screen (0: no step yet) */
  let shownAt = 0;
  /** @type {Scope | null} */
  let stepScope = null;

  run.defer(() => {
    const active = document.activeElement;
    // Give focus back only when it is still ours or was lost with the card.
    const ours = !active || active === document.body || active.hasAttribute('data-signpost-root');
    if (ours && before instanceof HTMLElement && before.isConnected) before.focus({ preventScroll: true });
  });

  /**
   * Record `type` on the current step with how long the step has been on screen.
   * @param {string} type
   * @param {Record<string, any>} [properties]
   */
  const recordTimed = (type, properties) =>
    record(type, index, { ...properties, duration_ms: shownAt ? Math.max(0, Math.round(performance.now() - shownAt)) : 0 });

  /** @param {Ending} status */
  function end(status) {
    if (run.disposed) return;
    if (status === 'completed') recordTimed('guide_completed');
    else if (status !== 'ended') recordTimed('guide_dismissed', { reason: status });
    run.dispose();
    options.finish(status);
  }

  /** @param {StepAction} action */
  function act(action) {
    try {
      if (run.disposed) return;
      if (action === 'next' || action === 'done') recordTimed('step_completed');
      const outcome = transition(index, count, action, direction);
      if (outcome.status !== 'active') end(outcome.status);
      else if (outcome.index !== index || action === 'skip') void enter(outcome.index, outcome.direction, true);
    } catch (error) {
      fail(error, 'step');
    }
  }

  /**
   * Make step `next` current: persist it, wait for its target, then draw it.
   * @param {number} next
   * @param {Direction} towards
   * @param {boolean} announce record `step_shown` (false when redrawing the same step)
   */
  async function enter(next, towards, announce) {
    try {
      index = next;
      direction = towards;
      options.progress(index);
      stepScope?.dispose();
      const scope = run.child();
      stepScope = scope;
      const step = guide.steps[index];
      const wanted = step.target;
      /** @type {Element | null} */
      let target = null;
      /** @type {any} the `anchor` chunk, for a step with a target */
      let anchor = null;
      if (wanted) {
        anchor = await load('anchor');
        if (scope.disposed) return;
        const policy = step.missing_target || 'skip';
        const timeout = wanted.timeout_ms ?? config.target_timeout_ms;
        target = await anchor.waitForTarget(wanted, timeout, scope, load);
        if (scope.disposed) return;
        if (!target) {
          record('target_missing', index, { policy });
          if (policy === 'wait') target = await anchor.waitForTarget(wanted, Infinity, scope, load);
          if (scope.disposed) return;
          if (policy === 'skip') return act('skip');
          if (policy === 'end') return end('target_missing');
        }
      }
      draw(scope, target, announce, target ? anchor : null);
    } catch (error) {
      fail(error, 'render');
      end('error');
    }
  }

  /**
   * @param {Scope} scope
   * @param {Element | null} target
   * @param {boolean} announce
   * @param {any} anchor the `anchor` chunk when there is a target
   */
  function draw(scope, target, announce, anchor) {
    const step = guide.steps[index];
    const root = stage.mount();
    /** @type {View} */
    const view = options.render({
      guide,
      step,
      index,
      count,
      config,
      target,
      act,
      record: (type, properties) => record(type, type === 'survey_answered' ? index : null, properties),
      signal: scope.signal,
      style: (css) => stage.style(guide.kind, css),
      ui: anchor ? { ...kit, ...anchor } : kit,
      checklist: options.checklist,
    });
    const element = view.element;
    if (view.modal) {
      const backdrop = kit.make('div', 'sp-backdrop');
      root.appendChild(backdrop);
      scope.defer(() => backdrop.remove());
    }
    root.appendChild(element);
    scope.defer(() => element.remove());
    stage.raise();
    scope.listen(element, 'keydown', (/** @type {KeyboardEvent} */ event) => {
      if (view.onKey?.(event)) return;
      // Arrow keys belong to text fields and radio groups when they have focus.
      const arrows = view.arrows && !(event.target instanceof Element && event.target.matches('input,textarea,select'));
      /** @type {StepAction | null} */
      const action =
        event.key === 'Escape' ? 'dismiss'
        : arrows && event.key === 'ArrowRight' ? 'next'
        : arrows && event.key === 'ArrowLeft' ? 'back'
        : null;
      // An arrow key moves only where the card has that button (no Back on the first step).
      if (!action || (action !== 'dismiss' && !element.querySelector(`[data-signpost-action=${action}]`))) return;
      // The host page must not also act on these keys (an app's own Esc handler, say).
      event.preventDefault();
      event.stopPropagation();
      act(action);
    });
    // The author's other advance rules, in the step's scope: an event (`signpost:track`: a
    // name given to `track()`, or a struggle signal; no name matches an unset rule, so the
    // listener needs no test) or a delay in seconds.
    scope.listen(document, 'signpost:track', (/** @type {CustomEvent} */ event) => event.detail.name === step.advance_event && act('next'));
    if (step.advance_delay) scope.timeout(() => act('next'), step.advance_delay * 1e3);
    const place = view.place;
    if (target) {
      anchor.revealTarget(target);
      // The author's advance rule: a click on the element itself moves the user on too
      // ('next' on the last step completes); `advance` is only sent when not the default.
      if (step.advance) scope.listen(target, 'click', () => act('next'));
      if (place) {
        anchor.autoUpdate(
          [target, element],
          () => {
            // The app re-rendered and replaced the target: find it again.
            if (!target.isConnected) void enter(index, direction, false);
            else place(target);
          },
          scope,
        );
      }
    }
    if (announce) {
      // The first step on screen shows the guide (a redraw of the same step never comes first).
      if (!shownAt) record('guide_shown', null);
      shownAt = performance.now();
      record('step_shown', index);
    }
    view.focus?.focus({ preventScroll: true });
  }

  void enter(index, 1, true);

  return {
    guide,
    /** Take the guide off screen without finishing it; its step stays saved. */
    stop: () => run.dispose(),
    /** @param {Ending} status end it now (a route change that leaves its pages, say) */
    end,
  };
}

/** @typedef {ReturnType<typeof playGuide>} Player */
