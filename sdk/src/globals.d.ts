/** Defined by sdk/build.mjs: a hash of this build's chunks (see loader.js). */
declare const SIGNPOST_BUILD: string;

/** A stylesheet imported as text (sdk/build.mjs minifies it). */
declare module '*.css' {
  const css: string;
  export default css;
}
