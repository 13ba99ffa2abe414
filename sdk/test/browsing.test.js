import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDLE_MS, createBrowsing } from '../src/browsing.js';

/** One tab's sessionStorage, in memory. */
class TabStorage {
  constructor() {
    this.items = new Map();
  }
  get length() {
    return this.items.size;
  }
  key(i) {
    return Array.from(this.items.keys())[i] ?? null;
  }
  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }
  setItem(key, value) {
    this.items.set(key, String(value));
  }
  removeItem(key) {
    this.items.delete(key);
  }
}

const KEY = 'signpost:session:pk_1';
const T0 = Date.parse('2026-12-05T10:00:00Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** @param {number} time @param {Record<string, unknown>} [event] */
const item = (time, event = {}) => ({
  event: { event_id: 'e' + time, type: 'track', timestamp: new Date(time).toISOString(), url: '/', guide_id: null, guide_version: null, step_index: null, properties: {}, ...event },
  user_id: null,
  anonymous_id: 'anon-1',
});

test('events of one tab within 30 minutes of each other share a session', () => {
  const browsing = createBrowsing(new TabStorage(), KEY);
  const first = browsing.at(T0, 'anon-1');
  assert.match(first, UUID);
  assert.equal(browsing.at(T0 + IDLE_MS - 1, 'anon-1'), first);
  // Each event moves the end of the session on.
  assert.equal(browsing.at(T0 + 2 * IDLE_MS - 2, 'anon-1'), first);
});

test('a reload of the tab stays in its session; another tab starts its own', () => {
  const tab = new TabStorage();
  const before = createBrowsing(tab, KEY).at(T0, 'anon-1');
  assert.equal(createBrowsing(tab, KEY).at(T0 + 5000, 'anon-1'), before);
  assert.notEqual(createBrowsing(new TabStorage(), KEY).at(T0 + 5000, 'anon-1'), before);
});

test('30 minutes without an event start a new session', () => {
  const browsing = createBrowsing(new TabStorage(), KEY);
  const first = browsing.at(T0, 'anon-1');
  const next = browsing.at(T0 + IDLE_MS, 'anon-1');
  assert.notEqual(next, first);
  assert.equal(browsing.at(T0 + IDLE_MS + 1000, 'anon-1'), next);
});

test('a reset (a new anonymous id) starts a new session', () => {
  const browsing = createBrowsing(new TabStorage(), KEY);
  const first = browsing.at(T0, 'anon-1');
  assert.notEqual(browsing.at(T0 + 1000, 'anon-2'), first);
});

test('an unreadable saved session is replaced, not trusted', () => {
  const tab = new TabStorage();
  tab.setItem(KEY, '{"id": 7');
  assert.match(createBrowsing(tab, KEY).at(T0, 'anon-1'), UUID);
  tab.setItem(KEY, JSON.stringify({ id: 'x', anonymous_id: 'anon-1', last: 'soon' }));
  assert.notEqual(createBrowsing(tab, KEY).at(T0, 'anon-1'), 'x');
});

test('stamp gives an event its session by its own time, and keeps one it has', () => {
  const browsing = createBrowsing(new TabStorage(), KEY);
  const early = item(T0);
  const late = item(T0 + IDLE_MS + 1);
  const old = item(T0, { session_id: '0192f5a0-11aa-7c00-8d00-abcdef012345' });
  browsing.stamp(early);
  browsing.stamp(late);
  browsing.stamp(old);
  assert.match(String(early.event.session_id), UUID);
  assert.notEqual(late.event.session_id, early.event.session_id);
  assert.equal(old.event.session_id, '0192f5a0-11aa-7c00-8d00-abcdef012345');
});

test('stamp leaves what is not a queued event alone', () => {
  const browsing = createBrowsing(new TabStorage(), KEY);
  assert.doesNotThrow(() => [null, {}, { event: null }].forEach(browsing.stamp));
});
