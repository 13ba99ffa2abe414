// @ts-check
/**
 * Event delivery, the `events` chunk: the bounded persistent queue (queue.js) and its
 * transport (transport.js). The core loads it at boot beside the session request, since
 * nothing of it is needed to put a guide on screen. Events recorded before it arrives were
 * written ahead by the core to a key of their own under the queue prefix (`early`), which the
 * queue adopts at start like any other page's queue: write-ahead holds from the first event.
 */

import { startAuthoring } from './authoring/start.js';
import { createQueue } from './queue.js';
import { createTransport } from './transport.js';
import { uuid7 } from './uuid.js';

/** @typedef {import('./queue.js').QueueItem} QueueItem */

/**
 * @param {Object} options
 * @param {import('./config.js').Config} options.config
 * @param {import('./storage.js').StorageLike} options.storage
 * @param {import('./scope.js').Scope} options.scope
 * @param {string} options.prefix
 * @param {(error: Error) => void} options.fail
 * @param {(name: string) => Promise<any>} options.load the chunk loader, for authoring mode
 * @param {(guide: any) => void} options.preview plays a guide that is not published
 */
export function startDelivery({ config, storage, scope, prefix, fail, load, preview }) {
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
    preview(guide);
  });
  return {
    /** @param {QueueItem} item */
    add(item) {
      if (previewing.has(item.event.guide_id)) return;
      queue.add(item);
      const dropped = queue.takeDropped();
      if (dropped) fail(new Error(dropped + ' events dropped: queue full'));
      transport.schedule();
    },
  };
}
