// @ts-check
/** The `find` chunk: scoring candidates when a target's selector alone does not settle it. */

import { define } from '../define.js';
import { bestCandidate } from '../find.js';

define('find', { bestCandidate });
