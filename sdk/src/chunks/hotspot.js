// @ts-check
/** The `hotspot` chunk: loaded when a hotspot guide is about to show. */

import { define } from '../define.js';
import { hotspot } from '../render/hotspot.js';

define('hotspot', { renderers: { hotspot } });
