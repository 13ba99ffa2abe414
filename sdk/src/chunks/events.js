// @ts-check
/**
 * The `events` chunk, loaded once the first guide is on screen (or none is coming): the bounded persistent
 * queue, batching, retries and beacons (and the way into authoring mode), and watching
 * single-page-app route changes.
 */

import { define } from '../define.js';
import { startDelivery } from '../delivery.js';
import { watchRoutes } from '../router.js';

define('events', { startDelivery, watchRoutes });
