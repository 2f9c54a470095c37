// /console and /console/campaigns: the campaigns the person runs. /console goes straight to the one chosen last on
// this device, or the only one; /console/campaigns always lists them, to switch.
import { t } from '../../lib/i18n.js';
import { html } from '../../ui/screen.js';
import { campaignsRun, startPath } from '../campaigns.js';

export const title = 'console.campaigns.title';

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function campaignsScreen(ctx) {
  const path = startPath();
  if (path && !location.pathname.startsWith('/console/campaigns')) ctx.navigate(path, { replace: true, focus: false });
  return () => html`<section class="screen" id="campaigns">
    <h1 tabindex="-1">${t('console.campaigns.title')}</h1>
    <p class="lead">${t('console.campaigns.intro')}</p>
    <ul class="campaigns">${campaignsRun().map(({ campaign, role }) => html`<li class="campaign">
      <h2><a class="link" href=${`/console/${campaign.id}/dashboard`}>${campaign.name}</a></h2>
      <p>${t('home.role', { role: t(`role.${role}`) })}</p>
    </li>`)}</ul>
  </section>`;
}
