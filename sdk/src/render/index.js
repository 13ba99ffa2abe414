// @ts-check
/**
 * The registry of guide kinds: a kind's renderer turns one step into the card to draw.
 * Adding a kind is one module here (and its schema in guides/kinds.py on the server).
 */

import { tooltip } from './tooltip.js';
import { walkthrough } from './walkthrough.js';

/**
 * @typedef {Object} RenderContext
 * @property {import('../rules.js').Step} step
 * @property {number} index
 * @property {number} count
 * @property {import('../config.js').Config} config
 */
/** @typedef {(context: RenderContext) => import('./popover.js').CardSpec} Renderer */

/** @type {Readonly<Record<string, Renderer>>} */
export const renderers = Object.freeze({ tooltip, walkthrough });

/**
 * @param {string} kind
 * @returns {Renderer | null}
 */
export const rendererFor = (kind) => (Object.prototype.hasOwnProperty.call(renderers, kind) ? renderers[kind] : null);
