// Kin in the page: language first (so nothing flashes in the wrong one), then the session (offline too), the
// screens, the sync loop and the service worker.
import { ApiError, refresh, updateMe } from '../lib/api.js';
import { deleteMeta, getMeta, requestPersistence, setMeta } from '../lib/db.js';
import { initialLanguage, language, onLanguageChange, preloadLanguages, savedLanguage, setLanguage, t }
  from '../lib/i18n.js';
import { csrfToken, getProfile, isSignedIn, onProfile, onSessionEnd, restoreProfile, resumeOffline } from '../lib/session.js';
import { createSync } from '../lib/sync.js';
import { createRouter } from '../ui/router.js';
import { html, nothing, render } from '../ui/screen.js';
import { hasUnsavedInput } from '../ui/forms.js';
import { Toasts } from '../ui/toasts.js';
import { activeCampaigns } from './people.js';
import { ROUTING } from './routes.js';
import { icon } from './ui/icons.js';
import { startServiceWorker } from './ui/sw-bridge.js';

const select = /** @type {HTMLSelectElement} */ (document.getElementById('language'));
const toasts = new Toasts(document.getElementById('toasts'));

const sync = createSync({
  session() {
    const profile = getProfile();
    return isSignedIn() && profile
      ? { userId: profile.user.id, campaignIds: activeCampaigns(profile).map((campaign) => campaign.id) } : null;
  },
});

/** Keep who is signed in on this phone, so the app opens signed in with no connection (IndexedDB, not a token). */
function saveProfile() {
  const profile = getProfile();
  if (profile) setMeta('profile', { user: profile.user, memberships: profile.memberships }).catch(() => {});
}

function signedIn() {
  saveProfile();
  sync.start(); // stopped by signing out
  // a take link opened signed out: take the turf once signed in, rather than forget the link
  router.navigate(location.pathname.startsWith('/take/') ? location.pathname : '/');
}

const outlet = document.getElementById('main');
outlet.replaceChildren(); // the "Loading…" of index.html; screens draw here from now on
const router = createRouter(outlet, {
  toasts,
  sync,
  navigate: (path, options) => router.navigate(path, options),
  onSignedIn: signedIn,
  onJoined: (_session, chosen) => {
    setLanguage(chosen); // picked on the join form: an existing account learns it from syncAccountLanguage
    signedIn();
  },
  onSignedOut: () => router.navigate('/signin'),
}, ROUTING);

/** The language picked on this device wins; the account learns it, so it can follow to other devices. */
function syncAccountLanguage({ user }) {
  const saved = savedLanguage();
  if (!saved) setLanguage(user.language, { save: false });
  else if (saved !== user.language) updateMe({ language: saved }).catch(() => {}); // next sign-in tries again
}

function chooseLanguage() {
  setLanguage(select.value);
  if (isSignedIn()) updateMe({ language: select.value }).catch(() => {});
}

/** What this phone remembers of who signed in here; null if nothing (or IndexedDB is unavailable). */
async function savedProfile() {
  try {
    return (await getMeta('profile')) ?? null;
  } catch {
    return null;
  }
}

/**
 * Ask for an access token. Offline, carry on as the person last signed in here, with their data on this phone,
 * and try again when the connection returns.
 */
async function resumeSession() {
  const saved = await savedProfile();
  try {
    if (await refresh() && saved) restoreProfile(saved);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.offline && saved && csrfToken()) resumeOffline(saved);
    else toasts.show(error.offline ? 'error.offline' : 'error.server', { duration: 6000 });
    if (error.offline) {
      addEventListener('online', () => resumeSession().then(() => {
        router.recheck();
        sync.request();
      }), { once: true });
    }
  }
}

/** The tab bar: shown when signed in, the current screen's tab marked for screen readers. */
const nav = document.getElementById('nav');
/** @type {[string, string, 'home' | 'people' | 'doors' | 'contacts' | 'privacy'][]} */
const TABS = [['/', 'nav.home', 'home'], ['/people', 'nav.people', 'people'], ['/doors', 'nav.doors', 'doors'],
  ['/contacts', 'nav.contacts', 'contacts'], ['/privacy', 'nav.privacy', 'privacy']];
function drawShell() {
  const here = (path) => (path === '/' ? location.pathname === '/' : location.pathname.startsWith(path)
    || (path === '/doors' && location.pathname.startsWith('/take/')));
  nav.hidden = !isSignedIn();
  nav.setAttribute('aria-label', t('nav.label'));
  render(html`${TABS.map(([path, key, name]) => html`<a href=${path} aria-current=${here(path) ? 'page' : nothing}>${
    icon(name)}<span>${t(key)}</span></a>`)}`, nav);
  document.getElementById('language-label').textContent = t('language.label');
  select.value = language();
}
nav.replaceChildren();
router.onRender(drawShell);
onLanguageChange(drawShell);

await setLanguage(initialLanguage(), { save: false });
drawShell();
select.addEventListener('change', chooseLanguage);
// a form someone typed in is "dirty": an update of the app waits rather than reload under them
document.addEventListener('input', (event) => {
  const form = /** @type {HTMLInputElement} */ (event.target).form;
  form?.setAttribute('data-dirty', 'true');
});
onProfile(syncAccountLanguage);
onProfile(saveProfile);
onSessionEnd((reason, wasSignedIn) => {
  if (reason === 'expired' && wasSignedIn) toasts.show('error.signedOut', { duration: 6000 });
  deleteMeta('profile').catch(() => {}); // the session is over: never open signed in offline again
  sync.refreshStatus();
  router.recheck();
});

await resumeSession();
await router.render({ focus: false });
performance.mark('kin:first-screen'); // for bench/pwa.py: what the first screen needed was requested before this
// the rest of the app's code once the first screen is up and the page is idle: then moving between screens and
// languages works with no connection, even before the service worker has cached the app
const whenIdle = (fn) => ('requestIdleCallback' in window ? requestIdleCallback(fn, { timeout: 2000 }) : setTimeout(fn, 200));
whenIdle(() => {
  router.preload();
  preloadLanguages();
});
requestPersistence(); // ask once the person uses the app: their unsent work must not be evicted
sync.start();
startServiceWorker({ toasts, hasUnsavedInput }).catch(() => {}); // no code for it yet (offline): next visit
