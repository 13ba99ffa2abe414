// @ts-check
/**
 * One SDK instance: wires the session, the event queue and transport, the router and the
 * guide player together, and implements the public methods. Every method is guarded: a
 * failure becomes a `signpost:error` event (and a `console.warn` with `debug` on), never an
 * exception in the host page.
 */

import { checklistItems } from './checklist.js';
import { emit, subscribe } from './events.js';
import { createLoader } from './loader.js';
import { startIndex } from './machine.js';
import { createQueue } from './queue.js';
import { chunkFor } from './render/index.js';
import { watchRoutes } from './router.js';
import { chooseGuide, pageMatches } from './rules.js';
import { Scope } from './scope.js';
import { anonymousId, requestSession } from './session.js';
import { createState, flatten } from './state.js';
import { browserStorage } from './storage.js';
import { backoff, createTransport, isRetryable } from './transport.js';
import { uuid7 } from './uuid.js';

/** @typedef {import('./config.js').Config} Config */
/** @typedef {import('./rules.js').Guide} Guide */
/** @typedef {import('./state.js').Player} Player */

/** @param {Config} config */
export function createSignpost(config) {
  const scope = new Scope();
  const storage = browserStorage();
  const state = createState(storage, config.app_key, anonymousId(storage));
  const queue = createQueue({
    storage,
    prefix: 'signpost:queue:' + config.app_key + ':',
    owner: uuid7(),
    max_events: config.queue_max_events,
    max_bytes: config.queue_max_bytes,
    adopt_after_ms: config.queue_adopt_after_ms,
  });
  const transport = createTransport({
    config,
    queue,
    scope,
    onDrop: (count, reason) => fail(new Error(count + ' events dropped: ' + reason), 'events'),
  });
  let started = false;
  let sessionRequest = 0;
  let sessionQueued = false;
  /** @type {(() => void) | null} */
  let cancelDelayed = null;
  const load = createLoader(config.api_host + '/sdk/v1/', config.nonce, scope);
  /** @type {import('./stage.js').Stage | null} */
  let stage = null;
  let isReady = false;
  /** @type {(value: undefined) => void} */
  let resolveReady = () => {};
  /** Settles once the first session request has succeeded or given up. */
  const ready = new Promise((resolve) => {
    resolveReady = resolve;
  });
  const markReady = () => {
    isReady = true;
    resolveReady(undefined);
  };

  /**
   * @param {unknown} error
   * @param {string} where
   */
  function fail(error, where) {
    try {
      const message = error instanceof Error ? error.message : String(error);
      emit('error', { message, where });
      if (config.debug) console.warn('[signpost] ' + where + ':', error);
    } catch (_) {
      // Reporting must not fail either.
    }
  }

  /**
   * Wrap a public method: it never throws and does nothing after `destroy()`.
   * @template {any[]} A
   * @param {string} where
   * @param {(...args: A) => void} method
   * @returns {(...args: A) => void}
   */
  const guard = (where, method) => (...args) => {
    if (scope.disposed) return;
    try {
      method(...args);
    } catch (error) {
      fail(error, where);
    }
  };

  /**
   * Queue an event (written to storage before anything else) and announce guide events.
   * @param {string} type
   * @param {Guide | null} guide
   * @param {number | null} step_index
   * @param {Record<string, string | number | boolean | null>} [properties]
   */
  function record(type, guide, step_index, properties = {}) {
    // An author's preview of a draft (sdk/src/authoring/) is not analytics.
    if (guide && /** @type {any} */ (guide).preview) return;
    const event = {
      event_id: uuid7(),
      type,
      timestamp: new Date().toISOString(),
      url: location.href,
      guide_id: guide ? guide.id : null,
      guide_version: guide ? guide.version : null,
      step_index,
      properties,
    };
    queue.add({ event, user_id: state.user_id, anonymous_id: state.anonymous_id });
    const dropped = queue.takeDropped();
    if (dropped) fail(new Error(dropped + ' events dropped: queue full'), 'events');
    transport.schedule();
    if (guide) {
      emit(type.replace(/_/g, '-'), { guide_id: guide.id, guide_slug: guide.slug, guide_version: guide.version, step_index, properties });
    }
  }

  /**
   * Put `guide` on screen, taking off whatever was there. Its chunks load first (from
   * cache after the first time); until then a placeholder holds its place.
   * @param {Guide} guide
   */
  function start(guide) {
    if (state.player) state.player.stop();
    let stopped = false;
    /** @type {Player} */
    const pending = { guide, stop: () => void (stopped = true), end: () => void (stopped = true) };
    state.player = pending;
    const chunk = /** @type {string} */ (chunkFor(guide.kind));
    Promise.all([load('ui'), load(chunk)])
      .then(([ui, kind]) => {
        if (stopped || scope.disposed || state.player !== pending) return;
        if (!ui.canStyle()) throw new Error('this browser cannot style a shadow root without inline styles');
        play(ui, kind.renderers[guide.kind], guide);
      })
      .catch((error) => {
        if (state.player === pending) state.player = null;
        fail(error, 'render');
        // One that cannot be drawn ends for this page load; another may take its place.
        if (!stopped) {
          state.finished.add(guide.id);
          record('guide_dismissed', guide, null, { reason: 'error', duration_ms: 0 });
          evaluate();
        }
      });
  }

  /**
   * @param {any} ui the `ui` chunk
   * @param {import('./render/kit.js').Renderer} render
   * @param {Guide} guide
   */
  function play(ui, render, guide) {
    if (!stage) {
      stage = /** @type {import('./stage.js').Stage} */ (ui.createStage(scope));
      stage.theme(state.session ? state.session.theme : undefined);
    }
    const saved = state.get(guide);
    const fresh = saved.completed || saved.dismissed;
    /** @type {Player} */
    const player = ui.playGuide({
      guide,
      render,
      start: fresh ? 0 : startIndex(saved.current_step, guide.steps.length),
      scope,
      config,
      stage,
      fail,
      checklist,
      record: (/** @type {string} */ type, /** @type {number | null} */ step_index, /** @type {any} */ properties) => {
        record(type, guide, step_index, properties);
        if (type === 'guide_shown') state.set(guide, { seen: true });
      },
      progress: (/** @type {number} */ step_index) => state.set(guide, { current_step: step_index }),
      finish: (/** @type {string} */ status) => {
        if (state.player === player) state.player = null;
        state.finished.add(guide.id);
        if (status === 'completed') state.set(guide, { completed: true, current_step: 0 });
        else if (status !== 'ended') state.set(guide, { dismissed: true, current_step: 0 });
        if (status === 'completed') checklist.guideCompleted(guide);
        evaluate();
      },
    });
    state.player = player;
  }

  /** Checklist items: ticked off by the user, by a launched guide's completion, or by `track`. */
  const checklist = {
    /** @param {Guide} guide */
    done: (guide) => state.get(guide).items || [],
    /**
     * @param {Guide} guide
     * @param {string} item
     */
    complete(guide, item) {
      const done = checklist.done(guide);
      if (done.includes(item) || !guide.steps.some((step) => step.content && step.content.id === item)) return;
      state.set(guide, { items: [...done, item] });
      record('checklist_item_completed', guide, null, { item });
      if (done.length + 1 >= guide.steps.length) {
        record('guide_completed', guide, null, { duration_ms: 0 });
        state.set(guide, { completed: true });
        state.finished.add(guide.id);
        if (state.player && state.player.guide.id === guide.id) {
          state.player.stop();
          state.player = null;
          evaluate();
        }
      }
    },
    /**
     * @param {Guide} guide
     * @param {string} slug
     */
    launch(guide, slug) {
      const next = state.session && state.session.guides.find((item) => item.slug === slug || String(item.id) === slug);
      if (!next) throw new Error('no guide ' + slug + ' for this user');
      start(next);
    },
    /** @param {Guide} finished */
    guideCompleted(finished) {
      for (const [guide, item] of checklistItems(state.session ? state.session.guides : [], { guide: finished.slug })) checklist.complete(guide, item);
    },
  };

  /** Show the guide this page should show on its own, if none is on screen. */
  function evaluate() {
    if (!state.session || state.player || cancelDelayed) return;
    const guide = chooseGuide(state.session.guides, state.get, location.href, state.finished);
    if (!guide) return;
    const delay = Number(guide.trigger.delay_ms) || 0;
    if (delay <= 0) return start(guide);
    cancelDelayed = scope.timeout(
      guard('trigger', () => {
        cancelDelayed = null;
        if (!state.player) start(guide);
      }),
      delay,
    );
  }

  const onRoute = guard('route', () => {
    if (cancelDelayed) cancelDelayed();
    cancelDelayed = null;
    const player = state.player;
    // A guide started by its page rules leaves with them; one shown by `show()` stays. One
    // that will come back (a walkthrough under way, a guide due again) waits silently;
    // the others have ended because the user navigated away.
    if (player && player.guide.trigger.type === 'page_load' && !pageMatches(player.guide.pages, location.href)) {
      const guide = player.guide;
      if (guide.frequency === 'once' && !state.get(guide).current_step) player.end('navigated_away');
      else player.stop();
      state.player = null;
    }
    evaluate();
  });


  /** Fetch the session, retrying network errors and 5xx a few times; newest request wins. */
  async function loadSession() {
    const request = ++sessionRequest;
    for (let attempt = 0; attempt < config.session_attempts; attempt++) {
      /** @type {import('./state.js').Session | number} */
      let result = 0;
      try {
        result = await requestSession(config.api_host, config.app_key, state, scope.signal);
      } catch (_) {
        // A network error: retried like a 5xx.
      }
      if (request !== sessionRequest || scope.disposed) return;
      if (typeof result !== 'number') return applySession(result);
      if (!isRetryable(result) || attempt + 1 >= config.session_attempts) {
        fail(new Error('session request failed' + (result ? ' with ' + result : '')), 'session');
        break;
      }
      await new Promise((resolve) => scope.timeout(() => resolve(undefined), backoff(attempt, config.retry_base_ms, config.retry_max_ms)));
    }
    markReady();
  }

  /** @param {import('./state.js').Session} session */
  function applySession(session) {
    state.session = session;
    if (stage) stage.theme(session.theme);
    const player = state.player;
    if (player && !session.guides.some((guide) => guide.id === player.guide.id)) {
      player.stop();
      state.player = null;
    }
    evaluate();
    if (!isReady) emit('ready', { user_id: state.user_id, anonymous_id: state.anonymous_id, guides: session.guides.length });
    markReady();
  }

  /** Ask for a new session once, after the current task's identify/reset calls. */
  function refreshSession() {
    if (!started || sessionQueued) return;
    sessionQueued = true;
    Promise.resolve().then(() => {
      sessionQueued = false;
      return loadSession();
    }).catch((error) => fail(error, 'session'));
  }

  return {
    /** Boot: adopt queues left by earlier pages, watch routes, ask for the session. */
    start: guard('start', () => {
      if (started) return;
      started = true;
      if (!config.app_key) throw new Error('the script tag has no data-app-key');
      if (!config.api_host) throw new Error('no API host: load the SDK from a src URL or set data-api-host');
      queue.adopt(true);
      transport.schedule();
      scope.interval(() => queue.adopt(false) && transport.schedule(), config.queue_adopt_after_ms / 2);
      watchRoutes(scope, onRoute);
      refreshSession();
    }),

    identify: guard('identify', (/** @type {unknown} */ user_id, /** @type {unknown} */ traits) => {
      const id = user_id === null || user_id === undefined || user_id === '' ? null : String(user_id);
      const next = flatten({ ...(id === state.user_id ? state.traits : {}), ...flatten(traits, 100) }, 100);
      if (id === state.user_id && JSON.stringify(next) === JSON.stringify(state.traits)) return;
      state.user_id = id;
      state.traits = next;
      refreshSession();
    }),

    track: guard('track', (/** @type {unknown} */ name, /** @type {unknown} */ properties) => {
      if (typeof name !== 'string' || !name) throw new Error('track() needs an event name');
      record('track', null, null, { ...flatten(properties, 49), name: name.slice(0, 1000) });
      for (const [guide, item] of checklistItems(state.session ? state.session.guides : [], { event: name })) checklist.complete(guide, item);
    }),

    show: guard('show', (/** @type {unknown} */ guide_id) => {
      ready.then(
        guard('show', () => {
          const guide = state.session && state.session.guides.find((item) => String(item.id) === String(guide_id) || item.slug === guide_id);
          if (!guide) throw new Error('no guide ' + String(guide_id) + ' for this user');
          if (cancelDelayed) cancelDelayed();
          cancelDelayed = null;
          start(guide);
        }),
      );
    }),

    /** Authoring mode only (sdk/src/authoring/): play an unpublished draft for its author. */
    preview: guard('preview', (/** @type {Guide} */ guide) => void ready.then(() => start(guide))),

    reset: guard('reset', () => {
      if (cancelDelayed) cancelDelayed();
      cancelDelayed = null;
      state.reset(anonymousId(storage, true));
      refreshSession();
    }),

    destroy: guard('destroy', () => {
      if (state.player) state.player.stop();
      scope.dispose();
    }),

    /**
     * @param {string} name
     * @param {(detail: any, event: CustomEvent) => void} handler
     * @returns {() => void}
     */
    on(name, handler) {
      if (scope.disposed || typeof handler !== 'function') return () => {};
      try {
        return subscribe(scope, name, handler);
      } catch (error) {
        fail(error, 'on');
        return () => {};
      }
    },
  };
}

/** @typedef {ReturnType<typeof createSignpost>} Signpost */
