// /people: the volunteer's people (confirmed matches and people added by name), with search and filters, and
// "add someone by name" (a voter-file search: the one time a name the volunteer types leaves the phone).
import { ApiError, searchVoters } from '../../lib/api.js';
import { saveVoters } from '../../lib/db.js';
import { formatDay, t } from '../../lib/i18n.js';
import { onRecordsChange } from '../../lib/outbox.js';
import { getProfile } from '../../lib/session.js';
import { activeCampaigns, addPerson, cardValues, peopleOf, personName, today, voterName } from '../people.js';
import { html, nothing } from '../../ui/screen.js';
import { fieldText } from '../ui/entity-form.js';

export const title = 'people.title';

/** Which people each filter shows. */
const FILTERS = {
  all: () => true,
  priority: (person) => Boolean(person.voter?.priority),
  followUp: (person) => person.followUp !== null && person.followUp <= today(),
  notContacted: (person) => person.last === null,
  supporters: (person) => [1, 2].includes(person.last?.values.support),
  undecided: (person) => person.last?.values.support === 3,
  against: (person) => [4, 5].includes(person.last?.values.support),
};

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function peopleScreen(ctx) {
  const profile = getProfile();
  const userId = profile.user.id;
  const campaigns = activeCampaigns(profile);
  let everyone = null;
  let words = '';
  let filter = 'all';
  let search = { busy: false, status: null, campaign: null, cards: [] };

  async function load() {
    const found = [];
    for (const campaign of campaigns) {
      found.push(...(await peopleOf(userId, campaign.id)).map((person) => ({ ...person, campaign })));
    }
    everyone = found;
    ctx.update();
  }
  ctx.watch(onRecordsChange(load));
  load();

  async function find(/** @type {SubmitEvent} */ event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const controls = /** @type {import('../../ui/forms.js').Controls} */ (form.elements);
    const name = controls.name.value.trim();
    if (name.length < 2 || search.busy) return;
    const campaign = campaigns.length > 1
      ? campaigns.find((c) => c.id === Number(controls.campaign.value)) : campaigns[0];
    search = { ...search, busy: true, status: 'people.search.busy' };
    ctx.update();
    try {
      const cards = await searchVoters(campaign.id, { name, city: controls.city.value.trim() });
      await saveVoters(campaign.id, cards);
      search = { busy: false, status: cards.length ? null : 'people.search.none', campaign, cards };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      search = { ...search, busy: false, status: error.offline ? 'people.search.offline' : 'error.server' };
    }
    ctx.update();
  }

  async function add(campaign, card) {
    await addPerson({ userId, campaignId: campaign.id, voter: card, source: 'search', label: voterName(card) });
    ctx.sync.request();
    ctx.toasts.show('contacts.confirmed', { values: { name: voterName(card) }, duration: 4000 });
  }

  function shown() {
    const lower = words.trim().toLowerCase();
    return everyone.filter(FILTERS[filter]).filter((person) => !lower
      || personName(person.record, person.voter).toLowerCase().includes(lower)
      || (person.voter && voterName(person.voter).toLowerCase().includes(lower)))
      .sort((a, b) => personName(a.record, a.voter).localeCompare(personName(b.record, b.voter)));
  }

  return () => {
    const known = new Set((everyone ?? []).map((person) => person.record.values.voter_id));
    const list = everyone ? shown() : [];
    return html`<section class="screen" id="people-screen">
      <h1 id="people-title" tabindex="-1">${t('people.title')}</h1>
      <a href="/contacts" class="button secondary">${t('people.fromContacts')}</a>
      <div class="filters">
        <div class="field"><label for="people-filter">${t('people.filter')}</label>
          <input id="people-filter" type="search" autocomplete="off" @input=${(/** @type {Event} */ event) => {
            words = /** @type {HTMLInputElement} */ (event.target).value;
            ctx.update();
          }}></div>
        <div class="field"><label for="people-show">${t('people.show')}</label>
          <select id="people-show" @change=${(/** @type {Event} */ event) => {
            filter = /** @type {HTMLSelectElement} */ (event.target).value;
            ctx.update();
          }}>${Object.keys(FILTERS).map((name) => html`<option value=${name}>${t(`people.show.${name}`)}</option>`)}</select></div>
      </div>
      <ul id="people" class="people" aria-labelledby="people-title">${!everyone ? nothing
        : !everyone.length ? html`<li>${t('people.none')}</li>`
          : list.length ? list.map(personItem) : html`<li>${t('people.noneShown')}</li>`}</ul>
      <h2 id="search-title">${t('people.search')}</h2>
      <p id="search-hint" class="hint">${t('people.search.hint')}</p>
      <form id="search-form" class="search" aria-labelledby="search-title" @submit=${find}>
        ${campaigns.length > 1 ? html`<select id="search-campaign" name="campaign">${campaigns.map((campaign) => html`
          <option value=${String(campaign.id)}>${campaign.name}</option>`)}</select>` : nothing}
        <div class="field"><label for="search-name">${t('people.search.name')}</label>
          <input id="search-name" name="name" required minlength="2" autocomplete="off" aria-describedby="search-hint"></div>
        <div class="field"><label for="search-city">${t('people.search.city')}</label>
          <input id="search-city" name="city" autocomplete="off"></div>
        <button type="submit" class="button secondary">${t('people.search.submit')}</button>
      </form>
      <p id="search-status" role="status">${search.status ? t(search.status) : ''}</p>
      <ul id="search-results" class="cards" aria-live="polite">${search.cards.map((card) =>
        resultItem(search.campaign, card, known.has(card.id)))}</ul>
    </section>`;
  };

  function resultItem(campaign, card, added) {
    const id = `result-${card.id}`;
    return html`<li class="card search-result">
      <p id=${id}>${t('voter.card', cardValues(card))}</p>
      <button type="button" class="button secondary" aria-describedby=${id} ?disabled=${added}
        @click=${(/** @type {Event} */ event) => {
          /** @type {HTMLButtonElement} */ (event.currentTarget).disabled = true;
          add(campaign, card);
        }}>${t(added ? 'people.search.added' : 'people.search.add')}</button>
    </li>`;
  }
}

function personItem(person) {
  const { record, voter, last, followUp } = person;
  // what to do next comes right under the name; what is known about them, after
  const next = followUp ? t('person.nextStep', { date: formatDay(followUp) })
    : last ? t('people.last', { date: formatDay(last.values.happened_at.slice(0, 10)),
      support: fieldText('conversation', 'support', last.values.support) })
      : t('people.never');
  return html`<li class="person">
    <a href=${`/people/${record.entity_id}`} class="person-link">
      <span class="person-name">${personName(record, voter)}</span>
      <span class=${followUp ? 'person-next due' : 'person-next'}>${next}</span>
      ${voter ? html`<span class="hint">${t('voter.card', cardValues(voter))}</span>` : nothing}
      ${voter?.priority ? html`<span class="hint">${t('people.priority')}</span>` : nothing}
    </a>
  </li>`;
}
