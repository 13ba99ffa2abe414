// The one definition of the SDK build, used by scripts/build-sdk, bench/sdk_size.mjs and
// tests/test_sdk.py, so their options cannot drift apart. Usage: node sdk/build.mjs [outdir]
//
// Builds the core (`signpost.js`, what the snippet loads) and one chunk per file in
// src/chunks/ (`ui.js` with the player, tooltip and walkthrough; one per other guide kind),
// each a minified IIFE. The core loads chunks with a script element when a guide needs
// them, pinned by a hash of all chunks (`SIGNPOST_BUILD`). Prints raw, gzip (-9) and
// brotli sizes of each file and of every path to a first guide on screen.

import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** Fails the size test when any first-guide path (core + ui + the kind's chunk) is over this. */
export const GZIP_BUDGET_BYTES = 16 * 1024;

export const options = {
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

/** Chunk names, from src/chunks/*.js. */
export const chunks = readdirSync(join(here, 'src', 'chunks'))
  .filter((name) => name.endsWith('.js'))
  .map((name) => name.slice(0, -3))
  .sort();

/** @param {Buffer} bytes */
export function sizes(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/**
 * Build every file into `outdir`; returns the size of each and of each first-guide path.
 * @param {string} outdir
 */
export async function buildAll(outdir) {
  mkdirSync(outdir, { recursive: true });
  const hash = createHash('sha256');
  for (const name of chunks) {
    const outfile = join(outdir, name + '.js');
    await build({ ...options, entryPoints: [join(here, 'src', 'chunks', name + '.js')], outfile });
    hash.update(readFileSync(outfile));
  }
  const version = hash.digest('hex').slice(0, 12);
  await build({
    ...options,
    entryPoints: [join(here, 'src', 'index.js')],
    outfile: join(outdir, 'signpost.js'),
    define: { SIGNPOST_BUILD: JSON.stringify(version) },
  });
  /** @type {Record<string, ReturnType<typeof sizes>>} */
  const files = {};
  for (const name of ['signpost', ...chunks]) files[name] = sizes(readFileSync(join(outdir, name + '.js')));
  /** @type {Record<string, {raw: number, gzip: number, brotli: number}>} */
  const paths = {};
  // `authoring` is no guide kind: only pages opened from the admin load it.
  for (const name of chunks.filter((chunk) => chunk !== 'authoring')) {
    const parts = name === 'ui' ? ['signpost', 'ui'] : ['signpost', 'ui', name];
    /** @type {{raw: number, gzip: number, brotli: number}} */
    const total = { raw: 0, gzip: 0, brotli: 0 };
    for (const part of parts) for (const key of /** @type {const} */ (['raw', 'gzip', 'brotli'])) total[key] += files[part][key];
    paths[parts.join(' + ')] = total;
  }
  return { version, files, paths };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outdir = process.argv[2] || join(here, 'dist');
  const { files, paths } = await buildAll(outdir);
  const row = (label, size) => `  ${label.padEnd(34)} ${String(size.raw).padStart(6)} B raw  ${String(size.gzip).padStart(6)} B gzip -9  ${String(size.brotli).padStart(6)} B brotli`;
  console.log(outdir);
  for (const [name, size] of Object.entries(files)) console.log(row(name + '.js', size));
  console.log(`first guide on screen (budget ${GZIP_BUDGET_BYTES} B gzip):`);
  for (const [name, size] of Object.entries(paths)) console.log(row(name, size));
  if (Object.values(paths).some((size) => size.gzip > GZIP_BUDGET_BYTES)) {
    console.error('over the gzip budget');
    process.exitCode = 1;
  }
}
