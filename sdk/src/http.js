// @ts-check
/**
 * The HTTP helpers the core needs for its one request before a guide shows (the session)
 * and that the event transport (the `events` chunk) shares: a preflight-free POST, which
 * statuses are worth retrying, and the back-off between tries.
 */

/**
 * @param {number} status
 */
export const isRetryable = (status) => status === 0 || status === 408 || status === 429 || status >= 500;

/**
 * Exponential back-off with "equal jitter": half fixed, half random, so retries from many
 * pages spread out but none comes back immediately.
 * @param {number} attempt 0 for the first retry
 * @param {number} base_ms
 * @param {number} max_ms
 * @param {() => number} [random]
 */
export function backoff(attempt, base_ms, max_ms, random = Math.random) {
  const ceiling = Math.min(max_ms, base_ms * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + random() * (ceiling / 2);
}

/**
 * POST a JSON body as `text/plain`: a "simple" request, so no CORS preflight. No cookies.
 * A string body is sent as `text/plain;charset=UTF-8` by the browser itself (Fetch's "extract
 * a body"), so it needs no header.
 * @param {string} url
 * @param {string} body
 * @param {boolean} keepalive
 * @param {AbortSignal} [signal]
 */
export const post = (url, body, keepalive, signal) =>
  fetch(url, {
    method: 'POST',
    body,
    keepalive,
    credentials: 'omit',
    signal,
  });

