import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scope } from '../src/scope.js';
import { rageTracker } from '../src/struggle/rage_click.js';
import { answers } from '../src/struggle/triggers.js';
import { createReporter, MERGE_MS } from '../src/struggle/watch.js';
import { visit, U_TURN_MS } from '../src/struggle/u_turn.js';
import { stallAfter } from '../src/struggle/step_stall.js';

test('three clicks within a second and 30 px start a rage burst', () => {
  const tracker = rageTracker();
  assert.equal(tracker.click(100, 100, 0, 'x').started, null);
  assert.equal(tracker.click(110, 105, 300, 'x').started, null);
  const { started } = tracker.click(95, 120, 600, 'x');
  assert.equal(started && started.count, 3);
});

test('clicks too far apart in space or time are no rage click', () => {
  const tracker = rageTracker();
  tracker.click(0, 0, 0, 'x');
  tracker.click(40, 0, 100, 'x');
  assert.equal(tracker.click(80, 0, 200, 'x').started, null);
  const slow = rageTracker();
  slow.click(0, 0, 0, 'x');
  slow.click(0, 0, 600, 'x');
  assert.equal(slow.click(0, 0, 1200, 'x').started, null);
});

test('1,000 clicks in 2 seconds on one element are one burst carrying the count (A8)', () => {
  const tracker = rageTracker();
  let starts = 0;
  for (let i = 0; i < 1000; i++) if (tracker.click(50, 50, i * 2, 'button').started) starts++;
  assert.equal(tracker.end(1998 + 500), null, 'still going half a second after the last click');
  const burst = tracker.end(1998 + 1001);
  assert.equal(starts, 1);
  assert.equal(burst && burst.count, 1000);
  assert.equal(tracker.end(5000), null);
});

test('a click elsewhere ends the burst and hands it back', () => {
  const tracker = rageTracker();
  for (let i = 0; i < 4; i++) tracker.click(10, 10, i * 100, 'a');
  const { ended } = tracker.click(500, 500, 450, 'b');
  assert.equal(ended && ended.count, 4);
  assert.equal(ended && ended.data, 'a');
});

test('repeats of one signal at one place are merged into one more event with their count', () => {
  const scope = new Scope();
  let now = 0;
  const recorded = [];
  const announced = [];
  const reporter = createReporter({ scope, now: () => now, record: (s) => recorded.push(s), announce: (s) => announced.push(s) });
  for (let i = 0; i < 50; i++) {
    reporter.report('dead_click', { url: 'https://app.example.com/reports?x=1', count: 2 });
    now += 100;
  }
  reporter.flush();
  scope.dispose();
  assert.equal(announced.length, 50, 'every signal is announced at once');
  assert.deepEqual(recorded.map((s) => s.count), [2, 98]);
  assert.equal(recorded[0].signal, 'dead_click');
  assert.ok(now < MERGE_MS);
});

test('a signal can be announced without being recorded, and recorded without announcing', () => {
  const scope = new Scope();
  const recorded = [];
  const announced = [];
  const reporter = createReporter({ scope, now: () => 0, record: (s) => recorded.push(s), announce: (s) => announced.push(s) });
  reporter.report('rage_click', { url: 'https://a.example/', count: 3, record: false });
  reporter.report('rage_click', { url: 'https://a.example/', count: 40, announce: false });
  scope.dispose();
  assert.deepEqual(announced.map((s) => s.count), [3]);
  assert.deepEqual(recorded.map((s) => s.count), [40]);
});

test('A, B and back to A within a few seconds is a U-turn on B', () => {
  let trail = [];
  let result = visit(trail, 'https://a.example/list', 0);
  result = visit(result.trail, 'https://a.example/item/7?tab=2', 1000);
  assert.equal(result.turned, null);
  result = visit(result.trail, 'https://a.example/list', 3000);
  assert.equal(result.turned, 'https://a.example/item/7?tab=2');
});

test('coming back after a long look, or a reload, is no U-turn', () => {
  let result = visit([], 'https://a.example/list', 0);
  result = visit(result.trail, 'https://a.example/item', 1000);
  assert.equal(visit(result.trail, 'https://a.example/list', 1000 + U_TURN_MS + 1).turned, null);
  assert.equal(visit(result.trail, 'https://a.example/item?again', 2000).turned, null);
});

const signal = (name, extra = {}) => ({ signal: name, count: 1, role: '', text: '', selector: '', url: 'https://a.example/', guide_id: null, guide_version: null, step_index: null, ...extra });

test('a struggle trigger answers its own signal only', () => {
  const guide = { id: 1, trigger: { type: 'struggle', signal: 'rage_click' } };
  assert.equal(answers(guide, signal('rage_click'), null, () => null), true);
  assert.equal(answers(guide, signal('dead_click'), null, () => null), false);
  assert.equal(answers({ id: 2, trigger: { type: 'page_load' } }, signal('rage_click'), null, () => null), false);
});

test('a trigger on an element needs the signal to be inside it', () => {
  const guide = { id: 1, trigger: { type: 'struggle', signal: 'rage_click', selector: '#export' } };
  const inside = { closest: (selector) => (selector === '#export' ? {} : null) };
  const elsewhere = { closest: () => null };
  assert.equal(answers(guide, signal('rage_click'), inside, () => null), true);
  assert.equal(answers(guide, signal('rage_click'), elsewhere, () => null), false);
  assert.equal(answers(guide, signal('rage_click'), null, () => null), false);
});

test('a stall trigger names the guide and step the user stalls on', () => {
  const tour = { id: 7, slug: 'welcome-tour' };
  const help = { id: 8, trigger: { type: 'struggle', signal: 'step_stall', guide: 'welcome-tour', step_index: 1 } };
  const byId = (id) => (id === 7 ? tour : null);
  assert.equal(answers(help, signal('step_stall', { guide_id: 7, step_index: 1 }), null, byId), true);
  assert.equal(answers(help, signal('step_stall', { guide_id: 7, step_index: 0 }), null, byId), false);
  assert.equal(answers(help, signal('step_stall', { guide_id: 9, step_index: 1 }), null, byId), false);
});

test('a step stalls after its own usual time when the server sends one, else the app setting', () => {
  const guide = { stall_ms: [12000, null, 45000] };
  assert.equal(stallAfter(guide, 0, 60000), 12000);
  assert.equal(stallAfter(guide, 1, 60000), 60000);
  assert.equal(stallAfter(guide, 2, 60000), 45000);
  assert.equal(stallAfter(guide, 3, 60000), 60000);
  assert.equal(stallAfter({}, 0, 60000), 60000);
  assert.equal(stallAfter(undefined, 0, 60000), 60000);
});
