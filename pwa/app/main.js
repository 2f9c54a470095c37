// Kin in the page: language first (so nothing flashes in the wrong one), then the session (offline too), the
// screens, the sync loop and the service worker.
import { ApiError, refresh, updateMe } from '../lib/api.js';
import { deleteMeta, getMeta, requestPersistence, setMeta } from '../lib/db.js';
import { initialLanguage, language, onLanguageChange, savedLanguage, setLanguage, t, text } from '../lib/i18n.js';
import { csrfToken, getProfile, isSignedIn, onProfile, onSessionEnd, restoreProfile, resumeOffline } from '../lib/session.js';
import { createSync } from '../lib/sync.js';
import { hasUnsavedInput } from './forms.js';
import { activeCampaigns } from './people.js';
import { createRouter } from './router.js';
import { startServiceWorker } from './sw-bridge.js';
import { Toasts } from './toasts.js';

const select = document.getElementById('language');
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
  sync.request();
  router.navigate('/');
}

const router = createRouter(document.getElementById('main'), {
  toasts,
  sync,
  navigate: (path, options) => router.navigate(path, options),
  onSignedIn: signedIn,
  onJoined: (_session, chosen) => {
    setLanguage(chosen); // picked on the join form: an existing account learns it from syncAccountLanguage
    signedIn();
  },
  onSignedOut: () => router.navigate('/signin'),
});

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

/** The tab bar: shown when signed in, its links translated, the current screen's marked for screen readers. */
const nav = document.getElementById('nav');
for (const link of nav.querySelectorAll('a[data-key]')) text(link, link.dataset.key);
nav.setAttribute('aria-label', t('nav.label'));
function markNav() {
  nav.hidden = !isSignedIn();
  for (const link of nav.querySelectorAll('a')) {
    const here = link.pathname === '/' ? location.pathname === '/' : location.pathname.startsWith(link.pathname);
    if (here) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}
router.onRender(markNav);
onLanguageChange(() => nav.setAttribute('aria-label', t('nav.label')));

setLanguage(initialLanguage(), { save: false });
select.value = language();
text(document.getElementById('language-label'), 'language.label');
onLanguageChange((lang) => {
  select.value = lang;
});
select.addEventListener('change', chooseLanguage);
onProfile(syncAccountLanguage);
onProfile(saveProfile);
onSessionEnd((reason, wasSignedIn) => {
  if (reason === 'expired' && wasSignedIn) toasts.show('error.signedOut', { duration: 6000 });
  deleteMeta('profile').catch(() => {}); // the session is over: never open signed in offline again
  sync.refreshStatus();
  router.recheck();
});

await resumeSession();
router.render({ focus: false });
requestPersistence(); // ask once the person uses the app: their unsent work must not be evicted
sync.start();
startServiceWorker({ toasts, hasUnsavedInput });
