import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { THRESHOLD, targetScore } from '../src/score.js';

const fixture = JSON.parse(readFileSync(new URL('../../tests/fixtures/target_scores.json', import.meta.url), 'utf8'));

for (const { name, description, facts, score } of fixture.cases) {
  test(`target score: ${name}`, () => {
    assert.ok(Math.abs(targetScore(description, facts) - score) < 1e-9, `${targetScore(description, facts)} != ${score}`);
  });
}

test('the threshold takes a half-matching candidate and refuses a weaker one', () => {
  assert.equal(THRESHOLD, 0.5);
});
