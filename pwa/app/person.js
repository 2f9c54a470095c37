// /people/<id>: one person. Their voter card, how you know them, reaching out from your own phone (sms:, tel:,
// mailto: links: Kin never sends anything itself), the campaign's ideas and your own message, the conversations
// logged with them and the next step.
import { getContact } from '../lib/contacts/store.js';
import { getMeta, getRecord, getVoter, setMeta } from '../lib/db.js';
import { formatDateTime, formatDay, t } from '../lib/i18n.js';
import { recordChange } from '../lib/outbox.js';
import { getProfile } from '../lib/session.js';
import { h } from './dom.js';
import { trackInput } from './forms.js';
import { activeCampaigns, cardValues, peopleOf, personName } from './people.js';

const KINDS = ['family', 'friend', 'coworker', 'neighbour', 'other'];

export function personScreen({ params: [relationshipId], sync, toasts }) {
  const heading = h('h1', { id: 'person-title', tabindex: '-1', i18n: 'person.title' });
  const body = h('div', {}, h('p', { class: 'loading', i18n: 'app.loading' }));
  const section = h('section', { class: 'screen', id: 'person' }, heading, body);
  load(relationshipId).then((found) => {
    if (!found) {
      body.replaceChildren(h('p', { i18n: 'person.notFound' }));
      return;
    }
    heading.removeAttribute('data-i18n');
    heading.textContent = personName(found.record)();
    body.replaceChildren(...page({ ...found, sync, toasts }).filter(Boolean));
  });
  return section;
}

async function load(relationshipId) {
  const profile = getProfile();
  const record = await getRecord('relationship', relationshipId);
  if (!record || record.user_id !== profile.user.id || record.deleted) return null;
  const campaign = activeCampaigns(profile).find((c) => c.id === record.campaign_id);
  if (!campaign) return null;
  const person = (await peopleOf(profile.user.id, campaign.id)).find((p) => p.record.entity_id === relationshipId);
  const contact = record.local?.contact_id ? await getContact(record.local.contact_id) : null;
  const draftKey = `messages/${profile.user.id}/${campaign.id}`;
  return { ...person, voter: person.voter ?? await getVoter(campaign.id, record.values.voter_id), contact, campaign,
    userId: profile.user.id, draftKey, draft: (await getMeta(draftKey)) ?? '' };
}

function page({ record, voter, conversations, followUp, contact, campaign, userId, draftKey, draft, sync, toasts }) {
  const firstName = voter?.first_name || personName(record)().split(' ')[0];
  return [
    voter ? h('p', { class: 'card voter-card', id: 'person-card' },
      h('span', { class: 'hint', i18n: 'person.card' }), ' ',
      h('span', { i18n: 'voter.card', values: cardValues(voter) })) : null,
    followUp ? h('p', { class: 'notice', id: 'next-step', i18n: 'person.nextStep', values: { date: () => formatDay(followUp) } })
      : null,
    h('a', { href: `/log?person=${record.entity_id}`, id: 'log-person-link', class: 'button', i18n: 'person.log' }),
    reachOut({ contact, firstName, campaign, draftKey, draft, toasts }),
    history(conversations),
    aboutForm({ record, userId, campaign, sync, toasts }),
  ];
}

