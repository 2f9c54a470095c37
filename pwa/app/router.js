// Which screen a path shows. The server answers /, /signin and /join/<code> with index.html, and the service
// worker does the same offline, so the page picks the screen from location.pathname (History API).
import { onLanguageChange, t } from '../lib/i18n.js';
import { isSignedIn } from '../lib/session.js';
import { contactsScreen } from './contacts.js';
import { homeScreen } from './home.js';
import { joinScreen } from './join.js';
import { logScreen } from './log.js';
import { peopleScreen } from './people-list.js';
import { personScreen } from './person.js';
import { privacyScreen } from './privacy.js';
import { signinScreen } from './signin.js';

const SIGNIN = { screen: signinScreen, title: 'signin.title' };
const ROUTES = [
  { path: /^\/join\/([^/]+)\/?$/, screen: joinScreen, title: 'join.title' },
  { path: /^\/signin\/?$/, ...SIGNIN, signedOutOnly: true },
  { path: /^\/(?:index\.html)?$/, screen: homeScreen, title: null, signedInOnly: true },
  { path: /^\/log(?:\/([0-9a-f-]{36}))?\/?$/, screen: logScreen, title: 'log.title', signedInOnly: true },
  { path: /^\/contacts\/?$/, screen: contactsScreen, title: 'contacts.title', signedInOnly: true },
  { path: /^\/people\/?$/, screen: peopleScreen, title: 'people.title', signedInOnly: true },
  { path: /^\/people\/([0-9a-f-]{36})\/?$/, screen: personScreen, title: 'person.title', signedInOnly: true },
  { path: /^\/privacy\/?$/, screen: privacyScreen, title: 'privacy.title', signedInOnly: true },
];

/** Paths that belong to the server, never to the page. */
const SERVER_PATHS = /^\/(?:api|vendor)\//;

/** Render screens into outlet; context (callbacks, toasts) is passed to every screen. */
export function createRouter(outlet, context) {
  let current = null;
  const rendered = new Set();

  const updateTitle = () => {
    document.title = current?.shown.title ? `${t(current.shown.title)} · Kin` : 'Kin';
  };

  function render({ focus = true } = {}) {
    const route = ROUTES.find((candidate) => candidate.path.test(location.pathname));
    if (!route) return navigate('/', { replace: true, focus });
    if (route.signedOutOnly && isSignedIn()) return navigate('/', { replace: true, focus });
    const shown = route.signedInOnly && !isSignedIn() ? SIGNIN : route;
    const params = location.pathname.match(route.path).slice(1).map((part) => part && decode(part));
    current = { route, shown };
    outlet.replaceChildren(shown.screen({ ...context, params }));
    updateTitle();
    for (const fn of rendered) fn();
    // move focus to the new heading so a screen reader announces the screen; not on first load
    if (focus) outlet.querySelector('h1')?.focus();
  }

  function navigate(path, { replace = false, focus = true } = {}) {
    history[replace ? 'replaceState' : 'pushState'](null, '', path);
    render({ focus });
  }

  /** After signing in or out elsewhere: leave a screen that no longer fits; keep one that does (and its input). */
  function recheck() {
    if (!current) return;
    const { route, shown } = current;
    const wanted = route.signedInOnly && !isSignedIn() ? SIGNIN : route;
    if (wanted !== shown || (route.signedOutOnly && isSignedIn())) render();
  }

  addEventListener('popstate', () => render());
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href]');
    if (!link || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (link.origin !== location.origin || link.target || link.hasAttribute('download')) return;
    if (SERVER_PATHS.test(link.pathname)) return;
    event.preventDefault();
    navigate(link.pathname + link.search);
  });
  onLanguageChange(updateTitle);

  /** Run fn after each screen is drawn. */
  const onRender = (fn) => rendered.add(fn);

  return { navigate, render, recheck, onRender };
}

/** A malformed %-escape in a pasted link should still show the (invalid) invite, not crash the router. */
function decode(part) {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
