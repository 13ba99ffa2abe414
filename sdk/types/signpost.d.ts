// TypeScript declarations of `window.Signpost`, the public API of the Signpost SDK
// (docs/sdk.md, "Public API"). Copied to sdk/dist/signpost.d.ts by sdk/build.mjs.

export type Trait = string | number | boolean | null;

/** What `on()` handlers receive for guide events. */
export interface GuideEventDetail {
  guide_id: number;
  guide_slug: string;
  guide_version: number;
  step_index: number | null;
  properties: Record<string, unknown>;
}

export interface SurveyAnsweredDetail extends GuideEventDetail {
  properties: {
    question: string;
    scale: 'nps' | 'csat' | 'ces' | 'single' | 'multiple' | 'text';
    value?: number | string | string[];
    comment?: string;
  };
}

/** A struggle signal, the moment the SDK sees it (docs/sdk.md, "Struggle detection"). */
export interface StruggleDetail {
  signal: 'rage_click' | 'dead_click' | 'error_click' | 'form_abandoned' | 'u_turn' | 'step_stall' | 'guide_restart';
  count: number;
  role: string;
  text: string;
  selector: string;
  url: string;
  guide_id: number | null;
  guide_version: number | null;
  step_index: number | null;
}

export interface SignpostEvents {
  ready: { user_id: string | null; anonymous_id: string; guides: number };
  'guide-shown': GuideEventDetail;
  'step-shown': GuideEventDetail;
  'step-completed': GuideEventDetail;
  'guide-completed': GuideEventDetail;
  'guide-dismissed': GuideEventDetail;
  'target-missing': GuideEventDetail;
  'survey-answered': SurveyAnsweredDetail;
  'checklist-item-completed': GuideEventDetail;
  struggle: StruggleDetail;
  /** A name given to `track()`, or a struggle signal's name (`struggle: true`) as it is seen. */
  track: { name: string; struggle?: true };
  error: { message: string; where: string };
}

export type SignpostEventName = keyof SignpostEvents;
export type Handler<N extends SignpostEventName> = (detail: SignpostEvents[N], event: CustomEvent) => void;

export interface SignpostApi {
  /**
   * Set the signed-in user; traits are flat. Asks for a new session. `userToken` is the
   * identity token your server signed for this user (docs/security.md); call again with a
   * fresh one before it expires.
   */
  identify(userId: string | number | null, traits?: Record<string, Trait>, userToken?: string | null): void;
  /** Record a custom event; it may complete checklist items. */
  track(name: string, properties?: Record<string, Trait>): void;
  /** Show a delivered guide now, by id or slug. */
  show(guide: number | string): void;
  /** Take the guide on screen off without finishing it. */
  hide(): void;
  /** Tell the SDK the page changed, for routers it cannot see. */
  page(): void;
  /** Choose the content language (`en-GB`, `ar`); right-to-left languages are mirrored. */
  setLocale(locale: string | null): void;
  /** Forget the user (logout). */
  reset(): void;
  /** Remove everything the SDK added to the page. */
  destroy(): void;
  /** Subscribe to `signpost:<name>`; returns the unsubscribe function. */
  on<N extends SignpostEventName>(name: N, handler: Handler<N>): () => void;
  /** Unsubscribe a handler given to `on` with the same name. */
  off<N extends SignpostEventName>(name: N, handler: Handler<N>): void;
}

/** `window.Signpost`: the methods, also callable the snippet's way, `Signpost('track', 'Exported')`. */
export type SignpostGlobal = SignpostApi & {
  <M extends keyof SignpostApi>(method: M, ...args: Parameters<SignpostApi[M]>): ReturnType<SignpostApi[M]>;
  loaded?: true;
  q?: IArguments[];
};

declare global {
  interface Window {
    Signpost: SignpostGlobal;
  }
}