/** Links that open the volunteer's own apps, with their own message (first name filled in) ready to edit. */
function reachOut({ contact, firstName, campaign, draftKey, draft, toasts }) {
  const message = h('textarea', { id: 'message', rows: '4', maxlength: '1000', 'aria-describedby': 'message-hint' },
    draft.replaceAll('{name}', firstName));
  const phones = contact?.phones ?? [];
  const emails = contact?.emails ?? [];
  const links = h('div', { class: 'reach-links' });
  const withBody = (href, key) => `${href}${href.includes('?') ? '&' : '?'}${key}=${encodeURIComponent(message.value)}`;
  const drawLinks = () => links.replaceChildren(
    ...phones.flatMap(({ value }) => [
      // "?&body=" is read by both iOS and Android Messages
      h('a', { class: 'button secondary reach', href: `sms:${value.replace(/[^\d+]/g, '')}?&body=${encodeURIComponent(message.value)}`,
        i18n: 'person.text', values: { number: value } }),
      h('a', { class: 'button secondary reach', href: `tel:${value.replace(/[^\d+]/g, '')}`, i18n: 'person.call',
        values: { number: value } })]),
    ...emails.map(({ value }) => h('a', { class: 'button secondary reach', href: withBody(`mailto:${value}`, 'body'),
      i18n: 'person.email', values: { address: value } })));
  message.addEventListener('input', drawLinks);
  drawLinks();
  const ideas = campaign.talking_points ?? [];
  return h('section', { class: 'reach', 'aria-labelledby': 'reach-title' },
    h('h2', { id: 'reach-title', i18n: 'person.reach' }),
    h('p', { class: 'hint', i18n: 'person.reach.hint' }),
    ideas.length ? h('h3', { i18n: 'person.ideas' }) : null,
    ideas.length ? h('ul', { class: 'ideas', id: 'ideas' }, ideas.map((idea) => h('li', {}, idea))) : null,
    h('div', { class: 'field' },
      h('label', { for: 'message', i18n: 'person.message' }),
      message,
      h('p', { id: 'message-hint', class: 'hint', i18n: 'person.message.hint' })),
    h('button', { type: 'button', id: 'message-save', class: 'button secondary', i18n: 'person.message.save',
      onclick: async () => {
        // kept as a template: this person's first name goes back to {name} for the next one
        const template = firstName ? message.value.replaceAll(firstName, '{name}') : message.value;
        await setMeta(draftKey, template);
        toasts.show('person.message.saved', { duration: 3000 });
      } }),
    phones.length || emails.length ? links : h('p', { id: 'no-contact', i18n: 'person.noContact' }));
}

function history(conversations) {
  return h('section', { 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title', i18n: 'person.history' }),
    conversations.length ? h('ul', { class: 'conversations', id: 'history' }, conversations.map((c) => h('li', { class: 'conversation' },
      h('h3', {}, `${t(`channel.${c.values.channel}`)} · ${formatDateTime(c.values.happened_at)}`),
      h('p', { i18n: 'conversation.support', values: { support: () => t(`support.${c.values.support ?? 'unknown'}`) } }),
      c.values.notes ? h('p', { class: 'notes' }, c.values.notes) : null,
      c.values.review_reply ? h('p', { class: 'reply', i18n: 'conversation.reply', values: { reply: c.values.review_reply } })
        : null)))
      : h('p', { i18n: 'person.noHistory' }));
}

/** How you know them, how close, your notes: the volunteer's own fields of the relationship. */
function aboutForm({ record, userId, campaign, sync, toasts }) {
  const { values } = record;
  const form = trackInput(h('form', { id: 'about-form', 'aria-labelledby': 'about-title' },
    h('h2', { id: 'about-title', i18n: 'person.how' }),
    h('div', { class: 'field' }, h('label', { for: 'person-kind', i18n: 'person.kind' }),
      h('select', { id: 'person-kind', name: 'kind' },
        h('option', { value: '', i18n: 'person.kind.unset', selected: !values.kind }),
        KINDS.map((kind) => h('option', { value: kind, i18n: `kind.${kind}`, selected: values.kind === kind })))),
    h('div', { class: 'field' }, h('label', { for: 'person-closeness', i18n: 'person.closeness' }),
      h('input', { id: 'person-closeness', name: 'closeness', type: 'number', min: '1', max: '5', inputmode: 'numeric',
        value: values.closeness ?? '' })),
    h('div', { class: 'field' }, h('label', { for: 'person-notes', i18n: 'person.notes' }),
      h('textarea', { id: 'person-notes', name: 'notes', rows: '3', maxlength: '2000' }, values.notes ?? '')),
    h('button', { type: 'submit', class: 'button secondary', i18n: 'person.save' })));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const closeness = Number.parseInt(form.elements.closeness.value, 10);
    await recordChange({ userId, campaignId: campaign.id, entity: 'relationship', entityId: record.entity_id, fields: {
      kind: form.elements.kind.value || null,
      closeness: closeness >= 1 && closeness <= 5 ? closeness : null,
      notes: form.elements.notes.value.trim(),
    } });
    delete form.dataset.dirty;
    sync.request();
    toasts.show('person.saved', { duration: 3000 });
  });
  return form;
}

