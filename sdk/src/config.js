// @ts-check
/**
 * The one configuration object. Every key has a working default and can be set on the
 * script tag as a `data-` attribute in kebab case (`data-target-timeout-ms="3000"`,
 * `data-debug`), so a host never needs inline script to configure the SDK.
 */

/**
 * @typedef {Object} Config
 * @property {string} app_key Public key of the app (`data-app-key`, required).
 * @property {string} api_host Origin of the Signpost server; defaults to the origin of the script's `src`.
 * @property {boolean} debug Log failures with `console.warn` as well as emitting `signpost:error`.
 * @property {number} target_timeout_ms How long to wait for a step's late target before its `missing_target` policy applies.
 * @property {number} flush_interval_ms How long queued events wait to be batched before they are sent.
 * @property {number} batch_size Events per request; reaching it sends at once.
 * @property {number} beacon_max_bytes Largest body sent with `sendBeacon` at `pagehide` (browsers allow 64 KB in flight).
 * @property {number} queue_max_events Bound of the persistent event queue.
 * @property {number} queue_max_bytes Bound of the persistent event queue, in characters of JSON.
 * @property {number} queue_adopt_after_ms A queue of another page untouched this long is taken over (its tab was closed).
 * @property {number} retry_base_ms First retry delay; doubles on every failure, with jitter.
 * @property {number} retry_max_ms Longest retry delay, and the cap on an honoured `Retry-After`.
 * @property {number} answer_timeout_ms How long an events request may wait for its answer before it is given up and retried.
 * @property {number} session_attempts How many times the session request is tried before guides are given up for this page.
 * @property {string} label_next
 * @property {string} label_back
 * @property {string} label_done
 * @property {string} label_got_it
 * @property {string} label_close
 * @property {string} label_progress Step counter; `{index}` and `{count}` are replaced.
 * @property {string} label_submit A survey's last button.
 * @property {string} label_required Shown when a required survey question is submitted unanswered.
 * @property {string} label_done_count A checklist's progress; `{done}` and `{count}` are replaced.
 * @property {string} label_open_tip A hotspot's beacon, when the step names none.
 * @property {string} label_search The resource center's search field.
 * @property {string} label_guides The resource center's heading of guides.
 * @property {string} label_articles The resource center's heading of articles.
 * @property {string} label_none The resource center's empty search.
 * @property {string} label_more The resource center's link to a full article.
 * @property {string} nonce The CSP nonce for the chunks the SDK loads; defaults to its own tag's.
 */

/**
 * The labels (`label_*`) are not here: every session answer brings them in the user's
 * language (guides/labels.py); a `data-label-*` attribute pins one on this page.
 * @type {Readonly<Omit<Config, `label_${string}`>>}
 */
export const defaults = Object.freeze({
  app_key: '',
  api_host: '',
  debug: false,
  target_timeout_ms: 5000,
  flush_interval_ms: 1000,
  batch_size: 20,
  beacon_max_bytes: 48000,
  queue_max_events: 1000,
  queue_max_bytes: 1000000,
  queue_adopt_after_ms: 120000,
  retry_base_ms: 1000,
  retry_max_ms: 60000,
  answer_timeout_ms: 30000,
  session_attempts: 3,
  nonce: '',
});

/**
 * Defaults overridden by the script tag's `data-` attributes, each coerced to the type of
 * its default, and labels pinned by `data-label-*`. Unknown attributes and unparsable
 * numbers are ignored.
 * @param {HTMLScriptElement | null} script
 * @returns {Config}
 */
export function readConfig(script) {
  /** @type {Record<string, unknown>} */
  const config = { ...defaults };
  const data = script ? script.dataset : {};
  for (const name in data) {
    // `data-target-timeout-ms` is `targetTimeoutMs` in the dataset, `target_timeout_ms` here.
    const key = name.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
    const raw = /** @type {string} */ (data[name]);
    const fallback = config[key];
    if (typeof fallback === 'boolean') config[key] = raw !== 'false';
    else if (typeof fallback === 'number') {
      const value = Number(raw);
      if (raw !== '' && Number.isFinite(value)) config[key] = value;
    } else if (typeof fallback === 'string' || key.startsWith('label_')) config[key] = raw;
  }
  if (!config.api_host && script && script.src) config.api_host = new URL(script.src).origin;
  if (!config.nonce && script) config.nonce = script.nonce || '';
  return /** @type {Config} */ (config);
}
