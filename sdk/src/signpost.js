// @ts-check
/**
 * One SDK instance: wires the session, the event queue and transport, the router and the
 * guide player together, and implements the public methods. Every method is guarded: a
 * failure becomes a `signpost:error` event (and a `console.warn` with `debug` on), never an
 * exception in the host page.
 */

import { emit, subscribe } from './events.js';
import { BUILD, createLoader } from './loader.js';
import { chunkFor } from './render/index.js';
import { chooseGuide, pageMatches } from './rules.js';
import { Scope } from './scope.js';
import { anonymousId, requestSession } from './session.js';
import { createState, flatten } from './state.js';
import { browserStorage, readJson, writeJson } from './storage.js';
import { isRetryable } from './http.js';
import { CACHED_KEY } from './cache.js';
import { uuid7 } from './uuid.js';

/** @typedef {import('./config.js').Config} Config */
/** @typedef {import('./rules.js').Guide} Guide */
/** @typedef {import('./state.js').Player} Player */

/** @param {Config} config */
export function createSignpost(config) {
  const scope = new Scope();
  const storage = browserStorage();
  const state = createState(storage, config.app_key, anonymousId(storage));
  const load = createLoader(config.api_host + '/sdk/v1/', config.nonce, scope);
  /** Labels the page pinned with `data-label-*`; the session's, in the user's language, fill the rest. */
  const pinned = Object.keys(config);
  /**
   * Event delivery lives in the `events` chunk, loaded once the first guide is on screen, or
   * none is coming, or after 3 s: nothing of it is needed to put a guide on screen. Until it
   * has started, events are written ahead here, to a key of their own that its queue adopts.
   * @type {ReturnType<import('./delivery.js').startDelivery> | null}
   */
  let delivery = null;
  /**
   * Checklist ticks (a tracked event, a completed guide) made before `events` started, for it.
   * @type {import('./checklist.js').Tick[]}
   */
  const ticks = [];
  /** @type {import('./queue.js').QueueItem[]} */
  const early = [];
  /** Under the queue prefix (queue.js), this page's own id. */
  const earlyKey = 'signpost:queue:' + config.app_key + ':' + uuid7();
  /**
   * Start the `events` chunk: event delivery, and route watching from the page's address at
   * boot on (a route change before it arrived is caught up at once).
   */
  function deliver() {
    if (delivering) return;
    delivering = true;
    load('events')
      .then((chunk) => {
        delivery = chunk.startDelivery({
          scope,
          config,
          storage,
          // This page's events written ahead; the queue prefix is the key without the page id.
          early: earlyKey,
          ticks,
          fail,
          load,
          // Authoring mode (sdk/src/authoring/) plays an author's unpublished draft through
          // `core.start`, on the author's click; struggle detection (sdk/src/struggle/) reads
          // the session and user from `core.state`.
          core,
        });
        chunk.watchRoutes(scope, onRoute, bootHref);
      })
      .catch((error) => {
        // The server is down (its chunk did not come): try again later, doubling the wait,
        // so a page that started during an outage delivers once it ends, with no reload.
        fail(error, 'events');
        delivering = false;
        scope.timeout(deliver, (wait = Math.min(wait * 2, config.retry_max_ms)));
      });
  }
  let delivering = false;
  let wait = config.retry_base_ms / 2;
  let bootHref = '';
  /** Inline chunks refused by this origin's CSP once: ask for none again (loader.js). */
  const INLINE_KEY = 'signpost:inline_refused';
  /** @type {Set<[string, Function, () => void]>} handlers given to `on`, for `off` */
  const handlers = new Set();
  let started = false;
  let sessionRequest = 0;
  let sessionQueued = false;
  /** @type {(() => void) | null} */
  let cancelDelayed = null;
  /** @type {import('./stage.js').Stage | null} */
  let stage = null;
  let isReady = false;
  /** @type {() => void} */
  let markReady = () => {};
  /**
   * Settles once the first session request has succeeded or given up (`markReady`).
   * @type {Promise<void>}
   */
  const ready = new Promise((resolve) => {
    markReady = () => {
      isReady = true;
      resolve();
    };
  });

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
   * Queue an event (written to storage before anything else) and announce guide events; a
   * guide shown is remembered as seen.
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
    const item = { event, user_id: state.user_id, user_token: state.user_token, anonymous_id: state.anonymous_id };
    if (delivery) delivery.add(item);
    else {
      early.push(item);
      // saved_at 0: any queue may adopt it at once, its own page's first of all.
      writeJson(storage, earlyKey, { saved_at: 0, items: early });
    }
    if (!guide) return;
    emit(type.replace(/_/g, '-'), { guide_id: guide.id, guide_slug: guide.slug, guide_version: guide.version, step_index, properties });
    if (type === 'guide_shown') {
      state.set(guide, { seen: true });
      // After the frame that paints it: nothing but the session goes out before the first step shows.
      requestAnimationFrame(() => scope.timeout(deliver, 0));
    }
  }

  /**
   * Put `guide` on screen, taking off whatever was there. Its chunks load first (from
   * cache after the first time); until then a placeholder holds its place.
   * @param {Guide} guide
   */
  function start(guide) {
    if (state.player) state.player.stop();
    // The placeholder is taken off by another guide, a route change, hide or reset taking its
    // place as `state.player`, or by destroy.
    /** @type {Player} */
    const pending = { guide, stop() {}, end() {} };
    state.player = pending;
    const takenOff = () => scope.disposed || state.player !== pending;
    const chunk = /** @type {string} */ (chunkFor(guide.kind));
    // Fetched side by side: the kind's chunk, and `anchor` when a step points at an element.
    Promise.all([load('ui'), load(chunk), guide.steps.some((step) => step.target) && load('anchor')])
      .then(([ui, kind]) => {
        if (takenOff()) return;
        if (!ui.canStyle()) throw new Error('no adoptedStyleSheets');
        play(ui, kind, guide);
      })
      .catch((error) => {
        fail(error, 'render');
        if (takenOff()) return;
        // One that cannot be drawn ends for this page load; another may take its place.
        state.player = null;
        state.finished.add(guide.id);
        record('guide_dismissed', guide, null, { reason: 'error', duration_ms: 0 });
        evaluate();
      });
  }

  /**
   * @param {any} ui the `ui` chunk
   * @param {any} kind the chunk with the kind's renderer
   * @param {Guide} guide
   */
  function play(ui, kind, guide) {
    if (!stage) {
      stage = /** @type {import('./stage.js').Stage} */ (ui.createStage(scope));
      stage.locale(state.locale);
    }
    // A guide with a theme of its own carries the whole of it (the server merged it over the app's).
    stage.theme(guide.theme || (state.session ? state.session.theme : undefined));
    const saved = state.get(guide);
    const fresh = saved.completed || saved.dismissed;
    /** @type {Player} */
    const player = ui.playGuide({
      guide,
      render: kind.renderers[guide.kind],
      start: fresh ? 0 : saved.current_step || 0,
      scope,
      config,
      stage,
      fail,
      load,
      checklist: kind.host && kind.host(core),
      record: (/** @type {string} */ type, /** @type {number | null} */ step_index, /** @type {any} */ properties) => record(type, guide, step_index, properties),
      progress: (/** @type {number} */ step_index) => state.set(guide, { current_step: step_index }),
      finish: (/** @type {string} */ status) => {
        if (state.player === player) state.player = null;
        state.finished.add(guide.id);
        if (status === 'completed') {
          state.set(guide, { completed: true, current_step: 0 });
          tickOff({ guide: guide.slug });
        } else if (status !== 'ended') state.set(guide, { dismissed: true, current_step: 0 });
        evaluate();
      },
    });
    state.player = player;
  }

  /** What a checklist's host (in the `checklist` chunk) works with. */
  const core = {
    state,
    start,
    evaluate,
    record: (/** @type {string} */ type, /** @type {Guide} */ guide, /** @type {Record<string, any>} */ properties) => record(type, guide, null, properties),
  };

  /**
   * Tick off the checklist items a tracked event or a completed guide completes: the
   * `events` chunk does (delivery.js), once it has started.
   * @param {import('./checklist.js').Tick} what
   */
  function tickOff(what) {
    if (delivery) delivery.tickOff(what);
    else ticks.push(what);
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


  /**
   * Fetch the session; newest request wins. Network errors and 5xx are tried again, a
   * few times, waiting longer each time.
   * @param {number} [attempt] 0 for the first try
   */
  async function loadSession(attempt = 0) {
    const request = ++sessionRequest;
    /** @type {import('./state.js').Session | number} */
    let result = 0;
    try {
      // Only the first answer brings chunks: later ones (after identify) load what they need.
      // It leaves out those the browser keeps cached as files (cache.js, in `events`).
      result = await requestSession(config.api_host, config.app_key, state, scope.signal, state.session || readJson(storage, INLINE_KEY) ? undefined : BUILD, readJson(storage, CACHED_KEY + BUILD));
    } catch (_) {
      // A network error: retried like a 5xx.
    }
    if (request !== sessionRequest || scope.disposed) return;
    if (typeof result !== 'number') return applySession(result);
    // A failed session (the server down, say): no guide is coming soon, events may go.
    deliver();
    // Tried again unless a newer request (identify, reset) has taken its place meanwhile.
    if (isRetryable(result) && attempt + 1 < config.session_attempts) {
      scope.timeout(() => request === sessionRequest && refreshSession(attempt + 1), config.retry_base_ms * 2 ** attempt);
    } else {
      fail(new Error('session failed: ' + result), 'session');
      markReady();
    }
  }

  /** @param {import('./state.js').Session} session */
  function applySession(session) {
    const chunks = session.chunks || {};
    for (const name in chunks) {
      if (!load.inline(name, chunks[name])) writeJson(storage, INLINE_KEY, 1);
    }
    const labels = session.labels || {};
    for (const key in labels) if (!pinned.includes('label_' + key)) /** @type {any} */ (config)['label_' + key] = labels[key];
    state.session = session;
    const player = state.player;
    if (player && !session.guides.some((guide) => guide.id === player.guide.id)) {
      player.stop();
      state.player = null;
    }
    evaluate();
    // Event delivery waits for the first guide on screen (record()), so the first step
    // needs no request but the session's; without one coming, it starts now.
    if (!state.player) deliver();
    if (!isReady) emit('ready', { user_id: state.user_id, anonymous_id: state.anonymous_id, guides: session.guides.length });
    markReady();
  }

  /**
   * Ask for a new session once, after the current task's identify/reset calls.
   * @param {number} [attempt] 0 but for a retry
   */
  function refreshSession(attempt) {
    if (!started || sessionQueued) return;
    sessionQueued = true;
    Promise.resolve().then(() => {
      sessionQueued = false;
      return loadSession(attempt);
    }).catch((error) => fail(error, 'session'));
  }

  return {
    /** Boot: adopt queues left by earlier pages, watch routes, ask for the session. */
    start: guard('start', () => {
      if (started) return;
      started = true;
      if (!config.app_key) throw new Error('no data-app-key');
      if (!config.api_host) throw new Error('no data-api-host');
      bootHref = location.href;
      refreshSession();
      // However the first guide fares (a target that never comes), events go out soon.
      scope.timeout(deliver, 3000);
    }),

    identify: guard('identify', (/** @type {unknown} */ user_id, /** @type {unknown} */ traits, /** @type {unknown} */ user_token) => {
      const id = user_id === null || user_id === undefined || user_id === '' ? null : String(user_id);
      const same = id === state.user_id;
      // A fresh token (the old one expiring) needs no new session: later events carry it.
      // Called again without one, the same user keeps theirs; another user starts without.
      if (user_token !== undefined || !same) state.user_token = /** @type {string | undefined} */ (user_token);
      const next = flatten({ ...(same ? state.traits : {}), ...flatten(traits, 100) }, 100);
      if (same && JSON.stringify(next) === JSON.stringify(state.traits)) return;
      state.user_id = id;
      state.traits = next;
      refreshSession();
    }),

    track: guard('track', (/** @type {unknown} */ name, /** @type {unknown} */ properties) => {
      if (typeof name !== 'string' || !name) throw new Error('track() needs a name');
      record('track', null, null, { ...flatten(properties, 49), name: name.slice(0, 1000) });
      tickOff({ event: name });
      emit('track', { name });
    }),

    show: guard('show', (/** @type {unknown} */ guide_id) => {
      ready.then(
        guard('show', () => {
          const guide = state.session && state.session.guides.find((item) => String(item.id) === String(guide_id) || item.slug === guide_id);
          if (!guide) throw new Error('no guide ' + guide_id);
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
        const off = subscribe(scope, name, handler);
        handlers.add([name, handler, off]);
        return off;
      } catch (error) {
        fail(error, 'on');
        return () => {};
      }
    },

    /** Unsubscribe a handler given to `on` with the same name. */
    off: guard('off', (/** @type {string} */ name, /** @type {Function} */ handler) => {
      for (const entry of handlers) {
        if (entry[0] !== name || entry[1] !== handler) continue;
        entry[2]();
        handlers.delete(entry);
      }
    }),

    /** Take the guide on screen off without finishing it; it stays off for this page load. */
    hide: guard('hide', () => {
      const player = state.player;
      if (!player) return;
      player.stop();
      state.player = null;
      state.finished.add(player.guide.id);
    }),

    /** Tell the SDK the page changed, for routers it cannot see (it watches the History API). */
    page: guard('page', () => onRoute()),

    /** Choose the content language (`en-GB`, `ar`); asks for a new session in it. */
    setLocale: guard('setLocale', (/** @type {unknown} */ locale) => {
      const next = String(locale || '') || null;
      if (next === state.locale) return;
      state.locale = next;
      if (stage) stage.locale(next);
      refreshSession();
    }),
  };
}

/** @typedef {ReturnType<typeof createSignpost>} Signpost */
