// @ts-check
/** The `banner` chunk: loaded when a banner guide is about to show. */

import { define } from '../define.js';
import { banner } from '../render/banner.js';

define('banner', { renderers: { banner } });
