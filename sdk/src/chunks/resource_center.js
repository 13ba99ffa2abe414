// @ts-check
/** The `resource_center` chunk: loaded when a resource center is about to show. */

import { define } from '../define.js';
import { host } from '../render/checklist.js';
import { resource_center } from '../render/resource_center.js';

define('resource_center', { renderers: { resource_center }, host });
