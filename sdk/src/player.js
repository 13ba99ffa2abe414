// @ts-check
/**
 * Runs one guide on screen: waits for each step's target, draws the card through the kind's
 * renderer, keeps it positioned, handles keyboard and focus, and turns user actions into
 * step transitions and recorded events. Everything it starts lives in its scope, so
 * `stop()` (a route change, `show()` of another guide, `destroy()`) leaves nothing behind.
 */

import { transition } from './machine.js';
import { autoUpdate } from './position.js';
import { buildCard, placeCard } from './render/popover.js';
import { rendererFor } from './render/index.js';
import { revealTarget, waitForTarget } from './target.js';

/** @typedef {import('./rules.js').Guide} Guide */
/** @typedef {import('./machine.js').StepAction} StepAction */
/** @typedef {import('./machine.js').Direction} Direction */
/** @typedef {import('./scope.js').Scope} Scope */
/**
 * @typedef {Object} PlayerOptions
 * @property {Guide} guide
 * @property {number} start step index to begin on
 * @property {Scope} scope the SDK instance's scope
 * @property {import('./config.js').Config} config
 * @property {() => ShadowRoot} mount the SDK's shadow root, created on first use
 * @property {(type: string, step_index: number | null, properties?: Record<string, string>) => void} record
 * @property {(step_index: number) => void} progress the step now current, to persist
 * @property {(status: 'completed' | 'dismissed' | 'ended') => void} finish
 * @property {(error: unknown, where: string) => void} fail
 */

/** The element with focus, looking inside open shadow roots. */
function focusedElement() {
  let active = document.activeElement;
  while (active && active.shadowRoot && active.shadowRoot.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** @param {PlayerOptions} options */
export function playGuide(options) {
  const { guide, config, record, fail } = options;
  const count = guide.steps.length;
  const render = rendererFor(guide.kind);
  const run = options.scope.child();
  const before = focusedElement();
  let index = options.start;
  /** @type {Direction} */
  let direction = 1;
  let shown = false;
  /** @type {Scope | null} */
  let stepScope = null;

  run.defer(() => {
    const active = document.activeElement;
    // Give focus back only when it is still ours or was lost with the card.
    const ours = !active || active === document.body || (active.hasAttribute && active.hasAttribute('data-signpost-root'));
    if (ours && before instanceof HTMLElement && before.isConnected) before.focus({ preventScroll: true });
  });

  /**
   * @param {'completed' | 'dismissed' | 'ended'} status
   */
  function end(status) {
    if (run.disposed) return;
    if (status === 'completed') record('guide_completed', index);
    if (status === 'dismissed') record('guide_dismissed', index);
    run.dispose();
    options.finish(status);
  }

  /** @param {StepAction} action */
  function act(action) {
    try {
      if (run.disposed) return;
      if (action === 'next' || action === 'done') record('step_completed', index);
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
      if (stepScope) stepScope.dispose();
      const scope = run.child();
      stepScope = scope;
      const step = guide.steps[index];
      const selector = step.target && step.target.selector;
      /** @type {Element | null} */
      let target = null;
      if (selector) {
        target = await waitForTarget(selector, config.target_timeout_ms, scope);
        if (scope.disposed) return;
        if (!target) {
          const policy = step.missing_target === 'center' ? 'center' : 'skip';
          record('target_missing', index, { selector, missing_target: policy });
          if (policy === 'skip') return act('skip');
        }
      }
      draw(scope, target, announce);
    } catch (error) {
      fail(error, 'render');
      end('ended');
    }
  }

  /**
   * @param {Scope} scope
   * @param {Element | null} target
   * @param {boolean} announce
   */
  function draw(scope, target, announce) {
    if (!render) throw new Error('no renderer for kind ' + guide.kind);
    const step = guide.steps[index];
    const spec = render({ step, index, count, config });
    const card = buildCard(spec, act, scope.signal);
    options.mount().appendChild(card.element);
    scope.defer(() => card.element.remove());
    const actions = new Set(spec.buttons.map((choice) => choice.action));
    scope.listen(card.element, 'keydown', (event) => {
      /** @type {StepAction | null} */
      const action =
        event.key === 'Escape' ? 'dismiss'
        : event.key === 'ArrowRight' && actions.has('next') ? 'next'
        : event.key === 'ArrowLeft' && actions.has('back') ? 'back'
        : null;
      if (!action) return;
      // The host page must not also act on these keys (an app's own Esc handler, say).
      event.preventDefault();
      event.stopPropagation();
      act(action);
    });
    if (target) revealTarget(target);
    const elements = target ? [target, card.element] : [card.element];
    autoUpdate(
      elements,
      () => {
        // The app re-rendered and replaced the target: find it again.
        if (target && !target.isConnected) void enter(index, direction, false);
        else placeCard(card, target, step.placement);
      },
      scope,
    );
    if (!shown) {
      shown = true;
      record('guide_shown', null);
    }
    if (announce) record('step_shown', index);
    (card.primary || card.element).focus({ preventScroll: true });
  }

  void enter(index, 1, true);

  return {
    guide,
    /** Take the guide off screen without finishing it; its step stays saved. */
    stop: () => run.dispose(),
  };
}

/** @typedef {ReturnType<typeof playGuide>} Player */
