// What the build gives the service worker: injectManifest (pwa/build.mjs) replaces the text self.__WB_MANIFEST
// with the list of the app shell's files and their revisions.
declare var __WB_MANIFEST: Array<import('workbox-precaching').PrecacheEntry | string>;
