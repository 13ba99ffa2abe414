// Prints the SDK's sizes: raw, gzip -9 and brotli of every built file, and of every path to
// a first guide on screen, beside the tour libraries the SDK replaces (their npm builds,
// JS and CSS, measured with gzip -9 as in issue 3). Builds from the current sources into a
// temporary folder; the budget it checks is sdk/build.mjs's, enforced by tests/test_sdk.py.
// Usage: node bench/sdk_size.mjs   (after `npm ci` in sdk/)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GZIP_BUDGET_BYTES, buildAll } from '../sdk/build.mjs';

const PEERS = { 'Driver.js 1.8.0': 8.3, 'Shepherd.js 15.3.0 + floating-ui': 17.4, 'Intro.js 8.6.0': 22.1 };
const kb = (bytes) => (bytes / 1024).toFixed(1) + ' KB';

const outdir = mkdtempSync(join(tmpdir(), 'signpost-size-'));
try {
  const { files, paths } = await buildAll(outdir);
  console.log('file                          raw      gzip -9   brotli');
  for (const [name, size] of Object.entries(files)) {
    console.log(`${(name + '.js').padEnd(24)} ${String(size.raw).padStart(8)} ${String(size.gzip).padStart(9)} ${String(size.brotli).padStart(8)}`);
  }
  console.log(`\nfirst guide on screen (budget ${kb(GZIP_BUDGET_BYTES)} gzip)`);
  for (const [name, size] of Object.entries(paths)) {
    const verdict = size.gzip <= GZIP_BUDGET_BYTES ? 'within budget' : 'OVER the 12 KB budget';
    console.log(`${name.padEnd(28)} ${String(size.gzip).padStart(6)} B gzip  ${String(size.brotli).padStart(6)} B brotli  ${verdict}  (${size.files.join(' + ')}; as separate files ${size.separate} B)`);
  }
  console.log('\npeers, everything in one file (gzip -9):');
  for (const [name, size] of Object.entries(PEERS)) console.log(`${name.padEnd(34)} ${size.toFixed(1)} KB`);
  console.log('\nrequests from the script to the first step: 1 (POST /sdk/v1/session, whose answer carries the');
  console.log("path's chunks; e2e/test_first_request.py counts them). A page whose CSP refuses inline chunks");
  console.log('loads them as files instead: one request each the first time, none later (immutable cache).');
  console.log("Later pages are not sent chunks the browser keeps cached (sdk/src/cache.js): they load from the cache.");
  const over = Object.entries(paths).filter(([, size]) => size.gzip > GZIP_BUDGET_BYTES);
  if (over.length) {
    console.log('\nover the 12 KB budget: ' + over.map(([name]) => name).join(', '));
    process.exitCode = 1;
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
