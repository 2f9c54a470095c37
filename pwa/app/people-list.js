// /people: the volunteer's people (confirmed matches and people added by name), with search and filters, and
// "add someone by name" (a voter-file search: the one time a name the volunteer types leaves the phone).
import { ApiError, searchVoters } from '../lib/api.js';
import { saveVoters } from '../lib/db.js';
import { formatDay, t, text } from '../lib/i18n.js';
import { getProfile } from '../lib/session.js';
import { h } from './dom.js';
import { activeCampaigns, addPerson, cardValues, peopleOf, personName, today, voterName } from './people.js';

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

export function peopleScreen({ sync, toasts }) {
  const profile = getProfile();
  const userId = profile.user.id;
  const campaigns = activeCampaigns(profile);
  const query = h('input', { id: 'people-filter', type: 'search', autocomplete: 'off', oninput: () => draw() });
  const show = h('select', { id: 'people-show', onchange: () => draw() },
    Object.keys(FILTERS).map((name) => h('option', { value: name, i18n: `people.show.${name}` })));
  const list = h('ul', { id: 'people', class: 'people', 'aria-labelledby': 'people-title' });
  const searchCampaign = campaigns.length > 1 ? h('select', { id: 'search-campaign' },
    campaigns.map((campaign) => h('option', { value: String(campaign.id) }, campaign.name))) : null;
  const results = h('ul', { id: 'search-results', class: 'cards', 'aria-live': 'polite' });
  const searchStatus = h('p', { id: 'search-status', role: 'status' });
  const form = h('form', { id: 'search-form', class: 'search', 'aria-labelledby': 'search-title' },
    searchCampaign,
    h('div', { class: 'field' }, h('label', { for: 'search-name', i18n: 'people.search.name' }),
      h('input', { id: 'search-name', name: 'name', required: true, minlength: '2', autocomplete: 'off',
        'aria-describedby': 'search-hint' })),
    h('div', { class: 'field' }, h('label', { for: 'search-city', i18n: 'people.search.city' }),
      h('input', { id: 'search-city', name: 'city', autocomplete: 'off' })),
    h('button', { type: 'submit', class: 'button secondary', i18n: 'people.search.submit' }));
  const section = h('section', { class: 'screen', id: 'people-screen' },
    h('h1', { id: 'people-title', tabindex: '-1', i18n: 'people.title' }),
    h('a', { href: '/contacts', class: 'button secondary', i18n: 'people.fromContacts' }),
    h('div', { class: 'filters' },
      h('div', { class: 'field' }, h('label', { for: 'people-filter', i18n: 'people.filter' }), query),
      h('div', { class: 'field' }, h('label', { for: 'people-show', i18n: 'people.show' }), show)),
    list,
    h('h2', { id: 'search-title', i18n: 'people.search' }),
    h('p', { id: 'search-hint', class: 'hint', i18n: 'people.search.hint' }),
    form, searchStatus, results);

  let everyone = [];
  async function load() {
    everyone = [];
    for (const campaign of campaigns) {
      everyone.push(...(await peopleOf(userId, campaign.id)).map((person) => ({ ...person, campaign })));
    }
    draw();
  }

  function draw() {
    const words = query.value.trim().toLowerCase();
    const shown = everyone.filter(FILTERS[show.value]).filter((person) => !words
      || personName(person.record)().toLowerCase().includes(words)
      || (person.voter && voterName(person.voter).toLowerCase().includes(words)));
    shown.sort((a, b) => personName(a.record)().localeCompare(personName(b.record)()));
    if (!everyone.length) list.replaceChildren(h('li', { i18n: 'people.none' }));
    else list.replaceChildren(...(shown.length ? shown.map(personItem) : [h('li', { i18n: 'people.noneShown' })]));
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = form.elements.name.value.trim();
    if (name.length < 2 || form.dataset.busy) return;
    const campaign = searchCampaign ? campaigns.find((c) => c.id === Number(searchCampaign.value)) : campaigns[0];
    form.dataset.busy = 'true';
    text(searchStatus, 'people.search.busy');
    try {
      const cards = await searchVoters(campaign.id, { name, city: form.elements.city.value.trim() });
      await saveVoters(campaign.id, cards);
      const known = new Set(everyone.map((person) => person.record.values.voter_id));
      results.replaceChildren(...cards.map((card) => resultItem(campaign, card, known.has(card.id))));
      if (cards.length) searchStatus.textContent = '';
      else text(searchStatus, 'people.search.none');
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      text(searchStatus, error.offline ? 'people.search.offline' : 'error.server');
    } finally {
      delete form.dataset.busy;
    }
  });

  function resultItem(campaign, card, added) {
    const id = `result-${card.id}`;
    const button = h('button', { type: 'button', class: 'button secondary', 'aria-describedby': id,
      i18n: added ? 'people.search.added' : 'people.search.add', disabled: added,
      onclick: async () => {
        button.disabled = true;
        await addPerson({ userId, campaignId: campaign.id, voter: card, source: 'search', label: voterName(card) });
        text(button, 'people.search.added');
        sync.request();
        toasts.show('contacts.confirmed', { values: { name: voterName(card) }, duration: 4000 });
        await load();
      } });
    return h('li', { class: 'card search-result' },
      h('p', { id, i18n: 'voter.card', values: cardValues(card) }), button);
  }

  load();
  return section;
}

function personItem(person) {
  const { record, voter, last, followUp } = person;
  return h('li', { class: 'person' },
    h('a', { href: `/people/${record.entity_id}`, class: 'person-link' },
      h('span', { class: 'person-name' }, personName(record)()),
      voter ? h('span', { class: 'hint', i18n: 'voter.card', values: cardValues(voter) }) : null,
      voter?.priority ? h('span', { class: 'hint due', i18n: 'people.priority' }) : null,
      last ? h('span', { class: 'hint', i18n: 'people.last', values: { date: () => formatDay(last.values.happened_at.slice(0, 10)),
        support: () => t(`support.${last.values.support ?? 'unknown'}`) } })
        : h('span', { class: 'hint', i18n: 'people.never' }),
      followUp ? h('span', { class: 'hint due', i18n: 'person.nextStep', values: { date: () => formatDay(followUp) } })
        : null));
}
