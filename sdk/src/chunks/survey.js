// @ts-check
/** The `survey` chunk: loaded when a survey guide is about to show. */

import { define } from '../define.js';
import { survey } from '../render/survey.js';

define('survey', { renderers: { survey } });
