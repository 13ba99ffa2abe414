// @ts-check
/**
 * Struggle triggers: guides whose `trigger.type` is `struggle` start the moment the SDK
 * sees the signal they wait for, decided here in the page with no request to the server.
 * A guide matches a signal when the signal is its `trigger.signal`, the page matches its
 * page rules, the signal's element is inside an element matching `trigger.selector` (when
 * given), a stall is on `trigger.guide`'s step `trigger.step_index` (when given), it is due
 * by its frequency, and its cooldown (`trigger.cooldown_seconds`, default 300) has passed
 * since it last started this way in this browser. The highest priority wins. A guide on
 * screen is not interrupted, except the one the user is stalling on.
 *
 * The chunks the matching guides need are loaded when this starts, so a triggered guide
 * is drawn from cache.
 */

import { chunkFor } from '../render/index.js';
import { isDue, pageMatches } from '../rules.js';
import { readJson, writeJson } from '../storage.js';

export const DEFAULT_COOLDOWN_SECONDS = 300;

/**
 * @typedef {import('./watch.js').Signal} Signal
 * @typedef {{type: string, signal?: string, selector?: string, guide?: string, step_index?: number, cooldown_seconds?: number}} StruggleTrigger
 */

/**
 * The pure part: does `guide`'s trigger answer this signal (on `element`, if any)?
 * @param {any} guide
 * @param {Signal} signal
 * @param {Element | null | undefined} element
 * @param {(id: number) => any} guideById
 */
export function answers(guide, signal, element, guideById) {
  /** @type {StruggleTrigger} */
  const trigger = guide.trigger || {};
  if (trigger.type !== 'struggle' || trigger.signal !== signal.signal) return false;
  if (trigger.selector) {
    try {
      if (!element || !element.closest(trigger.selector)) return false;
    } catch (_) {
      return false;
    }
  }
  if (trigger.guide) {
    const on = signal.guide_id == null ? null : guideById(signal.guide_id);
    if (!on || (on.slug !== trigger.guide && String(on.id) !== trigger.guide)) return false;
    if (trigger.step_index != null && trigger.step_index !== signal.step_index) return false;
  }
  return true;
}

/**
 * @param {Object} options
 * @param {any} options.core the SDK core: `state` (session, player, `get`), `start`
 * @param {(name: string) => Promise<any>} options.load
 * @param {import('../storage.js').StorageLike} options.storage
 * @param {string} options.key where cooldowns are kept, per app
 * @returns {(signal: Signal, element: Element | null | undefined) => void}
 */
export function createTriggers({ core, load, storage, key }) {
  const state = core.state;
  const guides = () => /** @type {any[]} */ ((state.session && state.session.guides) || []);
  const byId = (/** @type {number} */ id) => guides().find((guide) => guide.id === id);
  const waiting = guides().filter((guide) => guide.trigger && guide.trigger.type === 'struggle');
  for (const guide of waiting) {
    const chunk = chunkFor(guide.kind);
    load('ui').catch(() => {});
    if (chunk) load(chunk).catch(() => {});
    if (guide.steps.some((/** @type {any} */ step) => step.target)) load('anchor').catch(() => {});
  }
  return (signal, element) => {
    const player = state.player;
    const stalledOn = signal.signal === 'step_stall' && player && player.guide.id === signal.guide_id;
    if (player && !stalledOn) return;
    const cooldowns = readJson(storage, key) || {};
    const now = Date.now();
    let best = null;
    for (const guide of guides()) {
      if (!answers(guide, signal, element, byId) || (player && player.guide.id === guide.id)) continue;
      const seconds = guide.trigger.cooldown_seconds == null ? DEFAULT_COOLDOWN_SECONDS : guide.trigger.cooldown_seconds;
      if (now - (Number(cooldowns[guide.id]) || 0) < seconds * 1000) continue;
      if (!pageMatches(guide.pages, location.href) || !isDue(guide.frequency, state.get(guide))) continue;
      if (!best || guide.priority > best.priority) best = guide;
    }
    if (!best) return;
    cooldowns[best.id] = now;
    writeJson(storage, key, cooldowns);
    core.start(best);
  };
}
