// The service worker: serve the precached app shell, offline too. It never touches /api/: the API is never cached.
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

// self as what it is here: TypeScript's webworker lib types it as any worker's scope
const sw = /** @type {ServiceWorkerGlobalScope} */ (/** @type {unknown} */ (self));

precacheAndRoute(self.__WB_MANIFEST); // this very text, which the build replaces (pwa/sw/workbox.d.ts)
cleanupOutdatedCaches();

// deep links such as /join/ABC and /signin are routed by the page, so every navigation gets the shell; the
// organizer console is a page of its own that the server answers (and refuses to volunteers), never cached here
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), {
  denylist: [/^\/api\//, /^\/vendor\//, /^\/console(?:\/|$)/],
}));

sw.addEventListener('install', () => {
  // the very first worker has no page to disrupt; later ones wait until the page says so
  if (!sw.registration.active) sw.skipWaiting();
});

sw.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') sw.skipWaiting();
});

// so the first load is controlled (and works offline) without a second visit
sw.addEventListener('activate', (event) => event.waitUntil(sw.clients.claim()));
