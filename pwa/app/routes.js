// The volunteer app's screens by path (pwa/ui/router.js draws them). The server answers each of these paths with
// index.html, and the service worker does the same offline.

const UUID = '([0-9a-f-]{36})';

/** @type {import('../ui/router.js').Routes} */
export const ROUTING = {
  routes: [
    { path: /^\/join\/([^/]+)\/?$/, load: () => import('./screens/join.js') },
    { path: /^\/signin\/?$/, load: () => import('./screens/signin.js'), signedOutOnly: true },
    { path: /^\/reset(?:\/([^/]+))?\/?$/, load: () => import('./screens/reset.js') },
    { path: /^\/(?:index\.html)?$/, load: () => import('./screens/home.js'), signedInOnly: true },
    { path: new RegExp(`^/log(?:/${UUID})?/?$`), load: () => import('./screens/log.js'), signedInOnly: true },
    { path: /^\/contacts\/?$/, load: () => import('./screens/contacts.js'), signedInOnly: true },
    { path: /^\/people\/?$/, load: () => import('./screens/people.js'), signedInOnly: true },
    { path: new RegExp(`^/people/${UUID}/?$`), load: () => import('./screens/person.js'), signedInOnly: true },
    { path: /^\/privacy\/?$/, load: () => import('./screens/privacy.js'), signedInOnly: true },
    { path: /^\/doors\/?$/, load: () => import('./screens/doors.js'), signedInOnly: true },
    { path: /^\/doors\/(\d+)\/(\d+)\/?$/, load: () => import('./screens/walk.js'), signedInOnly: true },
    { path: new RegExp(`^/doors/(\\d+)/(\\d+)/${UUID}/?$`), load: () => import('./screens/door.js'), signedInOnly: true },
    { path: /^\/doors\/(\d+)\/(\d+)\/print\/?$/, load: () => import('./screens/print.js'), signedInOnly: true },
    { path: /^\/doors\/(\d+)\/(\d+)\/paper\/?$/, load: () => import('./screens/paper.js'), signedInOnly: true },
    { path: /^\/take\/(\d+)\/([^/]+)\/?$/, load: () => import('./screens/take.js'), signedInOnly: true },
  ],
  signIn: { load: () => import('./screens/signin.js') },
  notFound: { load: () => import('./screens/not-found.js') },
  home: '/',
  // the API, Swagger UI's files and the organizer console (a page of its own) belong to the server
  owns: (path) => !/^\/(?:api|vendor|console)(?:\/|$)/.test(path),
};
