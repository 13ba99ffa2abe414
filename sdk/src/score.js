// @ts-check
/**
 * How well an element fits a step's target description. Pure: it compares the clues of the
 * description with the facts read off one candidate element (target.js reads them), so it
 * is unit-tested in Node against tests/fixtures/target_scores.json, the same cases as
 * `guides/targeting.py`'s `target_score`.
 *
 * Each clue given has a weight; a candidate scores the weights of the clues it matches,
 * divided by the weights of all clues given. The best candidate at or above `THRESHOLD`
 * wins, so a button whose id was renamed is still found by its test id, text and role.
 */

/** @typedef {import('./rules.js').TargetDescription} TargetDescription */
/**
 * What target.js reads off a candidate element.
 * @typedef {Object} Facts
 * @property {boolean} selector whether it matches the description's selector
 * @property {string} [test_id]
 * @property {string} [id]
 * @property {string} [name]
 * @property {string} [role]
 * @property {string} [label]
 * @property {string} [text]
 * @property {string} [path] tag names from the body down to it, `main > form > button`
 */

export const WEIGHTS = Object.freeze({ selector: 3, test_id: 4, id: 3, name: 2, role: 1, label: 2, text: 2, path: 1 });
export const THRESHOLD = 0.5;

/** @param {unknown} value */
const norm = (value) => String(value || '').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * @param {TargetDescription} description
 * @param {Facts} facts
 * @returns {number} from 0 to 1
 */
export function targetScore(description, facts) {
  let total = 0;
  let got = 0;
  for (const clue of /** @type {(keyof typeof WEIGHTS)[]} */ (Object.keys(WEIGHTS))) {
    const wanted = description[clue];
    if (wanted === undefined || wanted === null || wanted === '') continue;
    const weight = WEIGHTS[clue];
    total += weight;
    if (clue === 'selector') {
      if (facts.selector) got += weight;
      continue;
    }
    const want = norm(String(wanted));
    const have = norm(facts[clue]);
    if (!have) continue;
    if (have === want || (clue === 'path' && have.endsWith(' > ' + want))) got += weight;
    // Text and labels change a little ("New report" → "New report (beta)"): half credit.
    else if ((clue === 'text' || clue === 'label') && have.includes(want) && have.length <= 2 * want.length) got += weight / 2;
  }
  return total ? got / total : 0;
}
