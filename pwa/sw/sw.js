// The service worker: serve the precached app shell, offline too. It never touches /api/: the API is never cached.
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

// deep links such as /join/ABC and /signin are routed by the page, so every navigation gets the shell
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), {
  denylist: [/^\/api\//, /^\/vendor\//],
}));

self.addEventListener('install', () => {
  // the very first worker has no page to disrupt; later ones wait until the page says so
  if (!self.registration.active) self.skipWaiting();
});

self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') self.skipWaiting();
});

// so the first load is controlled (and works offline) without a second visit
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
