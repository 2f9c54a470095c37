// /contacts: bring the volunteer's contacts onto this phone (Contact Picker, a .vcf or .csv file), find which are
// in the campaign's voter file without sending them anywhere (lib/matching), and ask "do you know them?".
// The parsers and the matching code (phone metadata, crypto) load only when this screen needs them.
import { askAgain, candidatesOf, decide } from '../../lib/matching/candidates.js';
import { contactsOf, hasContactPicker, importContacts, pickContacts } from '../../lib/contacts/store.js';
import { linkContacts, votersOf } from '../../lib/db.js';
import { formatList, t } from '../../lib/i18n.js';
import { getProfile } from '../../lib/session.js';
import { activeCampaigns, addPerson, cardValues, liveRecords, voterName } from '../people.js';
import { html, nothing } from '../../ui/screen.js';
import { askAndDeleteContacts } from '../ui/forget-contacts.js';
import { icon } from '../ui/icons.js';

export const title = 'contacts.title';

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function contactsScreen(ctx) {
  const { toasts, sync } = ctx;
  const userId = getProfile().user.id;
  const campaigns = activeCampaigns(getProfile());
  let campaignId = campaigns[0]?.id ?? null;
  let count = null; // contacts on this phone
  let importStatus = null; // [key, values]
  let matching = { busy: false, done: 0, total: 0, status: null }; // status: [key, values] while it runs or stopped
  let review = null; // [{voter, matches: [{candidate, contact}]}]: one card per person waiting for an answer
  // the people (voter ids) the last run found that were new and not yet among yours: "Found 3 ..." counts people,
  // not their numbers and e-mails, and not someone already yours whose number came back with a re-import
  let fresh = null;
  let foundSince = null; // when the run that just ended began: its matches are the ones found at or after it
  let dismissed = []; // the same, for people answered "not them", which the volunteer may take back
  let importing = Promise.resolve(); // a "find" tapped while a file is still being read waits for it

  const campaign = () => campaigns.find((c) => c.id === campaignId);

  async function showCount() {
    count = (await contactsOf(userId)).length;
    ctx.update();
  }

  async function importFile(/** @type {Event} */ event) {
    const input = /** @type {HTMLInputElement} */ (event.target);
    const chosen = input.files?.[0];
    if (!chosen) return;
    importStatus = ['contacts.importing'];
    ctx.update();
    try {
      const { readContactsFile } = await import('../../lib/contacts/files.js');
      const parsed = await readContactsFile(chosen.name, new Uint8Array(await chosen.arrayBuffer()));
      await saveImported(parsed, chosen.name.toLowerCase().endsWith('.csv') ? 'csv' : 'vcard');
    } catch (error) {
      // the reader's ContactsFileError names its own message (pwa/lib/contacts/errors.js)
      importStatus = error.name === 'ContactsFileError' ? [`contacts.error.${error.code}`, error.values]
        : ['contacts.unreadable', { message: error.message }];
      ctx.update();
    }
    input.value = '';
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
    importStatus = parsed.length ? ['contacts.imported', await importContacts(userId, parsed, source)]
      : ['contacts.empty'];
    await showCount();
  }

  async function run() {
    const chosen = campaign();
    if (!chosen || matching.busy) return;
    matching = { busy: true, done: 0, total: 0, status: null };
    fresh = null;
    ctx.update();
    await importing.catch(() => {});
    if (!(await contactsOf(userId)).length) {
      matching = { busy: false, done: 0, total: 0, status: ['contacts.noContacts'] };
      ctx.update();
      return;
    }
    const since = Date.now();
    try {
      const { findPeople } = await import('../../lib/matching/match.js');
      await findPeople({ userId, campaign: chosen, onProgress: ({ stage, done, total }) => {
        if (stage === 'evaluate') matching = { ...matching, done, total, status: ['contacts.progress.evaluate', { done, total }] };
        else if (stage !== 'done') matching = { ...matching, status: [`contacts.progress.${stage}`] };
        ctx.update();
      } });
      matching = { ...matching, status: null };
      foundSince = since;
    } catch (error) {
      // MatchingStopped says why; no code to load (offline before the app was cached) is being offline too
      const reason = error.name === 'MatchingStopped' ? error.reason : navigator.onLine ? 'server' : 'offline';
      matching = { ...matching, status: [`contacts.stopped.${reason}`] };
      if (reason === 'server' && error.name !== 'MatchingStopped') console.error(error); // a bug: keep the details
    } finally {
      matching = { ...matching, busy: false };
      await showReview();
    }
  }

  async function showReview() {
    const chosen = campaign();
    if (!chosen) return;
    const people = new Map((await liveRecords(userId, chosen.id, 'relationship')).map((r) => [r.values.voter_id, r]));
    const all = await candidatesOf(userId, chosen.id);
    const [contacts, voters] = await Promise.all([contactsOf(userId), votersOf(chosen.id)]);
    const byId = new Map(contacts.map((contact) => [contact.id, contact]));
    // a match for someone already among their people (synced from another phone, say): tie the contact to them,
    // here only, so their name and Text / Call come back; never ask about them again
    const links = all.filter((c) => people.has(c.voter_id) && !people.get(c.voter_id).local?.contact_id
      && byId.has(c.contact_id)).map((c) => ({ entityId: people.get(c.voter_id).entity_id,
      label: byId.get(c.contact_id).name, contact_id: c.contact_id }));
    if (links.length) await linkContacts(links);
    const candidates = all.filter((candidate) => !people.has(candidate.voter_id));
    const shown = (decision) => byPerson(candidates.filter((c) => c.decision === decision && byId.has(c.contact_id)
      && voters.has(c.voter_id))
      .map((candidate) => ({ candidate, contact: byId.get(candidate.contact_id), voter: voters.get(candidate.voter_id) })));
    review = shown(null);
    dismissed = shown('dismissed');
    if (foundSince !== null) {
      fresh = new Set(review.filter(({ matches }) => matches.some(({ candidate }) => candidate.found_at >= foundSince))
        .map(({ voter }) => voter.id));
      foundSince = null;
    }
    ctx.update();
  }

  async function answer({ voter, matches }, decision) {
    const chosen = campaign();
    // the person is tied to one contact on this phone: one with a number to text or call, and a name, if any has
    const score = ({ contact: c }) => (c.phones.length ? 2 : 0) + (c.name ? 1 : 0);
    const { contact } = matches.reduce((best, match) => (score(match) > score(best) ? match : best));
    if (decision === 'confirmed') {
      await addPerson({ userId, campaignId: chosen.id, voter, source: 'match',
        label: contact.name || voterName(voter), contactId: contact.id });
    }
    for (const { candidate } of matches) await decide(candidate, decision);
    const name = contact.name || voterName(voter);
    if (decision === 'confirmed') {
      sync.request();
      toasts.show('contacts.confirmed', { values: { name }, duration: 4000 });
    }
    await showReview();
    if (decision === 'dismissed') {
      const toast = toasts.show('contacts.dismissed', { values: { name }, buttons: ['undo'], duration: 8000 });
      if ((await toast.answer) === 'undo') await takeBack(matches.map(({ candidate }) => ({ ...candidate, decision })));
    }
  }

  async function takeBack(candidates) {
    for (const candidate of candidates) await askAgain(candidate);
    await showReview();
  }

  async function removeAll() {
    if (await askAndDeleteContacts(userId, toasts)) await Promise.all([showCount(), showReview()]);
  }

  showCount();
  showReview();

  const matchItem = (group) => {
    const { voter, matches } = group;
    const id = `match-${voter.id}`;
    return html`<li class="match-card card" data-voter=${voter.id}>
      <p id=${id} class="match-who">${who(group)}</p>
      <p class="hint">${t(`contacts.strength.${strength(matches)}`)}</p>
      <div class="row-buttons">
        <button type="button" class="button confirm" aria-describedby=${id}
          @click=${() => answer(group, 'confirmed')}>${t('contacts.confirm')}</button>
        <button type="button" class="button secondary dismiss" aria-describedby=${id}
          @click=${() => answer(group, 'dismissed')}>${t('contacts.dismiss')}</button>
      </div>
    </li>`;
  };

  const help = (platform) => html`<details class="fold" id=${`help-${platform}`}>
    <summary>${t(`contacts.help.${platform}`)}</summary>
    <ol>${[1, 2, 3].map((n) => html`<li>${t(`contacts.help.${platform}.steps.${n}`)}</li>`)}</ol>
  </details>`;

  return () => html`<section class="screen" id="contacts">
    <h1 id="contacts-title" tabindex="-1">${t('contacts.title')}</h1>
    <p>${t('contacts.intro')}</p>
    <p id="contacts-count">${count === null ? '' : t('contacts.count', { count })}</p>
    <h2>${t('contacts.add')}</h2>
    ${hasContactPicker() ? html`<button type="button" id="pick-contacts" class="button" @click=${pick}>${
      t('contacts.pick')}</button>` : nothing}
    <div class="field file-field">
      <!-- the input stays (keyboard, screen readers, tests); its label is the button: the browser's own
           "Choose File" would speak the browser's language, not the volunteer's -->
      <input id="contacts-file" type="file" class="visually-hidden" accept=".vcf,.vcard,.csv,text/vcard,text/x-vcard,text/csv"
        aria-describedby="contacts-file-hint" @change=${(/** @type {Event} */ event) => {
          importing = importFile(event);
        }}>
      <label for="contacts-file" class=${hasContactPicker() ? 'button secondary' : 'button'}>${icon('file')}${
        t('contacts.file')}</label>
      <p id="contacts-file-hint" class="hint">${t('contacts.file.hint')}</p>
    </div>
    <p id="import-status" role="status">${importStatus ? t(...importStatus) : ''}</p>
    ${help('iphone')}${help('android')}
    <h2>${t('contacts.find')}</h2>
    ${campaigns.length > 1 ? html`<div class="field"><label for="match-campaign">${t('contacts.campaign')}</label>
      <select id="match-campaign" @change=${(/** @type {Event} */ event) => {
        campaignId = Number(/** @type {HTMLSelectElement} */ (event.target).value);
        fresh = null;
        showReview();
      }}>${campaigns.map((c) => html`<option value=${String(c.id)}>${c.name}</option>`)}</select></div>` : nothing}
    <p id="find-people-hint" class="hint">${t('contacts.find.hint')}</p>
    <button type="button" id="find-people" class="button" aria-describedby="find-people-hint" ?disabled=${matching.busy}
      @click=${run}>${t('contacts.find')}</button>
    <progress id="match-progress" ?hidden=${!matching.busy} max=${matching.total || 1}
      value=${matching.total ? matching.done : nothing} aria-labelledby="match-status"></progress>
    <p id="match-status" role="status">${matching.status ? t(...matching.status) : fresh ? t('contacts.found', {
      count: fresh.size, waiting: review.filter(({ voter }) => fresh.has(voter.id)).length }) : ''}</p>
    <h2 id="review-title">${t('contacts.review')}</h2>
    <ul id="matches" class="cards" aria-labelledby="review-title">${review === null ? nothing
      : review.length ? review.map(matchItem) : html`<li>${t('contacts.noReview')}</li>`}</ul>
    ${dismissed.length ? html`<details class="fold" id="dismissed">
      <summary>${t('contacts.dismissedList', { count: dismissed.length })}</summary>
      <ul class="cards">${dismissed.map((group) => html`<li class="card dismissed-card">
        <p id=${`dismissed-${group.voter.id}`}>${who(group)}</p>
        <button type="button" class="button secondary" aria-describedby=${`dismissed-${group.voter.id}`}
          @click=${() => takeBack(group.matches.map(({ candidate }) => candidate))}>${t('contacts.askAgain')}</button>
      </li>`)}</ul>
    </details>` : nothing}
    <button type="button" id="delete-contacts" class="button danger" @click=${removeAll}>${t('contacts.delete')}</button>
  </section>`;
}

/** One card per person: the matches that point at one voter, from however many of the volunteer's contacts. */
function byPerson(entries) {
  const people = new Map();
  for (const { candidate, contact, voter } of entries) {
    if (!people.has(voter.id)) people.set(voter.id, { voter, matches: [] });
    people.get(voter.id).matches.push({ candidate, contact });
  }
  return [...people.values()];
}

/** "Ana L. · 35 · Durham · in your phone as Ana (work) and Ana Lopez", the names in order. */
function who({ voter, matches }) {
  const names = [...new Set(matches.map(({ contact }) => contact.name || contact.phones[0]?.value
    || contact.emails[0]?.value))].sort((a, b) => a.localeCompare(b));
  return t('contacts.match', { voter: t('voter.card', cardValues(voter)), contact: formatList(names) });
}

/** How a person was matched, over all their contacts: by phone, by e-mail, or both. */
function strength(matches) {
  const kinds = new Set(matches.flatMap(({ candidate }) => (candidate.strength === 'both' ? ['phone', 'email']
    : [candidate.strength])));
  return kinds.size === 2 ? 'both' : [...kinds][0];
}
