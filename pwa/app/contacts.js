// /contacts: bring the volunteer's contacts onto this phone (Contact Picker, a .vcf or .csv file), find which are
// in the campaign's voter file without sending them anywhere (lib/matching), and ask "do you know them?".
// The parsers and the matching code (phone metadata, crypto) load only when this screen needs them.
import { candidatesOf, decide } from '../lib/matching/candidates.js';
import { contactsOf, deleteAllContacts, hasContactPicker, importContacts, pickContacts } from '../lib/contacts/store.js';
import { votersOf } from '../lib/db.js';
import { t, text } from '../lib/i18n.js';
import { getProfile } from '../lib/session.js';
import { confirmDialog } from './dialog.js';
import { h } from './dom.js';
import { activeCampaigns, addPerson, cardValues, liveRecords, voterName } from './people.js';

export function contactsScreen({ toasts, sync }) {
  const profile = getProfile();
  const userId = profile.user.id;
  const campaigns = activeCampaigns(profile);
  const count = h('p', { id: 'contacts-count' });
  const importStatus = h('p', { id: 'import-status', role: 'status' });
  const file = h('input', { id: 'contacts-file', type: 'file', accept: '.vcf,.vcard,.csv,text/vcard,text/x-vcard,text/csv',
    'aria-describedby': 'contacts-file-hint', onchange: () => { importing = importFile(file.files[0]); } });
  const picker = hasContactPicker()
    ? h('button', { type: 'button', id: 'pick-contacts', class: 'button', i18n: 'contacts.pick', onclick: pick }) : null;
  const chooseCampaign = campaigns.length > 1 ? h('select', { id: 'match-campaign' },
    campaigns.map((campaign) => h('option', { value: String(campaign.id) }, campaign.name))) : null;
  const find = h('button', { type: 'button', id: 'find-people', class: 'button', i18n: 'contacts.find',
    'aria-describedby': 'find-people-hint', onclick: run });
  const progress = h('progress', { id: 'match-progress', hidden: true, max: '1', value: '0', 'aria-labelledby': 'match-status' });
  const matchStatus = h('p', { id: 'match-status', role: 'status' });
  const review = h('ul', { id: 'matches', class: 'cards', 'aria-labelledby': 'review-title' });
  const section = h('section', { class: 'screen', id: 'contacts' },
    h('h1', { id: 'contacts-title', tabindex: '-1', i18n: 'contacts.title' }),
    h('p', { i18n: 'contacts.intro' }),
    count,
    h('h2', { i18n: 'contacts.add' }),
    picker,
    h('div', { class: 'field' },
      h('label', { for: 'contacts-file', i18n: 'contacts.file' }),
      file,
      h('p', { id: 'contacts-file-hint', class: 'hint', i18n: 'contacts.file.hint' })),
    importStatus,
    help('iphone'), help('android'),
    h('h2', { i18n: 'contacts.find' }),
    chooseCampaign ? h('div', { class: 'field' }, h('label', { for: 'match-campaign', i18n: 'contacts.campaign' }),
      chooseCampaign) : null,
    h('p', { id: 'find-people-hint', class: 'hint', i18n: 'contacts.find.hint' }),
    find, progress, matchStatus,
    h('h2', { id: 'review-title', i18n: 'contacts.review' }),
    review,
    h('button', { type: 'button', id: 'delete-contacts', class: 'button danger', i18n: 'contacts.delete',
      onclick: removeAll }));

  let importing = Promise.resolve(); // a "find" tapped while a file is still being read waits for it

  const campaign = () => (chooseCampaign
    ? campaigns.find((c) => c.id === Number(chooseCampaign.value)) : campaigns[0]);

  async function showCount() {
    text(count, 'contacts.count', { count: (await contactsOf(userId)).length });
  }

  async function importFile(chosen) {
    if (!chosen) return;
    text(importStatus, 'contacts.importing');
    try {
      const { parseContactsFile } = await import('../lib/contacts/files.js');
      const parsed = parseContactsFile(chosen.name, new Uint8Array(await chosen.arrayBuffer()));
      await saveImported(parsed, chosen.name.toLowerCase().endsWith('.csv') ? 'csv' : 'vcard');
    } catch (error) {
      // the reader's ContactsFileError names its own message (pwa/lib/contacts/errors.js)
      if (error.name === 'ContactsFileError') text(importStatus, `contacts.error.${error.code}`, error.values);
      else text(importStatus, 'contacts.unreadable', { message: error.message });
    }
    file.value = '';
  }

  async function pick() {
    try {
      importing = pickContacts().then((picked) => saveImported(picked, 'picker'));
      await importing;
    } catch (error) {
      if (error.name !== 'AbortError' && error.name !== 'InvalidStateError') throw error;
    }
  }

  async function saveImported(parsed, source) {
    if (!parsed.length) {
      text(importStatus, 'contacts.empty');
      return;
    }
    text(importStatus, 'contacts.imported', await importContacts(userId, parsed, source));
    await showCount();
  }

  async function run() {
    const chosen = campaign();
    if (!chosen || find.disabled) return;
    find.disabled = true;
    await importing.catch(() => {});
    find.disabled = false;
    if (!(await contactsOf(userId)).length) {
      text(matchStatus, 'contacts.noContacts');
      return;
    }
    find.disabled = true;
    progress.hidden = false;
    progress.removeAttribute('value'); // indeterminate until the first batch reports
    try {
      const { findPeople, MatchingStopped } = await import('../lib/matching/match.js');
      try {
        const summary = await findPeople({ userId, campaign: chosen, onProgress: ({ stage, done, total }) => {
          if (stage === 'evaluate') {
            progress.max = total;
            progress.value = done;
            text(matchStatus, 'contacts.progress.evaluate', { done, total });
          } else if (stage !== 'done') {
            text(matchStatus, `contacts.progress.${stage}`);
          }
        } });
        text(matchStatus, 'contacts.found', { count: summary.newMatches });
      } catch (error) {
        text(matchStatus, `contacts.stopped.${error instanceof MatchingStopped ? error.reason : 'server'}`);
        if (!(error instanceof MatchingStopped)) console.error(error); // a bug: say so, and keep the details
      }
    } finally {
      find.disabled = false;
      progress.hidden = true;
      await showReview();
    }
  }

  async function showReview() {
    const chosen = campaign();
    if (!chosen) return;
    const known = new Set((await liveRecords(userId, chosen.id, 'relationship')).map((r) => r.values.voter_id));
    const waiting = (await candidatesOf(userId, chosen.id))
      .filter((candidate) => candidate.decision === null && !known.has(candidate.voter_id));
    const [contacts, voters] = await Promise.all([contactsOf(userId), votersOf(chosen.id)]);
    const byId = new Map(contacts.map((contact) => [contact.id, contact]));
    const items = waiting.filter((c) => byId.has(c.contact_id) && voters.has(c.voter_id))
      .map((c) => matchItem(chosen, c, byId.get(c.contact_id), voters.get(c.voter_id)));
    review.replaceChildren(...(items.length ? items : [h('li', { i18n: 'contacts.noReview' })]));
  }

  function matchItem(chosen, candidate, contact, voter) {
    const id = `match-${candidate.contact_id}-${candidate.voter_id}`;
    const item = h('li', { class: 'match-card card', 'data-voter': voter.id },
      h('p', { id, class: 'match-who', i18n: 'contacts.match',
        values: { voter: () => t('voter.card', cardValues(voter)), contact: contact.name || contact.phones[0]?.value || contact.emails[0]?.value } }),
      h('p', { class: 'hint', i18n: `contacts.strength.${candidate.strength}` }),
      h('div', { class: 'row-buttons' },
        h('button', { type: 'button', class: 'button confirm', 'aria-describedby': id, i18n: 'contacts.confirm',
          onclick: async () => {
            await addPerson({ userId, campaignId: chosen.id, voter, source: 'match',
              label: contact.name || voterName(voter), contactId: contact.id });
            await decide(candidate, 'confirmed');
            sync.request();
            toasts.show('contacts.confirmed', { values: { name: contact.name || voterName(voter) }, duration: 4000 });
            await showReview();
          } }),
        h('button', { type: 'button', class: 'button secondary dismiss', 'aria-describedby': id, i18n: 'contacts.dismiss',
          onclick: async () => {
            await decide(candidate, 'dismissed');
            await showReview();
          } })));
    return item;
  }

  async function removeAll() {
    if (await askAndDeleteContacts(userId, toasts)) await Promise.all([showCount(), showReview()]);
  }

  chooseCampaign?.addEventListener('change', showReview);
  showCount();
  showReview();
  return section;
}

/** "Delete all my contacts from this phone", once the volunteer confirms; resolves true when they did. */
export async function askAndDeleteContacts(userId, toasts) {
  if (!(await confirmDialog({ title: 'contacts.delete.title', body: 'contacts.delete.body',
    confirm: 'contacts.delete' }))) return false;
  await deleteAllContacts(userId);
  toasts.show('contacts.deleted', { duration: 4000 });
  return true;
}

/** Step-by-step help for getting contacts out of a phone without a Contact Picker. */
function help(platform) {
  return h('details', { class: 'help', id: `help-${platform}` },
    h('summary', { i18n: `contacts.help.${platform}` }),
    h('ol', {}, [1, 2, 3].map((n) => h('li', { i18n: `contacts.help.${platform}.steps.${n}` }))));
}
