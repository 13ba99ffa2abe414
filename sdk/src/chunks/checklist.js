// @ts-check
/** The `checklist` chunk: loaded when a checklist guide is about to show. */

import { define } from '../define.js';
import { checklist, host } from '../render/checklist.js';

define('checklist', { renderers: { checklist }, host });
