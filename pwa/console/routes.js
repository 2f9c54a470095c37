// The console's screens by path (pwa/ui/router.js draws them). The server answers every path under /console with
// the console's page (server/console.py). A campaign's screens carry its id: /console/<id>/volunteers.

const CAMPAIGN = '/console/(\\d+)';

/** @type {import('../ui/router.js').Routes} */
export const ROUTING = {
  routes: [
    { path: /^\/console\/?$/, load: () => import('./screens/campaigns.js'), signedInOnly: true },
    { path: /^\/console\/campaigns\/?$/, load: () => import('./screens/campaigns.js'), signedInOnly: true },
    { path: new RegExp(`^${CAMPAIGN}/dashboard/?$`), load: () => import('./screens/dashboard.js'), signedInOnly: true },
    { path: new RegExp(`^${CAMPAIGN}/review/?$`), load: () => import('./screens/review.js'), signedInOnly: true },
    { path: new RegExp(`^${CAMPAIGN}/volunteers/?$`), load: () => import('./screens/volunteers.js'),
      signedInOnly: true },
    { path: new RegExp(`^${CAMPAIGN}/volunteers/(\\d+)/?$`), load: () => import('./screens/volunteer.js'),
      signedInOnly: true },
    { path: new RegExp(`^${CAMPAIGN}/turfs/?$`), load: () => import('./screens/turfs.js'), signedInOnly: true },
    { path: new RegExp(`^${CAMPAIGN}/turfs/map/?$`), load: () => import('./screens/turf-map.js'), signedInOnly: true },
    { path: new RegExp(`^${CAMPAIGN}/turfs/(\\d+)/print/?$`), load: () => import('./screens/turf-print.js'),
      signedInOnly: true },
    { path: new RegExp(`^${CAMPAIGN}/voter-file/?$`), load: () => import('./screens/voter-file.js'),
      signedInOnly: true },
    { path: new RegExp(`^${CAMPAIGN}/exports/?$`), load: () => import('./screens/exports.js'), signedInOnly: true },
    { path: new RegExp(`^${CAMPAIGN}/settings/?$`), load: () => import('./screens/settings.js'), signedInOnly: true },
    { path: new RegExp(`^${CAMPAIGN}/activity/?$`), load: () => import('./screens/activity.js'), signedInOnly: true },
  ],
  signIn: { load: () => import('../app/screens/signin.js') },
  notFound: { load: () => import('./screens/not-found.js') },
  home: '/console',
  owns: (path) => /^\/console(?:\/|$)/.test(path),
};
