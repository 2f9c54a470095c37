// esbuild's text loader hands an imported .svg over as its source text (pwa/build.mjs)
declare module '*.svg' {
  const source: string;
  export default source;
}
