// /privacy: in plain words, what stays on the phone, what is sent and what the campaign sees; and the two
// choices a volunteer always has: delete their contacts from this phone, and leave a campaign.
import { ApiError, getMe, leaveCampaign } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { getProfile } from '../../lib/session.js';
import { activeCampaigns } from '../people.js';
import { html } from '../../ui/screen.js';
import { confirmDialog } from '../../ui/dialog.js';
import { askAndDeleteContacts } from '../ui/forget-contacts.js';

export const title = 'privacy.title';

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function privacyScreen(ctx) {
  const { toasts } = ctx;

  async function leave(campaign) {
    if (!(await confirmDialog({ title: 'privacy.leave.title', body: 'privacy.leave.body',
      values: { campaign: campaign.name }, confirm: 'privacy.leave' }))) return;
    try {
      await leaveCampaign(campaign.id);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      toasts.show(error.status === 409 ? 'server.text' : 'privacy.leave.failed',
        { values: { message: error.serverMessage }, duration: 6000 });
      return;
    }
    await getMe().catch(() => {}); // the profile (and what this phone syncs) drops the campaign
    toasts.show('privacy.left', { values: { campaign: campaign.name }, duration: 6000 });
    ctx.update();
  }

  return () => html`<section class="screen" id="privacy">
    <h1 id="privacy-title" tabindex="-1">${t('privacy.title')}</h1>
    <h2>${t('privacy.phone')}</h2>
    <p>${t('privacy.phone.body')}</p>
    <p id="privacy-iphone">${t('privacy.phone.iphone')}</p>
    <h2>${t('privacy.sent')}</h2>
    <ul>${[1, 2, 3, 4, 5].map((n) => html`<li>${t(`privacy.sent.items.${n}`)}</li>`)}</ul>
    <h2>${t('privacy.campaign')}</h2>
    <p>${t('privacy.campaign.body')}</p>
    <p>${t('privacy.limit')}</p>
    <h2>${t('privacy.actions')}</h2>
    <button type="button" id="privacy-delete-contacts" class="button danger"
      @click=${() => askAndDeleteContacts(getProfile().user.id, toasts)}>${t('privacy.deleteContacts')}</button>
    ${activeCampaigns(getProfile()).map((campaign) => html`<button type="button" class="button secondary leave"
      data-campaign=${campaign.id} @click=${() => leave(campaign)}>${t('privacy.leave', { campaign: campaign.name })}</button>`)}
  </section>`;
}
