// @ts-check
/** The `anchor` chunk: finding, following and pointing at a step's element. */

import { define } from '../define.js';
import { autoUpdate, placeCard } from '../position.js';
import { revealTarget, viewportRect, waitForTarget } from '../target.js';

define('anchor', { autoUpdate, placeCard, revealTarget, viewportRect, waitForTarget });
