// @ts-check
/** The `modal` chunk: loaded when a modal guide is about to show. */

import { define } from '../define.js';
import { modal } from '../render/modal.js';

define('modal', { renderers: { modal } });
