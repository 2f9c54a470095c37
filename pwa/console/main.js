// The console's page, first step: the words, then who is signed in (GET /api/me). Only an organizer or owner gets
// the console itself (shell.js and its screens, chunks loaded from here); someone signed out gets the sign-in form
// (the volunteer app's own screen), a volunteer a page that says the console is for organizers. The server has
// already refused a volunteer whose refresh cookie it could read (server/console.py); this covers the rest.
import { ApiError, getMe, refresh, updateMe } from '../lib/api.js';
import { addMessages, initialLanguage, language, onLanguageChange, savedLanguage, setLanguage, t }
  from '../lib/i18n.js';
import consoleEn from '../lib/messages/console-en.js';
import { getProfile, isSignedIn } from '../lib/session.js';
import { ScreenContext, html, render } from '../ui/screen.js';
import { runsACampaign } from './campaigns.js';

addMessages(consoleEn, { es: async () => (await import('../lib/messages/console-es.js')).default });

const outlet = document.getElementById('main');
outlet.replaceChildren(); // the "Loading…" of index.html; drawn here from now on
const select = /** @type {HTMLSelectElement} */ (document.getElementById('language'));
/** What is drawn while the console itself is not: the sign-in form, the refusal, a problem. */
let view = () => html`<p class="loading">${t('app.loading')}</p>`;
let started = false;

function drawHeader() {
  document.getElementById('language-label').textContent = t('language.label');
  document.getElementById('brand-part').textContent = t('console.brand');
  select.value = language();
}

function draw() {
  drawHeader();
  if (!started) render(view(), outlet);
}

/** The language picked on this device wins; else the account's. */
function followAccount(me) {
  const saved = savedLanguage();
  if (!saved) return setLanguage(me.user.language, { save: false });
  if (saved !== me.user.language) updateMe({ language: saved }).catch(() => {});
  return undefined;
}

async function start() {
  try {
    if (await refresh()) await followAccount(await getMe());
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    view = () => problem(error);
    return draw();
  }
  if (!isSignedIn()) return signIn();
  if (!runsACampaign(getProfile())) {
    view = refused;
    document.title = `${t('console.refused.title')} · Kin`;
    return draw();
  }
  started = true;
  const { startConsole } = await import('./shell.js');
  return startConsole();
}

/** The volunteer app's sign-in screen, here; signed in, start again. */
async function signIn() {
  const module = await import('../app/screens/signin.js');
  /** @type {() => unknown} */
  let screen = () => '';
  const ctx = new ScreenContext({ params: [], query: new URLSearchParams(), draw,
    app: { onSignedIn: () => {
      ctx.leave();
      start();
    } } });
  screen = module.default(ctx);
  view = () => html`${screen()}<p class="note">${t('console.signin.note')}</p>`;
  document.title = `${t(module.title)} · Kin`;
  draw();
}

function refused() {
  return html`<section class="screen" id="console-refused">
    <h1 tabindex="-1">${t('console.refused.heading')}</h1>
    <p class="lead">${t('console.refused.body')}</p>
    <p><a class="button" href="/">${t('console.refused.app')}</a></p>
  </section>`;
}

function problem(error) {
  return html`<section class="screen" id="console-problem">
    <h1 tabindex="-1">${t('console.brand')}</h1>
    <p class="notice-error" role="alert">${t(error.offline ? 'error.offline' : 'error.server')}</p>
    <p><button type="button" class="button" @click=${() => location.reload()}>${t('console.retry')}</button></p>
  </section>`;
}

onLanguageChange(draw);
select.addEventListener('change', () => {
  setLanguage(select.value);
  if (isSignedIn()) updateMe({ language: select.value }).catch(() => {});
});
await setLanguage(initialLanguage(), { save: false });
draw();
await start();
