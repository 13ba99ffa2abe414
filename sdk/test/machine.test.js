import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startIndex, transition } from '../src/machine.js';

test('next moves forward and completes on the last step', () => {
  assert.deepEqual(transition(0, 3, 'next'), { status: 'active', index: 1, direction: 1 });
  assert.deepEqual(transition(2, 3, 'next'), { status: 'completed' });
});

test('back moves backward and stays on the first step', () => {
  assert.deepEqual(transition(2, 3, 'back'), { status: 'active', index: 1, direction: -1 });
  assert.deepEqual(transition(0, 3, 'back'), { status: 'active', index: 0, direction: -1 });
});

test('done completes and dismiss dismisses from any step', () => {
  assert.deepEqual(transition(0, 3, 'done'), { status: 'completed' });
  assert.deepEqual(transition(1, 3, 'dismiss'), { status: 'dismissed' });
});

test('skip keeps the direction of travel and ends, not completes, past the last step', () => {
  assert.deepEqual(transition(1, 3, 'skip', 1), { status: 'active', index: 2, direction: 1 });
  assert.deepEqual(transition(2, 3, 'skip', -1), { status: 'active', index: 1, direction: -1 });
  assert.deepEqual(transition(2, 3, 'skip', 1), { status: 'ended' });
  assert.deepEqual(transition(0, 3, 'skip', -1), { status: 'active', index: 1, direction: 1 });
  assert.deepEqual(transition(0, 1, 'skip'), { status: 'ended' });
});

test('a saved step is clamped to the steps the guide has now', () => {
  assert.equal(startIndex(undefined, 3), 0);
  assert.equal(startIndex(2, 3), 2);
  assert.equal(startIndex(7, 3), 2);
  assert.equal(startIndex(-1, 3), 0);
});
