// The console itself, for an organizer or owner (main.js checked): the navigation, sign-out, toasts and the screens.
// Desktop first: the navigation is a column on the left from 900 px, a row under the header on a phone.
import { logout } from '../lib/api.js';
import { onLanguageChange, t } from '../lib/i18n.js';
import { onSessionEnd } from '../lib/session.js';
import { createRouter } from '../ui/router.js';
import { html, nothing, render } from '../ui/screen.js';
import { Toasts } from '../ui/toasts.js';
import { campaignRun, campaignsRun, rememberCampaign } from './campaigns.js';
import { icon } from './icons.js';
import { ROUTING } from './routes.js';

/** The campaign screens, in the order the navigation lists them: [path part, catalog key, icon]. */
/** @type {[string, string, 'dashboard' | 'review' | 'volunteers' | 'turfs' | 'voterFile' | 'exports' | 'settings' |
 *   'activity'][]} */
const SCREENS = [['dashboard', 'console.nav.dashboard', 'dashboard'], ['review', 'console.nav.review', 'review'],
  ['volunteers', 'console.nav.volunteers', 'volunteers'], ['turfs', 'console.nav.turfs', 'turfs'],
  ['voter-file', 'console.nav.voterFile', 'voterFile'],
  ['exports', 'console.nav.exports', 'exports'], ['settings', 'console.nav.settings', 'settings'],
  ['activity', 'console.nav.activity', 'activity']];

export async function startConsole() {
  const outlet = document.getElementById('main');
  const nav = document.getElementById('console-nav');
  const signOutButton = /** @type {HTMLButtonElement} */ (document.getElementById('signout'));
  const toasts = new Toasts(document.getElementById('toasts'));
  const reload = () => location.assign(location.pathname); // main.js starts again: sign-in, or the console
  const router = createRouter(outlet, {
    toasts,
    navigate: (path, options) => router.navigate(path, options),
    onSignedIn: reload,
    onSignedOut: reload,
  }, ROUTING);

  /** The navigation for the campaign on screen (or the one chosen last); the current screen marked. */
  function drawShell() {
    const id = location.pathname.match(/^\/console\/(\d+)/)?.[1];
    const run = id ? campaignRun(id) : null;
    if (run) rememberCampaign(run.campaign.id);
    const at = location.pathname.replace(/\/$/, '');
    const here = (path) => at.startsWith(path) || (path === '/console/campaigns' && at === '/console'); // the picker
    const link = (path, key, name) => html`<a href=${path} aria-current=${here(path) ? 'page' : nothing}>${
      icon(name)}<span>${t(key)}</span></a>`;
    nav.hidden = false;
    nav.setAttribute('aria-label', t('console.nav.label'));
    render(html`
      ${run ? html`<p class="nav-campaign" id="nav-campaign">${run.campaign.name}</p>` : nothing}
      ${run ? SCREENS.map(([part, key, name]) => link(`/console/${run.campaign.id}/${part}`, key, name)) : nothing}
      ${campaignsRun().length > 1 || !run ? link('/console/campaigns', 'console.nav.campaigns', 'campaigns') : nothing}
      <a href="/" class="nav-app">${icon('app')}<span>${t('console.nav.app')}</span></a>`, nav);
    signOutButton.hidden = false;
    signOutButton.textContent = t('console.signout');
  }

  signOutButton.addEventListener('click', async () => {
    try {
      await logout();
    } catch {
      toasts.show('console.signout.failed', { duration: 6000 });
      return;
    }
    reload();
  });
  onSessionEnd((reason) => {
    if (reason === 'expired') reload();
  });
  router.onRender(drawShell);
  onLanguageChange(drawShell);
  render(nothing, outlet); // what main.js drew there goes: the router draws from now on
  await router.render({ focus: false });
  performance.mark('kin:console-first-screen'); // for the benchmark: the console's code before its first screen
  const whenIdle = (fn) => ('requestIdleCallback' in window ? requestIdleCallback(fn, { timeout: 2000 })
    : setTimeout(fn, 200));
  whenIdle(() => router.preload());
}
