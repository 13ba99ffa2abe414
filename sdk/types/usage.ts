// Compiled by `tsc -p sdk/jsconfig.json`: the declarations accept the documented calls.
import type { SignpostGlobal } from './signpost';

declare const Signpost: SignpostGlobal;

Signpost.identify('user-42', { plan: 'pro', seats: 3 });
Signpost('track', 'Exported', { format: 'csv' });
Signpost.show('welcome-tour');
Signpost.setLocale('ar');
const off = Signpost.on('survey-answered', (detail) => {
  const score: number | string | string[] | undefined = detail.properties.value;
  void score;
});
off();
const handler = (detail: { guide_slug: string }) => void detail.guide_slug;
Signpost.on('guide-completed', handler);
Signpost.off('guide-completed', handler);

// The ES-module build's declarations accept the documented calls too.
import * as SignpostModule from './signpost.module';

const sdk = SignpostModule.init({ app_key: 'pk_x', api_host: 'https://signpost.example.com', label_next: 'Onward' });
sdk.track('Exported');
SignpostModule.identify('user-42', { plan: 'pro' });
const unsubscribe = SignpostModule.on('guide-shown', (detail) => void detail.guide_id);
unsubscribe();
