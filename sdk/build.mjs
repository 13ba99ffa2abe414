// The one definition of the SDK build, used by scripts/build-sdk, bench/sdk_size.mjs and
// tests/test_sdk.py, so their options cannot drift apart. Usage: node sdk/build.mjs [outdir]
//
// Builds the core (`signpost.js`, what the snippet loads), its ES-module twin (`signpost.mjs`,
// src/module.js, for apps that bundle their own code) and one chunk per file in
// src/chunks/ (`ui.js` with the player, tooltip and walkthrough; one per other guide kind),
// each an IIFE bundled by esbuild and minified again by terser, with the SDK's internal
// properties (INTERNAL_PROPERTIES) renamed by one table shared by every file. The core
// loads chunks with a script element when a guide needs them, pinned by a hash of all
// chunks (`SIGNPOST_BUILD`). Prints raw, gzip (-9) and
// brotli sizes of each file and of every path to a first guide on screen.

import { copyFileSync, readFileSync, readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';
import { minify } from 'terser';

const here = dirname(fileURLToPath(import.meta.url));

/** The issue's budget for the code on the path to a first guide on screen (gzip -9). */
export const GZIP_BUDGET_BYTES = 12 * 1024;
/**
 * The files on the way to a first guide on screen, by what that guide is: the core, then the
 * chunks the session answer carries for it (server/sdk_chunks.py): `ui`, `anchor` when a step
 * points at an element, the kind's own chunk, and `find` when a target has no selector.
 * `events` loads once the first guide is on screen and is on no path. Every path must fit
 * GZIP_BUDGET_BYTES. A path's chunks are measured as they travel, one JSON object in the
 * session answer; `separate` is the sum of the files alone, what a page whose CSP refuses
 * inline chunks loads instead (one request each).
 */
export const FIRST_GUIDE_PATHS = {
  tooltip: ['ui', 'anchor'],
  walkthrough: ['ui', 'anchor'],
  modal: ['ui', 'modal'],
  banner: ['ui', 'banner'],
  slideout: ['ui', 'slideout'],
  checklist: ['ui', 'checklist'],
  survey: ['ui', 'survey'],
  resource_center: ['ui', 'resource_center'],
  hotspot: ['ui', 'anchor', 'hotspot'],
  'survey on an element': ['ui', 'anchor', 'survey'],
  'tooltip found by its clues': ['ui', 'anchor', 'find'],
};

/** `import css from './x.css'`: the stylesheet minified, as a string (for replaceSync). */
const cssAsText = {
  name: 'css-as-text',
  setup(builder) {
    builder.onLoad({ filter: /\.css$/ }, async (args) => {
      const { code } = await transform(readFileSync(args.path, 'utf8'), { loader: 'css', minify: true });
      return { contents: code.trim(), loader: 'text' };
    });
  },
};

export const options = {
  plugins: [cssAsText],
  bundle: true,
  format: 'iife',
  // Constructable stylesheets, which the SDK needs, came after ES2020 in every engine.
  target: 'es2020',
  platform: 'browser',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'warning',
};

/**
 * Property names that never cross the SDK's boundary, so terser may shorten them: not in the
 * public API (types/*.d.ts, docs/sdk.md), not in server JSON or localStorage, not in events a
 * page can see, not a DOM or CSS name, never read through a string (`obj[name]`, `'name' in`).
 * They are renamed the same way in the core and every chunk (one name table for the whole
 * build, `propertyNames`), since chunks call into core objects and the core into chunks'
 * exports. tests/test_sdk.py guards the list; when in doubt, leave a name out: a wrongly
 * shortened name breaks guides in the browser, and only there.
 */
export const INTERNAL_PROPERTIES = [
  // Scope (scope.js): every part of the SDK starts and undoes through it.
  'defer',
  'disposed',
  'dispose',
  'listen',
  'child',
  'cleanups',
  'controller',
  'interval',
  // The instance state's guide on screen (state.js, signpost.js, render/checklist.js).
  'player',
  // The player's options (player.js) and a renderer's view (render/kit.js).
  'stage',
  'finish',
  'onKey',
  'arrows',
  'place',
  'act',
  'record',
  // A card's spec (render/popover.js) and the kit a kind's renderer gets (render/kit.js).
  'close_label',
  'extra',
  'make',
  'stepButtons',
  'stepProgress',
  'popoverView',
  // The instance state's storage key of this browser's progress (the key itself stays).
  'progressKey',
  // What the `ui` and `anchor` chunks hand to the core (src/chunks/*.js).
  'playGuide',
  'createStage',
  'canStyle',
  'renderers',
  'placeCard',
  'viewportRect',
  'revealTarget',
  'waitForTarget',
  'autoUpdate',
  'bestCandidate',
  // A guide on screen (state.js `Player`) and the instance state's guides done this page load.
  'stop',
  'finished',
  // What the core hands to its chunks: the core itself (`core`, its `evaluate`), the config
  // and storage in options bags, and what the `events` chunk gets and gives (delivery.js).
  'core',
  'evaluate',
  'config',
  'storage',
  'early',
  'ticks',
  'tickOff',
  'startDelivery',
  'watchRoutes',
  // The kit's card and a card's arrow (render/kit.js, render/popover.js, position.js).
  'card',
  'arrow',
  // The stage's own steps (stage.js, player.js).
  'mount',
  'raise',
];

/** Names a shortened property must never take: JS words and what every object has. */
const NEVER = new Set(['do', 'if', 'in', 'of', 'as', 'is', 'id', 'on', 'to', 'by', 'at', 'x', 'y', 'top', 'then', 'length', 'name']);

/**
 * The one name table of the build: each internal property's short name, the shortest names
 * first, none of them a word that occurs anywhere in the bundled code (so a short name can
 * never meet a property of the same name on any object the SDK touches).
 * @param {string[]} texts every entry point bundled, identifiers unminified
 * @returns {Record<string, string>}
 */
export function propertyNames(texts) {
  const words = new Set(texts.flatMap((text) => text.match(/[A-Za-z_$][\w$]*/g) || []));
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const candidates = [...letters, ...[...letters].flatMap((first) => [...(letters + '0123456789')].map((next) => first + next))];
  const free = candidates.filter((name) => !words.has(name) && !NEVER.has(name));
  /** @type {Record<string, string>} */
  const table = {};
  INTERNAL_PROPERTIES.forEach((property, index) => (table[property] = free[index]));
  return table;
}

/**
 * The second minification pass, after esbuild's: terser finds more to fold and inline
 * (two compress passes), gives the IIFE's top-level names the shortest letters and renames
 * the internal properties by the build's one table. Only safe transforms (no `unsafe*`), so
 * the code behaves exactly as esbuild's output.
 * @param {boolean} module true for the ES-module build, whose export names must stay
 * @param {Record<string, string>} names the build's property name table
 * @param {boolean} chunk true for a chunk, which travels as a string in the session answer's
 * JSON (server/sdk_chunks.py): its strings take single quotes, which JSON carries as they
 * are, where each double quote would cost a backslash
 * @returns {import('terser').MinifyOptions}
 */
function terserOptions(module, names, chunk) {
  const props = Object.fromEntries(Object.entries(names).map(([name, short]) => ['$' + name, short]));
  return {
    ecma: 2020,
    module,
    toplevel: true,
    compress: { passes: 2 },
    mangle: {
      properties: {
        regex: new RegExp('^(?:' + INTERNAL_PROPERTIES.join('|') + ')$'),
        // Only the table's names, each to its short name in every file alike.
        only_cache: true,
        // The list is ours to vet, DOM-sounding names included (Scope's `defer`, `dispose`).
        builtins: true,
        cache: { props },
      },
    },
    format: { comments: false, quote_style: chunk ? 1 : 0 },
  };
}

/**
 * Bundle one entry point with esbuild (in memory).
 * @param {import('esbuild').BuildOptions} entry the entry's own options (entryPoints, define, format)
 * @param {boolean} [readable] identifiers unminified, to list the words the code uses
 */
async function bundled(entry, readable = false) {
  const result = await build({ ...options, ...entry, write: false, ...(readable ? { minifyIdentifiers: false } : {}) });
  return result.outputFiles[0].text;
}

/**
 * Bundle one entry point with esbuild, minify it again with terser and write it.
 * @param {import('esbuild').BuildOptions} entry
 * @param {string} outfile
 * @param {Record<string, string>} names the build's property name table
 * @param {boolean} [chunk] a chunk, not the core
 */
async function bundle(entry, outfile, names, chunk = false) {
  const { code } = await minify(await bundled(entry), terserOptions(entry.format === 'esm', names, chunk));
  if (code === undefined) throw new Error('terser returned no code for ' + outfile);
  writeFileSync(outfile, code + '\n');
}

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
  const entries = {
    ...Object.fromEntries(chunks.map((name) => [name, { entryPoints: [join(here, 'src', 'chunks', name + '.js')] }])),
    signpost: { entryPoints: [join(here, 'src', 'index.js')] },
    module: { format: /** @type {const} */ ('esm'), entryPoints: [join(here, 'src', 'module.js')] },
  };
  const names = propertyNames(await Promise.all(Object.values(entries).map((entry) => bundled(entry, true))));
  const hash = createHash('sha256');
  for (const name of chunks) {
    const outfile = join(outdir, name + '.js');
    await bundle(entries[name], outfile, names, true);
    hash.update(readFileSync(outfile));
  }
  const version = hash.digest('hex').slice(0, 12);
  const define = { SIGNPOST_BUILD: JSON.stringify(version) };
  await bundle({ ...entries.signpost, define }, join(outdir, 'signpost.js'), names);
  // The ES-module build for apps that bundle their own code (src/module.js): the same core,
  // configured by `init()`, loading the same chunks of the same build.
  await bundle({ ...entries.module, define }, join(outdir, 'signpost.mjs'), names);
  copyFileSync(join(here, 'types', 'signpost.d.ts'), join(outdir, 'signpost.d.ts'));
  copyFileSync(join(here, 'types', 'signpost.module.d.ts'), join(outdir, 'signpost.d.mts'));
  /** @type {Record<string, ReturnType<typeof sizes>>} */
  const files = {};
  for (const name of ['signpost', ...chunks]) files[name] = sizes(readFileSync(join(outdir, name + '.js')));
  /** @type {Record<string, {files: string[], limit: number, raw: number, gzip: number, brotli: number, separate: number}>} */
  const paths = {};
  for (const [name, parts] of Object.entries(FIRST_GUIDE_PATHS)) {
    /** @type {Record<string, string>} */
    const carried = {};
    for (const part of parts) carried[part] = readFileSync(join(outdir, part + '.js'), 'utf8');
    const answer = sizes(Buffer.from(JSON.stringify(carried)));
    const core = files.signpost;
    paths[name] = {
      files: ['signpost', ...parts].map((part) => part + '.js'),
      limit: GZIP_BUDGET_BYTES,
      raw: core.raw + answer.raw,
      gzip: core.gzip + answer.gzip,
      brotli: core.brotli + answer.brotli,
      separate: parts.reduce((sum, part) => sum + files[part].gzip, core.gzip),
    };
  }
  return { version, files, paths, properties: names };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const json = process.argv.includes('--json');
  const outdir = process.argv.slice(2).find((arg) => !arg.startsWith('--')) || join(here, 'dist');
  const result = await buildAll(outdir);
  const over = Object.entries(result.paths).filter(([, size]) => size.gzip > size.limit);
  if (json) console.log(JSON.stringify(result));
  else {
    const row = (label, size) => `  ${label.padEnd(28)} ${String(size.raw).padStart(6)} B raw ${String(size.gzip).padStart(6)} B gzip -9 ${String(size.brotli).padStart(6)} B brotli`;
    console.log(outdir);
    for (const [name, size] of Object.entries(result.files)) console.log(row(name + '.js', size));
    console.log(`first guide on screen, core + the chunks in the session answer (budget ${GZIP_BUDGET_BYTES} B gzip):`);
    for (const [name, size] of Object.entries(result.paths)) console.log(row(name, size) + `  ${size.gzip <= GZIP_BUDGET_BYTES ? 'within' : 'OVER'}  ${size.files.join(' + ')} (files alone: ${size.separate} B)`);
  }
  if (over.length) {
    console.error('over budget: ' + over.map(([name]) => name).join(', '));
    process.exitCode = 1;
  }
}
