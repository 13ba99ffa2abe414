// @ts-check
/** The `struggle` chunk: struggle detectors, loaded once the page is idle (struggle/index.js). */

import { define } from '../define.js';
import { startStruggle } from '../struggle/index.js';

define('struggle', { startStruggle });
