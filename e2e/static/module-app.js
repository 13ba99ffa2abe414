// A host app that bundles its own code and imports the SDK's ES-module build (served here
// from the app's own origin, as its bundler would ship it).
import { init, on, track } from '/vendor/signpost.mjs';

window.shown = [];
on('guide-shown', (detail) => window.shown.push(detail.guide_slug));
track('Opened bundled page');
init({ app_key: new URLSearchParams(location.search).get('key'), api_host: document.documentElement.dataset.server });
