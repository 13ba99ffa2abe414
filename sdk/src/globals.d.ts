/** Defined by sdk/build.mjs: a hash of this build's chunks (see loader.js). */
declare const SIGNPOST_BUILD: string;
