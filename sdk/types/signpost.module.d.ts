// TypeScript declarations of the ES-module build, `sdk/dist/signpost.mjs` (docs/sdk.md,
// "ES module"). Copied to sdk/dist/signpost.d.mts by sdk/build.mjs, beside signpost.d.ts.
import type { SignpostApi } from './signpost';

export type { GuideEventDetail, Handler, SignpostApi, SignpostEventName, SignpostEvents, StruggleDetail, SurveyAnsweredDetail, Trait } from './signpost';

export interface SignpostOptions {
  /** The app's public key (`pk_...`), from the install page. */
  app_key: string;
  /** The Signpost server's origin, e.g. `https://signpost.example.com`. */
  api_host: string;
  debug?: boolean;
  target_timeout_ms?: number;
  flush_interval_ms?: number;
  batch_size?: number;
  beacon_max_bytes?: number;
  queue_max_events?: number;
  queue_max_bytes?: number;
  queue_adopt_after_ms?: number;
  retry_base_ms?: number;
  retry_max_ms?: number;
  session_attempts?: number;
  /** The nonce of your page's Content-Security-Policy, for the chunks the SDK loads. */
  nonce?: string;
  /** Pins one of the SDK's own words on this page (`label_next`, `label_close`, ...). */
  [label: `label_${string}`]: string | undefined;
}

/** Start the SDK (once); calls made before it wait for it. */
export function init(options: SignpostOptions): SignpostApi;
export const identify: SignpostApi['identify'];
export const track: SignpostApi['track'];
export const show: SignpostApi['show'];
export const hide: SignpostApi['hide'];
export const page: SignpostApi['page'];
export const setLocale: SignpostApi['setLocale'];
export const reset: SignpostApi['reset'];
export const destroy: SignpostApi['destroy'];
export const on: SignpostApi['on'];
export const off: SignpostApi['off'];
