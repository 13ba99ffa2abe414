// @ts-check
/**
 * The `events` chunk, loaded at boot beside the session request: the bounded persistent
 * queue, batching, retries and beacons (and the way into authoring mode), and watching
 * single-page-app route changes.
 */

import { define } from '../define.js';
import { startDelivery } from '../delivery.js';
import { watchRoutes } from '../router.js';

define('events', { startDelivery, watchRoutes });
