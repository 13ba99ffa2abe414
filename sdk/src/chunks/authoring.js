// @ts-check
/**
 * The `authoring` chunk: the element picker and draft preview, loaded only on a page opened
 * from the admin (sdk/src/authoring/start.js). Not a guide kind.
 */

import { run } from '../authoring/index.js';
import { define } from '../define.js';

define('authoring', { run });
