// @ts-check
/**
 * Sends queued events to `POST /sdk/v1/events`. Bodies are `text/plain` JSON, a "simple"
 * request with no CORS preflight. One request at a time; batches of up to `batch_size`
 * events after `flush_interval_ms`. Network errors, 408, 429 and 5xx are retried with
 * exponential back-off and jitter (or the server's `Retry-After`, capped); 413 halves the
 * batch; other 4xx drop it. Events leave the queue only on a 2xx.
 *
 * When the page is hidden the queue is flushed at once; at `pagehide` one `sendBeacon`
 * carries what fits under `beacon_max_bytes` and the events stay queued, to be sent again
 * by the next page load: a beacon's `true` only means "handed to the browser".
 */

/** @typedef {import('./config.js').Config} Config */
/** @typedef {import('./queue.js').Queue} Queue */
/** @typedef {import('./queue.js').QueueItem} QueueItem */
/** @typedef {import('./scope.js').Scope} Scope */

import { backoff, isRetryable, post } from './http.js';

export { backoff, isRetryable };

/**
 * `Retry-After` in milliseconds, capped; null when absent or not a number of seconds (the
 * form the Signpost server sends).
 * @param {string | null} header
 * @param {number} max_ms
 */
export function retryAfter(header, max_ms) {
  const seconds = header ? Number(header) : NaN;
  return seconds >= 0 ? Math.min(seconds * 1000, max_ms) : null;
}

/** @param {string} text */
const byteLength = (text) => new TextEncoder().encode(text).length;

/**
 * @typedef {Object} TransportOptions
 * @property {Config} config
 * @property {Queue} queue
 * @property {Scope} scope
 * @property {(dropped: number, reason: string) => void} onDrop
 */

/** @param {TransportOptions} options */
export function createTransport({ config, queue, scope, onDrop }) {
  const url = config.api_host + '/sdk/v1/events';
  /** @type {Set<string>} */
  const inFlight = new Set();
  let limit = config.batch_size;
  let attempt = 0;
  /** @type {(() => void) | null} */
  let cancelTimer = null;
  let waitingUntil = 0;
  let timerDue = 0;

  /** @param {QueueItem[]} batch */
  function body(batch) {
    // The first item's user_id, user_token and anonymous_id; its own event goes in `events`.
    return JSON.stringify({
      ...batch[0],
      event: undefined,
      app_key: config.app_key,
      sent_at: new Date().toISOString(),
      events: batch.map((item) => item.event),
    });
  }

  /**
   * Arrange the next send: now when a batch is full, after the flush interval otherwise,
   * never before a back-off ends.
   * @param {number} [delay]
   */
  function schedule(delay) {
    if (scope.disposed || inFlight.size || !queue.size) return;
    const wait = Math.max(
      delay ?? (queue.size >= config.batch_size ? 0 : config.flush_interval_ms),
      waitingUntil - Date.now(),
    );
    // Keep a pending send that comes sooner: re-arming on every new event (or every queue
    // check) would postpone a busy page's events for ever.
    const due = Date.now() + wait;
    if (cancelTimer) {
      if (timerDue <= due) return;
      cancelTimer();
    }
    timerDue = due;
    cancelTimer = scope.timeout(() => {
      cancelTimer = null;
      void flush();
    }, wait);
  }

  /** @param {number} delay */
  function retryLater(delay) {
    waitingUntil = Date.now() + delay;
    attempt += 1;
    // Tell other pages this queue is alive, so they do not adopt it.
    queue.touch();
    schedule(delay);
  }

  async function flush() {
    if (scope.disposed || inFlight.size) return;
    const batch = queue.peek(limit);
    if (!batch.length) return;
    const ids = batch.map((item) => item.event.event_id);
    ids.forEach((id) => inFlight.add(id));
    const text = body(batch);
    let status = 0;
    /** @type {string | null} */
    let retryHeader = null;
    try {
      // keepalive lets the request outlive the page, but browsers refuse bodies over 64 KB,
      // and Chromium counts a keepalive body against the page's 64 KB until its answer has
      // been read: unread answers stalled delivery for good after about 64 KB of batches.
      // A request that never gets an answer (a proxy that hangs) is given up and retried:
      // without this, the page would wait for it until a reload.
      const signal = AbortSignal.any ? AbortSignal.any([scope.signal, AbortSignal.timeout(config.answer_timeout_ms)]) : scope.signal;
      const response = await post(url, text, byteLength(text) < config.beacon_max_bytes, signal);
      status = response.status;
      retryHeader = response.headers.get('Retry-After');
      await response.text();
    } catch (_) {
      status = 0;
    } finally {
      ids.forEach((id) => inFlight.delete(id));
    }
    if (scope.disposed) return;
    if (status >= 200 && status < 300) {
      queue.remove(ids);
      attempt = 0;
      waitingUntil = 0;
      limit = config.batch_size;
      schedule(queue.size >= config.batch_size ? 0 : undefined);
    } else if (status === 413 && batch.length > 1) {
      limit = Math.ceil(batch.length / 2);
      schedule(0);
    } else if (isRetryable(status)) {
      const delay =
        retryAfter(retryHeader, config.retry_max_ms) ??
        backoff(attempt, config.retry_base_ms, config.retry_max_ms);
      retryLater(delay);
    } else {
      queue.remove(ids);
      onDrop(ids.length, 'http_' + status);
      schedule();
    }
  }

  /** Hand what fits in one beacon to the browser; the events stay queued until a 2xx. */
  function beacon() {
    /** @type {QueueItem[]} */
    let batch = queue.peek(config.batch_size * 25, inFlight);
    let text = batch.length ? body(batch) : '';
    while (batch.length > 1 && byteLength(text) >= config.beacon_max_bytes) {
      batch = batch.slice(0, Math.floor(batch.length / 2));
      text = body(batch);
    }
    if (!batch.length || byteLength(text) >= config.beacon_max_bytes) return;
    let sent = false;
    try {
      sent = navigator.sendBeacon(url, text);
    } catch (_) {
      sent = false;
    }
    if (!sent) post(url, text, true).catch(() => {});
  }

  scope.listen(document, 'visibilitychange', () => {
    if (document.visibilityState === 'hidden') schedule(0);
  });
  scope.listen(window, 'pagehide', beacon);
  scope.listen(window, 'online', () => {
    waitingUntil = 0;
    schedule(0);
  });
  // A page restored from the back-forward cache owns its queue again.
  scope.listen(window, 'pageshow', (event) => {
    if (event.persisted) {
      queue.touch();
      schedule(0);
    }
  });

  return { schedule, flush, beacon };
}
