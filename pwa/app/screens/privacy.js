// /privacy: in plain words, what stays on the phone, what is sent and what the campaign sees; what Kin keeps, for
// how long, and who sees it; and the choices a volunteer always has: delete their contacts from this phone, leave a
// campaign, download everything the server holds about them, and delete their account.
import { ApiError, deleteAccount, getMe, leaveCampaign, myData } from '../../lib/api.js';
import { forgetUser } from '../../lib/db.js';
import { formatDay, t } from '../../lib/i18n.js';
import { getProfile } from '../../lib/session.js';
import { activeCampaigns } from '../people.js';
import { html } from '../../ui/screen.js';
import { confirmDialog } from '../../ui/dialog.js';
import { Form, field, formAlert, submitButton } from '../../ui/forms.js';
import { saveFile } from '../../ui/save-file.js';
import { askAndDeleteContacts } from '../ui/forget-contacts.js';

export const title = 'privacy.title';

/** How long a campaign keeps notes, in words. */
function retention(campaign) {
  if (campaign.note_retention_days == null) return t('privacy.keeps.kept', { campaign: campaign.name });
  if (!campaign.notes_redacted_on) {
    return t('privacy.keeps.afterElection', { campaign: campaign.name, days: campaign.note_retention_days });
  }
  return t('privacy.keeps.on', { campaign: campaign.name, date: formatDay(campaign.notes_redacted_on),
    days: campaign.note_retention_days });
}

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function privacyScreen(ctx) {
  const { toasts } = ctx;
  const form = new Form(ctx, 'delete-account-form');
  let downloading = false;

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

  async function download() {
    downloading = true;
    ctx.update();
    try {
      const { blob, name } = await myData();
      saveFile(blob, name);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      toasts.show('privacy.download.failed', { duration: 6000 });
    } finally {
      downloading = false;
      ctx.update();
    }
  }

  function remove(/** @type {SubmitEvent} */ event) {
    event.preventDefault();
    if (!form.check()) return;
    const controls = /** @type {import('../../ui/forms.js').Controls} */ (form.element.elements);
    const password = /** @type {HTMLInputElement} */ (controls.namedItem('password')).value;
    const userId = getProfile().user.id;
    form.submit(async () => {
      await deleteAccount(password);
      await ctx.sync.stop(); // no run may write their records back after they are forgotten
      await forgetUser(userId); // nothing of theirs stays on this phone
      toasts.show('privacy.account.deleted', { duration: 8000 });
      ctx.onSignedOut();
    }, { 409: 'privacy.account.lastOwner' });
  }

  return () => {
    const campaigns = getProfile().memberships.map((membership) => membership.campaign);
    return html`<section class="screen" id="privacy">
    <h1 id="privacy-title" tabindex="-1">${t('privacy.title')}</h1>
    <h2>${t('privacy.phone')}</h2>
    <p>${t('privacy.phone.body')}</p>
    <p id="privacy-iphone">${t('privacy.phone.iphone')}</p>
    <h2>${t('privacy.sent')}</h2>
    <ul>${[1, 2, 3, 4, 5].map((n) => html`<li>${t(`privacy.sent.items.${n}`)}</li>`)}</ul>
    <h2>${t('privacy.campaign')}</h2>
    <p>${t('privacy.campaign.body')}</p>
    <p>${t('privacy.limit')}</p>
    <h2 id="privacy-keeps">${t('privacy.keeps')}</h2>
    <p>${t('privacy.keeps.what')}</p>
    <ul id="privacy-retention">${activeCampaigns(getProfile()).map((c) => html`<li>${retention(c)}</li>`)}</ul>
    <p>${t('privacy.keeps.who')}</p>
    <p>${t('privacy.keeps.forget')}</p>
    <p>${t('privacy.keeps.reach')}</p>
    <p>${t('privacy.keeps.law')}</p>
    <h2>${t('privacy.actions')}</h2>
    <div class="privacy-actions">
      <button type="button" id="privacy-download" class="button secondary" ?disabled=${downloading}
        @click=${download}>${t(downloading ? 'privacy.download.busy' : 'privacy.download')}</button>
      <p class="hint">${t('privacy.download.hint')}</p>
      <button type="button" id="privacy-delete-contacts" class="button danger"
        @click=${() => askAndDeleteContacts(getProfile().user.id, toasts)}>${t('privacy.deleteContacts')}</button>
      ${activeCampaigns(getProfile()).map((campaign) => html`<button type="button" class="button secondary leave"
        data-campaign=${campaign.id} @click=${() => leave(campaign)}>${t('privacy.leave', { campaign: campaign.name })}</button>`)}
    </div>
    <details class="fold" id="privacy-account">
      <summary>${t('privacy.account')}</summary>
      <p>${t('privacy.account.body')}</p>
      <ul id="privacy-account-records">${campaigns.map((c) => html`<li>${t(
        c.departed_records === 'delete' ? 'privacy.account.deletes' : 'privacy.account.keeps', { campaign: c.name })}</li>`)}</ul>
      <p>${t('privacy.account.phone')}</p>
      <form id="delete-account-form" novalidate @submit=${remove}>
        ${field(form, { id: 'delete-account-password', name: 'password', type: 'password', required: true,
          label: 'privacy.account.password', autocomplete: 'current-password', maxlength: '256' })}
        ${formAlert(form)}
        ${submitButton(form, 'privacy.account.confirm', 'privacy.account.busy', 'button danger')}
      </form>
    </details>
  </section>`;
  };
}
