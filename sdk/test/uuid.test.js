import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uuid7 } from '../src/uuid.js';

const FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('a UUIDv7 has the version 7 and RFC variant bits', () => {
  for (let i = 0; i < 100; i++) assert.match(uuid7(), FORMAT);
});

test('the first 48 bits are the millisecond timestamp', () => {
  const now = Date.UTC(2040, 10, 23, 10, 0, 0);
  const id = uuid7(now + 10_000_000);
  assert.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), now + 10_000_000);
});

test('ids are strictly increasing, also within one millisecond and past the counter', () => {
  const ids = Array.from({ length: 10_000 }, () => uuid7(Date.UTC(2041, 0, 1)));
  for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1] < ids[i], `${ids[i - 1]} < ${ids[i]}`);
  assert.equal(new Set(ids).size, ids.length);
});

test('a clock that goes backwards does not break the order', () => {
  const later = uuid7(Date.UTC(2042, 0, 1));
  assert.ok(uuid7(Date.UTC(2020, 0, 1)) > later);
});
