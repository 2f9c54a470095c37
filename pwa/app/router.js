// Which screen a path shows. The server answers every page path with index.html, and the service worker does
// the same offline, so the page picks the screen from location.pathname (History API). Each screen's code is
// its own chunk, loaded when first shown (the service worker precaches them all, so offline too); leaving a
// screen ends its ScreenContext, which stops whatever it was listening to.
import { onLanguageChange, t } from '../lib/i18n.js';
import { isSignedIn } from '../lib/session.js';
import { ScreenContext, render } from './screen.js';

/**
 * @typedef {object} Route
 * @property {RegExp} [path]
 * @property {() => Promise<{default: (ctx: ScreenContext) => () => unknown, title: string | null}>} load
 * @property {boolean} [signedInOnly]
 * @property {boolean} [signedOutOnly]
 */

const UUID = '([0-9a-f-]{36})';
/** @type {Route} */
const SIGNIN = { load: () => import('./screens/signin.js') };
/** @type {Route} */
const NOT_FOUND = { load: () => import('./screens/not-found.js') };
/** @type {Route[]} */
const ROUTES = [
  { path: /^\/join\/([^/]+)\/?$/, load: () => import('./screens/join.js') },
  { path: /^\/signin\/?$/, ...SIGNIN, signedOutOnly: true },
  { path: /^\/reset(?:\/([^/]+))?\/?$/, load: () => import('./screens/reset.js') },
  { path: /^\/(?:index\.html)?$/, load: () => import('./screens/home.js'), signedInOnly: true },
  { path: new RegExp(`^/log(?:/${UUID})?/?$`), load: () => import('./screens/log.js'), signedInOnly: true },
  { path: /^\/contacts\/?$/, load: () => import('./screens/contacts.js'), signedInOnly: true },
  { path: /^\/people\/?$/, load: () => import('./screens/people.js'), signedInOnly: true },
  { path: new RegExp(`^/people/${UUID}/?$`), load: () => import('./screens/person.js'), signedInOnly: true },
  { path: /^\/privacy\/?$/, load: () => import('./screens/privacy.js'), signedInOnly: true },
];

/** Paths that belong to the server, never to the page. */
const SERVER_PATHS = /^\/(?:api|vendor)\//;

/** Draw screens into outlet; app (toasts, sync, navigate, session callbacks) is handed to every screen. */
export function createRouter(outlet, app) {
  let current = null; // {route, shown, ctx, module}
  let showing = 0; // only the latest navigation draws: a screen's chunk may arrive after the next click
  const rendered = new Set();

  const updateTitle = () => {
    const key = current?.module.title;
    document.title = key ? `${t(key)} · Kin` : 'Kin';
  };

  /** The route for the current path, and what it shows for who is (not) signed in. */
  function resolve() {
    const route = ROUTES.find((candidate) => candidate.path.test(location.pathname));
    if (!route) return { route: NOT_FOUND, shown: NOT_FOUND, params: [] };
    if (route.signedOutOnly && isSignedIn()) return null;
    const shown = route.signedInOnly && !isSignedIn() ? SIGNIN : route;
    const params = location.pathname.match(route.path).slice(1).map((part) => part && decode(part));
    return { route, shown, params };
  }

  async function show({ focus = true } = {}) {
    const resolved = resolve();
    if (!resolved) return navigate('/', { replace: true, focus });
    const mine = ++showing;
    const module = await resolved.shown.load();
    if (mine !== showing) return undefined;
    current?.ctx.leave();
    /** @type {() => unknown} */
    let view = () => '';
    const ctx = new ScreenContext({ params: resolved.params, query: new URLSearchParams(location.search), app,
      draw: () => render(view(), outlet) });
    current = { ...resolved, ctx, module };
    view = module.default(ctx);
    ctx.update();
    updateTitle();
    for (const fn of rendered) fn();
    // move focus to the new heading so a screen reader announces the screen; not on first load
    if (focus) outlet.querySelector('h1')?.focus();
    return undefined;
  }

  function navigate(path, { replace = false, focus = true } = {}) {
    history[replace ? 'replaceState' : 'pushState'](null, '', path);
    return show({ focus });
  }

  /** After signing in or out elsewhere: leave a screen that no longer fits; keep one that does (and its input). */
  function recheck() {
    if (!current) return undefined;
    const resolved = resolve();
    if (!resolved || resolved.shown !== current.shown) return show();
    return undefined;
  }

  addEventListener('popstate', () => show());
  document.addEventListener('click', (event) => {
    const link = /** @type {HTMLAnchorElement | null} */ (
      event.target instanceof Element ? event.target.closest('a[href]') : null);
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (link.origin !== location.origin || link.target || link.hasAttribute('download')) return;
    if (SERVER_PATHS.test(link.pathname)) return;
    event.preventDefault();
    navigate(link.pathname + link.search);
  });
  onLanguageChange(() => {
    updateTitle();
    current?.ctx.update();
  });

  /**
   * Fetch every screen's code once the first is drawn, so moving between screens works with no connection even
   * before the service worker has cached the app (a volunteer who signs in and walks out of signal at once).
   */
  function preload() {
    for (const route of [...ROUTES, NOT_FOUND]) route.load().catch(() => {});
  }

  /** Run fn after each screen is drawn. */
  const onRender = (fn) => rendered.add(fn);

  return { navigate, render: show, recheck, onRender, preload };
}

/** A malformed %-escape in a pasted link should still show the (invalid) invite, not crash the router. */
function decode(part) {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
