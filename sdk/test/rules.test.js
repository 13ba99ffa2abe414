import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chooseGuide, isDue, pageMatches, pagePath } from '../src/rules.js';

const fixture = JSON.parse(readFileSync(new URL('../../tests/fixtures/page_rules.json', import.meta.url), 'utf8'));

for (const { rule, url, matches } of fixture.cases) {
  test(`${rule.match} ${JSON.stringify(rule.value)} ${matches ? 'matches' : 'does not match'} ${url}`, () => {
    assert.equal(pageMatches({ include: [rule], exclude: [] }, url), matches);
  });
}

test('the page path drops the query and a non-router hash, keeps a #/ route', () => {
  assert.equal(pagePath('https://a.test/app/?x=1#section'), '/app');
  assert.equal(pagePath('https://a.test/app#/billing'), '/app#/billing');
  assert.equal(pagePath('https://a.test'), '/');
});

test('no include rule shows everywhere; an exclude rule wins over an include rule', () => {
  assert.equal(pageMatches({ include: [], exclude: [] }, 'https://a.test/x'), true);
  const pages = { include: [{ match: 'prefix', value: '/app' }], exclude: [{ match: 'exact', value: '/app/admin' }] };
  assert.equal(pageMatches(pages, 'https://a.test/app/reports'), true);
  assert.equal(pageMatches(pages, 'https://a.test/app/admin'), false);
});

test('an invalid regex matches nothing instead of throwing', () => {
  assert.equal(pageMatches({ include: [{ match: 'regex', value: '(' }] }, 'https://a.test/'), false);
});

test('frequency once: not after seen, except to resume a walkthrough in progress', () => {
  assert.equal(isDue('once', {}), true);
  assert.equal(isDue('once', { seen: true, current_step: 0 }), false);
  assert.equal(isDue('once', { seen: true, current_step: 2 }), true);
  assert.equal(isDue('once', { seen: true, current_step: 2, dismissed: true }), false);
});

test('frequency until_completed: until completed or dismissed', () => {
  assert.equal(isDue('until_completed', { seen: true }), true);
  assert.equal(isDue('until_completed', { completed: true }), false);
  assert.equal(isDue('until_completed', { dismissed: true }), false);
});

test('frequency every_session: always (the caller limits it to once per page load)', () => {
  assert.equal(isDue('every_session', { seen: true, completed: true, dismissed: true }), true);
});

const guide = (id, priority, extra = {}) => ({
  id, slug: 'g' + id, version: 1, kind: 'tooltip', name: 'G', priority,
  pages: { include: [], exclude: [] }, trigger: { type: 'page_load' }, frequency: 'once', steps: [], ...extra,
});

test('the highest priority due guide is chosen; ties keep the server order', () => {
  const guides = [guide(1, 5), guide(2, 9), guide(3, 9), guide(4, 20, { trigger: { type: 'manual' } })];
  assert.equal(chooseGuide(guides, () => ({}), 'https://a.test/', new Set())?.id, 2);
});

test('guides finished in this page load, seen once-guides and other pages are skipped', () => {
  const guides = [
    guide(1, 9),
    guide(2, 8),
    guide(3, 7, { pages: { include: [{ match: 'exact', value: '/other' }] } }),
    guide(4, 1),
  ];
  const states = { 2: { seen: true } };
  const chosen = chooseGuide(guides, (g) => states[g.id] || {}, 'https://a.test/', new Set([1]));
  assert.equal(chosen?.id, 4);
  assert.equal(chooseGuide(guides, () => ({ seen: true }), 'https://a.test/', new Set()), null);
});

const frequencies = JSON.parse(readFileSync(new URL('../../tests/fixtures/frequency.json', import.meta.url), 'utf8'));

for (const { frequency, state, due } of frequencies.cases) {
  test(`frequency ${frequency} with ${JSON.stringify(state)} is ${due ? '' : 'not '}due (shared fixture)`, () => {
    assert.equal(isDue(frequency, state), due);
  });
}
