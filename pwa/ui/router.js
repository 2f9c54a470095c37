// Which screen a path shows, for either app (the volunteer app and the organizer console). The server answers each
// app's paths with its own page, and the page picks the screen from location.pathname (History API). Each screen's
// code is its own chunk, loaded when first shown; leaving a screen ends its ScreenContext, which stops whatever it
// was listening to. A link to a path the router does not own (the other app, the API) is left to the browser.
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

/**
 * @typedef {object} Routes what one app routes
 * @property {Route[]} routes
 * @property {Route} signIn shown for a signedInOnly route to someone signed out
 * @property {Route} notFound shown for a path no route takes
 * @property {string} home where a signedOutOnly route sends someone signed in
 * @property {(path: string) => boolean} owns the paths this app draws; links elsewhere load another page
 */

/**
 * Draw screens into outlet; app (toasts, navigate, session callbacks...) is handed to every screen.
 * @param {HTMLElement} outlet
 * @param {object} app
 * @param {Routes} routing
 */
export function createRouter(outlet, app, { routes, signIn, notFound, home, owns }) {
  let current = null; // {route, shown, ctx, module}
  let showing = 0; // only the latest navigation draws: a screen's chunk may arrive after the next click
  const rendered = new Set();

  const updateTitle = () => {
    const key = current?.module.title;
    document.title = key ? `${t(key)} · Kin` : 'Kin';
  };

  /** The route for the current path, and what it shows for who is (not) signed in. */
  function resolve() {
    const route = routes.find((candidate) => candidate.path.test(location.pathname));
    if (!route) return { route: notFound, shown: notFound, params: [] };
    if (route.signedOutOnly && isSignedIn()) return null;
    const shown = route.signedInOnly && !isSignedIn() ? signIn : route;
    const params = location.pathname.match(route.path).slice(1).map((part) => part && decode(part));
    return { route, shown, params };
  }

  async function show({ focus = true } = {}) {
    const resolved = resolve();
    if (!resolved) return navigate(home, { replace: true, focus });
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
    if (!owns(link.pathname)) return;
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
    for (const route of [...routes, notFound]) route.load().catch(() => {});
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
