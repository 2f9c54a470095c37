// Kin in the page: language first (so nothing flashes in the wrong one), then the session, the screens and the
// service worker.
import { ApiError, refresh, updateMe } from '../lib/api.js';
import { initialLanguage, language, onLanguageChange, savedLanguage, setLanguage, text } from '../lib/i18n.js';
import { isSignedIn, onProfile, onSessionEnd } from '../lib/session.js';
import { hasUnsavedInput } from './forms.js';
import { createRouter } from './router.js';
import { startServiceWorker } from './sw-bridge.js';
import { Toasts } from './toasts.js';

const select = document.getElementById('language');
const toasts = new Toasts(document.getElementById('toasts'));

const router = createRouter(document.getElementById('main'), {
  toasts,
  onSignedIn: () => router.navigate('/'),
  onJoined: (_session, chosen) => {
    setLanguage(chosen); // picked on the join form: an existing account learns it from syncAccountLanguage
    router.navigate('/');
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

/** Ask for an access token. Offline, start signed out and try again when the connection returns. */
async function resumeSession() {
  try {
    await refresh();
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    toasts.show(error.offline ? 'error.offline' : 'error.server', { duration: 6000 });
    if (error.offline) addEventListener('online', () => resumeSession().then(router.recheck), { once: true });
  }
}

setLanguage(initialLanguage(), { save: false });
select.value = language();
text(document.getElementById('language-label'), 'language.label');
onLanguageChange((lang) => {
  select.value = lang;
});
select.addEventListener('change', chooseLanguage);
onProfile(syncAccountLanguage);
onSessionEnd((reason, wasSignedIn) => {
  if (reason === 'expired' && wasSignedIn) toasts.show('error.signedOut', { duration: 6000 });
  router.recheck();
});

await resumeSession();
router.render({ focus: false });
startServiceWorker({ toasts, hasUnsavedInput });
