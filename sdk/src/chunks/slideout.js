// @ts-check
/** The `slideout` chunk: loaded when a slideout guide is about to show. */

import { define } from '../define.js';
import { slideout } from '../render/slideout.js';

define('slideout', { renderers: { slideout } });
