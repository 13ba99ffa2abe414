import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createQueue } from '../src/queue.js';
import { backoff, isRetryable, retryAfter } from '../src/transport.js';

/** An in-memory stand-in for the browser's Storage interface. */
class FakeStorage {
  constructor() {
    this.items = new Map();
    this.full = false;
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
    if (this.full) throw new Error('QuotaExceededError');
    this.items.set(key, String(value));
  }
  removeItem(key) {
    this.items.delete(key);
  }
}

const PREFIX = 'signpost:queue:pk_1:';
let serial = 0;
const item = (type = 'step_shown', user_id = 'u1') => ({
  event: { event_id: String(++serial).padStart(8, '0'), type, timestamp: '', url: '', guide_id: 1, guide_version: 1, step_index: 0, properties: {} },
  user_id,
  anonymous_id: 'a1',
});
const make = (storage, owner, options = {}) =>
  createQueue({ storage, prefix: PREFIX, owner, max_events: 1000, max_bytes: 1e6, adopt_after_ms: 60_000, ...options });
const saved = (storage, owner) => JSON.parse(storage.getItem(PREFIX + owner)).items.map((i) => i.event.event_id);

test('an event is in storage as soon as it is queued (write-ahead)', () => {
  const storage = new FakeStorage();
  const queue = make(storage, 'page1');
  const first = item();
  queue.add(first);
  assert.deepEqual(saved(storage, 'page1'), [first.event.event_id]);
});

test('only acknowledged ids leave the queue, and an empty queue leaves no key', () => {
  const storage = new FakeStorage();
  const queue = make(storage, 'page1');
  const [a, b] = [item(), item()];
  queue.add(a);
  queue.add(b);
  queue.remove([a.event.event_id]);
  assert.deepEqual(saved(storage, 'page1'), [b.event.event_id]);
  queue.remove([b.event.event_id]);
  assert.equal(storage.getItem(PREFIX + 'page1'), null);
  assert.equal(queue.size, 0);
});

test('a batch is the oldest events of one identity, skipping those in flight', () => {
  const storage = new FakeStorage();
  const queue = make(storage, 'page1');
  const items = [item('track', 'u1'), item('track', 'u1'), item('track', 'u2'), item('track', 'u1')];
  items.forEach((i) => queue.add(i));
  const ids = (batch) => batch.map((i) => i.event.event_id);
  assert.deepEqual(ids(queue.peek(20)), ids([items[0], items[1], items[3]]));
  assert.deepEqual(ids(queue.peek(2)), ids([items[0], items[1]]));
  assert.deepEqual(ids(queue.peek(20, new Set(ids(items.slice(0, 2))))), ids([items[2]]));
});

test('a full queue evicts custom events before guide events, oldest first, and counts them', () => {
  const storage = new FakeStorage();
  const queue = make(storage, 'page1', { max_events: 3 });
  const guideEvent = item('guide_shown');
  const oldTrack = item('track');
  const newTrack = item('track');
  queue.add(guideEvent);
  queue.add(oldTrack);
  queue.add(newTrack);
  const last = item('step_shown');
  queue.add(last);
  assert.deepEqual(saved(storage, 'page1'), [guideEvent, newTrack, last].map((i) => i.event.event_id));
  assert.equal(queue.takeDropped(), 1);
  assert.equal(queue.takeDropped(), 0);
});

test('the byte bound holds too', () => {
  const storage = new FakeStorage();
  const queue = make(storage, 'page1', { max_bytes: 1000 });
  for (let i = 0; i < 20; i++) queue.add(item());
  assert.ok(storage.getItem(PREFIX + 'page1').length < 1100);
  assert.ok(queue.size < 20 && queue.size > 0);
});

test('a full storage quota keeps the queue working from memory', () => {
  const storage = new FakeStorage();
  const queue = make(storage, 'page1');
  storage.full = true;
  queue.add(item());
  queue.add(item());
  assert.equal(queue.size, 2);
  assert.equal(queue.peek(20).length, 2);
});

test('at boot a page adopts every other page queue of its app, once and without duplicates', () => {
  const storage = new FakeStorage();
  const before = make(storage, 'old-page');
  const shared = item();
  before.add(shared);
  before.add(item());
  storage.setItem('signpost:queue:pk_other:x', JSON.stringify({ saved_at: 0, items: [item()] }));
  const queue = make(storage, 'new-page');
  queue.add(shared);
  assert.equal(queue.adopt(true), 1);
  assert.equal(queue.size, 2);
  assert.equal(storage.getItem(PREFIX + 'old-page'), null);
  assert.notEqual(storage.getItem('signpost:queue:pk_other:x'), null);
  assert.equal(queue.adopt(true), 0);
});

test('later, only queues untouched for adopt_after_ms are adopted (closed tabs)', () => {
  let now = 1_000_000;
  const storage = new FakeStorage();
  const live = make(storage, 'live', { now: () => now });
  live.add(item());
  const queue = make(storage, 'me', { now: () => now });
  assert.equal(queue.adopt(false), 0);
  now += 60_001;
  assert.equal(queue.adopt(false), 1);
});

test('retried: network errors, 408, 429, 5xx; dropped: other 4xx', () => {
  for (const status of [0, 408, 429, 500, 502, 503]) assert.equal(isRetryable(status), true, String(status));
  for (const status of [400, 401, 403, 404, 413, 422]) assert.equal(isRetryable(status), false, String(status));
});

test('back-off doubles with jitter between half and all of the ceiling, capped', () => {
  assert.equal(backoff(0, 1000, 60_000, () => 0), 500);
  assert.equal(backoff(0, 1000, 60_000, () => 1), 1000);
  assert.equal(backoff(3, 1000, 60_000, () => 1), 8000);
  assert.equal(backoff(20, 1000, 60_000, () => 1), 60_000);
});

test('Retry-After in seconds is honoured up to the cap', () => {
  assert.equal(retryAfter('3', 60_000), 3000);
  assert.equal(retryAfter('3600', 60_000), 60_000);
  assert.equal(retryAfter(null, 60_000), null);
  assert.equal(retryAfter('soon', 60_000), null);
});

test('a full queue evicts repeated struggle signals before guide lifecycle events (A6)', () => {
  const storage = new FakeStorage();
  const queue = make(storage, 'page1', { max_events: 3 });
  const shown = item('guide_shown');
  queue.add(shown);
  for (let i = 0; i < 10; i++) queue.add(item('struggle_detected'));
  const completed = item('guide_completed');
  queue.add(completed);
  const kept = saved(storage, 'page1');
  assert.equal(kept.length, 3);
  assert.equal(kept[0], shown.event.event_id);
  assert.equal(kept[2], completed.event.event_id);
  assert.equal(queue.takeDropped(), 9);
});
