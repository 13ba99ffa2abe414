// @ts-check
/**
 * Event delivery, the `events` chunk: the bounded persistent queue (queue.js) and its
 * transport (transport.js). The core loads it once the first guide is on screen (or none is
 * coming), since nothing of it is needed to put a guide on screen and the first step must
 * need no request but the session's. Events recorded before it arrives were
 * written ahead by the core to a key of their own under the queue prefix (`early`), which the
 * queue adopts at start like any other page's queue: write-ahead holds from the first event.
 * Every event of this page gets its browsing session here (browsing.js), those written ahead
 * too, before they are adopted. Checklist items are ticked off here too (`tickOff`), the
 * ticks that came before it first: nothing of that is needed to put a guide on screen.
 */

import { startAuthoring } from './authoring/start.js';
import { keepChunks } from './cache.js';
import { createBrowsing } from './browsing.js';
import { checklistItems } from './checklist.js';
import { subscribe } from './events.js';
import { createQueue } from './queue.js';
import { readJson, tabStorage, writeJson } from './storage.js';
import { createTransport } from './transport.js';
import { uuid7 } from './uuid.js';

/** @typedef {import('./queue.js').QueueItem} QueueItem */

/**
 * @param {Object} options
 * @param {import('./config.js').Config} options.config
 * @param {import('./storage.js').StorageLike} options.storage
 * @param {import('./scope.js').Scope} options.scope
 * @param {string} options.early the key of this page's events written ahead, `<queue prefix><page id>`
 * @param {import('./checklist.js').Tick[]} options.ticks checklist ticks made before it started
 * @param {(error: unknown, where: string) => void} options.fail the core's: reports an error
 * @param {(name: string) => Promise<any>} options.load the chunk loader
 * @param {any} options.core the SDK core: `start` plays a guide (an author's draft),
 *   `state` holds the session and the user
 */
export function startDelivery({ config, storage, scope, early, ticks, fail: report, load, core }) {
  const fail = (/** @type {Error} */ error) => report(error, 'events');
  const prefix = early.slice(0, early.lastIndexOf(':') + 1);
  const browsing = createBrowsing(tabStorage(), 'signpost:session:' + config.app_key);
  const written = readJson(storage, early);
  if (written && Array.isArray(written.items)) {
    written.items.forEach(browsing.stamp);
    writeJson(storage, early, written);
  }
  const queue = createQueue({
    storage,
    prefix,
    owner: uuid7(),
    max_events: config.queue_max_events,
    max_bytes: config.queue_max_bytes,
    adopt_after_ms: config.queue_adopt_after_ms,
  });
  const transport = createTransport({ config, queue, scope, onDrop: (count, reason) => fail(new Error(count + ' events dropped: ' + reason)) });
  queue.adopt(true);
  scope.interval(() => queue.adopt(false) && transport.schedule(), config.queue_adopt_after_ms / 2);
  transport.schedule();
  /** Guides an author is previewing on this page: what they do is not analytics. */
  const previewing = new Set();
  startAuthoring(config, load, (guide) => {
    previewing.add(guide.id);
    core.start(guide);
  });
  /** @param {QueueItem} item */
  const add = (item) => {
    if (previewing.has(item.event.guide_id)) return;
    browsing.stamp(item);
    queue.add(item);
    const dropped = queue.takeDropped();
    if (dropped) fail(new Error(dropped + ' events dropped: queue full'));
    transport.schedule();
  };
  watchStruggle({ config, scope, fail, load, core, add });
  /**
   * Tick off the checklist items a tracked event or a completed guide completes, also while
   * no checklist is on screen; the `checklist` chunk is loaded only when one does.
   * @param {import('./checklist.js').Tick} what
   */
  const tickOff = (what) => {
    const hits = checklistItems(core.state.session ? core.state.session.guides : [], what);
    if (!hits.length) return;
    load('checklist')
      .then((chunk) => {
        const host = chunk.host(core);
        for (const [guide, item] of hits) host.complete(guide, item);
      })
      .catch((error) => report(error, 'checklist'));
  };
  ticks.forEach(tickOff);
  whenIdle(scope, () => keepChunks({ session: core.state.session, config, storage, scope }));
  return { add, tickOff };
}

/**
 * Run `task` when the page is idle (or soon, where the browser cannot say).
 * @param {import('./scope.js').Scope} scope
 * @param {() => void} task
 */
function whenIdle(scope, task) {
  if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(() => scope.disposed || task(), { timeout: 2000 });
  else scope.timeout(task, 500);
}

/**
 * Load the `struggle` chunk once the session has come and the page is idle, if the app
 * detects struggle: off the path to a first guide, and never on a busy page's critical path.
 * @param {Object} options
 * @param {import('./config.js').Config} options.config
 * @param {import('./scope.js').Scope} options.scope
 * @param {(error: Error) => void} options.fail
 * @param {(name: string) => Promise<any>} options.load
 * @param {any} options.core
 * @param {(item: QueueItem) => void} options.add
 */
function watchStruggle({ config, scope, fail, load, core, add }) {
  let started = false;
  const begin = () => {
    const session = core.state.session;
    if (started || scope.disposed || !session || !session.struggle || !session.struggle.enabled) return;
    started = true;
    load('struggle')
      .then((chunk) => scope.disposed || chunk.startStruggle({ core, scope, add, fail, load, config }))
      .catch(fail);
  };
  const idle = () => whenIdle(scope, begin);
  if (core.state.session) idle();
  else subscribe(scope, 'ready', idle);
}
