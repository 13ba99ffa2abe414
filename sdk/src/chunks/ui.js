// @ts-check
/** The `ui` chunk: the player, the stage, the card, and the tooltip and walkthrough renderers. */

import { define } from '../define.js';
import { playGuide } from '../player.js';
import { tooltip } from '../render/tooltip.js';
import { walkthrough } from '../render/walkthrough.js';
import { createStage } from '../stage.js';
import { canStyle } from '../styles.js';

define('ui', { playGuide, createStage, canStyle, renderers: { tooltip, walkthrough } });
