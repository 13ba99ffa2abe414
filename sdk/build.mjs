// The one definition of the SDK build, used by scripts/build-sdk and tests/test_sdk.py, so
// their options cannot drift apart. Usage: node sdk/build.mjs [output-path]
// Prints raw, gzip (-9) and brotli sizes of the bundle.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** Fails the size test beyond this many gzipped bytes; docs/sdk.md says why. */
export const GZIP_BUDGET_BYTES = 11 * 1024;

export const options = {
  entryPoints: [join(here, 'src', 'index.js')],
  bundle: true,
  format: 'iife',
  target: 'es2019',
  platform: 'browser',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'warning',
};

/** @param {Buffer} bytes */
export function sizes(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** @param {string} outfile */
export async function buildBundle(outfile) {
  await build({ ...options, outfile });
  return sizes(readFileSync(outfile));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outfile = process.argv[2] || join(here, 'dist', 'signpost.js');
  const size = await buildBundle(outfile);
  const kb = (n) => (n / 1024).toFixed(2) + ' KB';
  console.log(`${outfile}\n  raw     ${size.raw} B (${kb(size.raw)})\n  gzip -9 ${size.gzip} B (${kb(size.gzip)}), budget ${kb(GZIP_BUDGET_BYTES)}\n  brotli  ${size.brotli} B (${kb(size.brotli)})`);
  if (size.gzip > GZIP_BUDGET_BYTES) {
    console.error('over the gzip budget');
    process.exitCode = 1;
  }
}
