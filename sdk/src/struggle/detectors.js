// @ts-check
/**
 * The registry of struggle detectors: one per `properties.signal` of `struggle_detected`
 * (analytics StruggleSignal on the server; a test checks both sides list the same signals).
 * Each detector starts its listeners in `watch.scope` and reports through `watch.report`.
 */

import { deadClicks } from './dead_click.js';
import { errorClicks } from './error_click.js';
import { abandonedForms } from './form_abandoned.js';
import { guideRestarts } from './guide_restart.js';
import { rageClicks } from './rage_click.js';
import { stepStalls } from './step_stall.js';
import { uTurns } from './u_turn.js';

/** @type {Record<string, (watch: import('./watch.js').Watch, api_host: string) => void>} */
export const DETECTORS = {
  rage_click: rageClicks,
  dead_click: deadClicks,
  error_click: errorClicks,
  form_abandoned: abandonedForms,
  u_turn: uTurns,
  step_stall: stepStalls,
  guide_restart: guideRestarts,
};
