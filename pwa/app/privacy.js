// /privacy: in plain words, what stays on the phone, what is sent and what the campaign sees; and the two
// choices a volunteer always has: delete their contacts from this phone, and leave a campaign.
import { ApiError, getMe, leaveCampaign } from '../lib/api.js';
import { getProfile } from '../lib/session.js';
import { askAndDeleteContacts } from './contacts.js';
import { confirmDialog } from './dialog.js';
import { h } from './dom.js';
import { activeCampaigns } from './people.js';

export function privacyScreen({ toasts, navigate }) {
  const profile = getProfile();
  const userId = profile.user.id;
  const deleteContacts = h('button', { type: 'button', id: 'privacy-delete-contacts', class: 'button danger',
    i18n: 'privacy.deleteContacts', onclick: () => askAndDeleteContacts(userId, toasts) });
  const leaving = activeCampaigns(profile).map((campaign) => h('button', { type: 'button', class: 'button secondary leave',
    'data-campaign': campaign.id, i18n: 'privacy.leave', values: { campaign: campaign.name },
    onclick: async () => {
      if (!(await confirmDialog({ title: 'privacy.leave.title', body: 'privacy.leave.body', values: { campaign: campaign.name },
        confirm: 'privacy.leave' }))) return;
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
      navigate('/privacy', { replace: true });
    } }));
  return h('section', { class: 'screen', id: 'privacy' },
    h('h1', { id: 'privacy-title', tabindex: '-1', i18n: 'privacy.title' }),
    h('h2', { i18n: 'privacy.phone' }),
    h('p', { i18n: 'privacy.phone.body' }),
    h('h2', { i18n: 'privacy.sent' }),
    h('ul', {}, [1, 2, 3, 4, 5].map((n) => h('li', { i18n: `privacy.sent.items.${n}` }))),
    h('h2', { i18n: 'privacy.campaign' }),
    h('p', { i18n: 'privacy.campaign.body' }),
    h('p', { i18n: 'privacy.limit' }),
    h('h2', { i18n: 'privacy.actions' }),
    deleteContacts,
    ...leaving);
}
