// @ts-check
/**
 * One SDK instance: wires the session, the event queue and transport, the router and the
 * guide player together, and implements the public methods. Every method is guarded: a
 * failure becomes a `signpost:error` event (and a `console.warn` with `debug` on), never an
 * exception in the host page.
 */

import { emit, subscribe } from './events.js';
import { startIndex } from './machine.js';
import { playGuide } from './player.js';
import { createQueue } from './queue.js';
import { watchRoutes } from './router.js';
import { chooseGuide, pageMatches } from './rules.js';
import { Scope } from './scope.js';
import { anonymousId, requestSession } from './session.js';
import { createState, flatten } from './state.js';
import { browserStorage } from './storage.js';
import { adoptStyles, applyTheme, canStyle } from './styles.js';
import { backoff, createTransport, isRetryable } from './transport.js';
import { uuid7 } from './uuid.js';

/** @typedef {import('./config.js').Config} Config */
/** @typedef {import('./rules.js').Guide} Guide */

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
  /** @type {HTMLElement | null} */
  let host = null;
  /** @type {ShadowRoot | null} */
  let shadow = null;
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

  /** The shadow root everything is drawn in, created on first use. */
  function mount() {
    if (!host || !shadow) {
      host = document.createElement('div');
      host.setAttribute('data-signpost-root', '');
      shadow = host.attachShadow({ mode: 'open' });
      adoptStyles(shadow);
      applyTheme(host, state.session ? state.session.theme : undefined);
      const node = host;
      scope.defer(() => node.remove());
    }
    // Some apps replace the whole body on navigation.
    if (!host.isConnected) document.body.appendChild(host);
    return shadow;
  }

  /**
   * Put `guide` on screen, taking off whatever was there.
   * @param {Guide} guide
   */
  function start(guide) {
    if (!canStyle()) throw new Error('this browser cannot style a shadow root without inline styles');
    if (state.player) state.player.stop();
    const saved = state.get(guide);
    const fresh = saved.completed || saved.dismissed;
    const player = playGuide({
      guide,
      start: fresh ? 0 : startIndex(saved.current_step, guide.steps.length),
      scope,
      config,
      mount,
      fail,
      record: (type, step_index, properties) => {
        record(type, guide, step_index, properties);
        if (type === 'guide_shown') state.set(guide, { seen: true });
      },
      progress: (step_index) => state.set(guide, { current_step: step_index }),
      finish: (status) => {
        if (state.player === player) state.player = null;
        state.finished.add(guide.id);
        if (status === 'completed') state.set(guide, { completed: true, current_step: 0 });
        if (status === 'dismissed') state.set(guide, { dismissed: true, current_step: 0 });
        evaluate();
      },
    });
    state.player = player;
  }

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
    // A guide started by its page rules leaves with them; one shown by `show()` stays.
    if (player && player.guide.trigger.type === 'page_load' && !pageMatches(player.guide.pages, location.href)) {
      player.stop();
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
    if (host) applyTheme(host, session.theme);
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
