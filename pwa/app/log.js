// Log a conversation (/log), or fix one the server did not accept (/log/<id>). Save writes the record and its
// op in one IndexedDB transaction and goes straight back home, online or not; the sync loop sends it.
import { getRecord, pendingOps } from '../lib/db.js';
import { text } from '../lib/i18n.js';
import { recordChange } from '../lib/outbox.js';
import { getProfile } from '../lib/session.js';
import { h } from './dom.js';
import { formAlert, trackInput } from './forms.js';
import { CHANNELS, SUPPORT, VOTE_METHODS, activeCampaigns, liveRecords, localInput, personName, withOffset } from './people.js';

/** The screen; conversationId (from the path) names a conversation to fix. */
export function logScreen({ params: [conversationId], sync, toasts, navigate }) {
  const body = h('div', {}, h('p', { class: 'loading', i18n: 'app.loading' }));
  const section = h('section', { class: 'screen', id: 'log' },
    h('h1', { id: 'log-title', tabindex: '-1', i18n: conversationId ? 'log.fixTitle' : 'log.title' }),
    body);
  prepare(conversationId).then((ready) => {
    body.replaceChildren(ready.problem ? h('p', { i18n: ready.problem })
      : logForm({ ...ready, sync, toasts, navigate }));
  });
  return section;
}

/** What the form needs: the campaigns to log in, the person's people in each, and the conversation being fixed. */
async function prepare(conversationId) {
  const profile = getProfile();
  const userId = profile.user.id;
  let record = null;
  let supersedes = [];
  let campaigns = activeCampaigns(profile);
  if (conversationId) {
    record = await getRecord('conversation', conversationId);
    if (!record || record.user_id !== userId || record.deleted) return { problem: 'log.notFound' };
    campaigns = [campaigns.find((campaign) => campaign.id === record.campaign_id) ?? { id: record.campaign_id }];
    supersedes = (await pendingOps(userId)).filter((op) => op.entity_id === conversationId && op.rejected)
      .map((op) => op.op_id);
  }
  // /log?person=<id>, from a person's page: that person is chosen already
  const chosen = record ? null : new URLSearchParams(location.search).get('person');
  const person = chosen && await getRecord('relationship', chosen);
  let preset = {};
  if (person?.user_id === userId && !person.deleted) {
    campaigns = campaigns.filter((campaign) => campaign.id === person.campaign_id);
    preset = { relationship_id: chosen };
  }
  if (!campaigns.length) return { problem: 'home.none' };
  const people = new Map();
  for (const campaign of campaigns) {
    const known = await liveRecords(userId, campaign.id, 'relationship');
    if (known.length || record) people.set(campaign.id, known);
  }
  if (!people.size) return { problem: 'log.noPeople' };
  return { userId, campaigns: campaigns.filter((campaign) => people.has(campaign.id)), record, supersedes, people, preset };
}

function logForm({ userId, campaigns, record, supersedes, people, preset, sync, toasts, navigate }) {
  // a new log starts in person, now: with the person chosen, how it went and Save are the only taps left
  const values = record?.values ?? { channel: 'in_person', ...preset };
  const issueTags = (campaignId) => campaigns.find((campaign) => campaign.id === campaignId)?.issue_tags ?? [];
  const issues = h('div', { id: 'log-issues-slot' });
  const drawIssues = (campaignId) => issues.replaceChildren(...(issueTags(campaignId).length ? [checkboxes({
    id: 'log-issues', name: 'issue_tags', legend: 'log.issues', checked: values.issue_tags ?? [],
    options: issueTags(campaignId) })] : []));
  drawIssues(campaigns[0].id);
  const personOptions = (campaignId) => {
    const known = people.get(campaignId);
    return [
      h('option', { value: '', selected: !values.relationship_id, i18n: 'log.person.choose' }),
      known.map((person) => h('option', { value: person.entity_id,
        selected: person.entity_id === values.relationship_id }, personName(person)())),
      values.relationship_id && !known.some((person) => person.entity_id === values.relationship_id)
        ? h('option', { value: values.relationship_id, selected: true }, personName(null)()) : null,
    ].flat().filter(Boolean);
  };
  const choosePerson = h('select', { id: 'log-person', name: 'relationship_id', 'aria-describedby': 'log-person-error',
    disabled: Boolean(record?.version) }, // the server has it: who it was with is fixed
  personOptions(campaigns[0].id));
  // in more than one campaign: say which this conversation is for
  const chooseCampaign = campaigns.length > 1 ? h('select', { id: 'log-campaign', name: 'campaign',
    onchange: (event) => {
      choosePerson.replaceChildren(...personOptions(Number(event.target.value)));
      drawIssues(Number(event.target.value));
    } },
  campaigns.map((campaign) => h('option', { value: String(campaign.id) }, campaign.name))) : null;
  const form = trackInput(h('form', { id: 'log-form', novalidate: true, 'aria-labelledby': 'log-title' },
    chooseCampaign ? h('div', { class: 'field' }, h('label', { for: 'log-campaign', i18n: 'log.campaign' }), chooseCampaign)
      : null,
    h('div', { class: 'field' },
      h('label', { for: 'log-person', i18n: 'log.person' }),
      choosePerson,
      h('p', { id: 'log-person-error', class: 'field-error' })),
    choices({ id: 'log-channel', name: 'channel', legend: 'log.channel', checked: values.channel,
      options: CHANNELS.map((value) => [value, `channel.${value}`]) }),
    choices({ id: 'log-support', name: 'support', legend: 'log.support', hint: 'log.support.hint',
      checked: values.support == null ? '' : String(values.support),
      options: SUPPORT.map((value) => [value, `support.${value || 'unknown'}`]) }),
    h('div', { class: 'field' },
      h('label', { for: 'log-when', i18n: 'log.when' }),
      h('input', { id: 'log-when', name: 'happened_at', type: 'datetime-local', 'aria-describedby': 'log-when-error',
        value: localInput(values.happened_at ?? Date.now()) }),
      h('p', { id: 'log-when-error', class: 'field-error' })),
    h('div', { class: 'field' },
      h('label', { for: 'log-notes', i18n: 'log.notes' }),
      h('textarea', { id: 'log-notes', name: 'notes', rows: '4', maxlength: '5000', 'aria-describedby': 'log-notes-hint' },
        values.notes ?? ''),
      h('p', { id: 'log-notes-hint', class: 'hint', i18n: 'log.notes.hint' })),
    h('div', { class: 'field' },
      h('label', { for: 'log-follow-up', i18n: 'log.followUp' }),
      h('input', { id: 'log-follow-up', name: 'follow_up_on', type: 'date', value: values.follow_up_on ?? '' })),
    h('details', { class: 'help', id: 'log-more', open: Boolean(values.issue_tags?.length || values.registered != null
      || values.vote_method || values.vote_on) },
    h('summary', { i18n: 'log.more' }),
    issues,
    choices({ id: 'log-registered', name: 'registered', legend: 'log.registered',
      checked: values.registered == null ? '' : String(values.registered),
      options: [['true', 'log.registered.yes'], ['false', 'log.registered.no'], ['', 'log.registered.unknown']] }),
    h('div', { class: 'field' },
      h('label', { for: 'log-vote-method', i18n: 'log.voteMethod' }),
      h('select', { id: 'log-vote-method', name: 'vote_method' },
        h('option', { value: '', i18n: 'log.voteMethod.unset', selected: !values.vote_method }),
        VOTE_METHODS.map((method) => h('option', { value: method, i18n: `voteMethod.${method}`,
          selected: values.vote_method === method })))),
    h('div', { class: 'field' },
      h('label', { for: 'log-vote-on', i18n: 'log.voteOn' }),
      h('input', { id: 'log-vote-on', name: 'vote_on', type: 'date', value: values.vote_on ?? '' }))),
    formAlert('log-form'),
    h('button', { type: 'submit', class: 'button', i18n: 'log.save' }),
    h('p', {}, h('a', { href: '/', class: 'link', i18n: 'log.cancel' }))));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.dataset.busy || !checkForm(form)) return;
    form.dataset.busy = 'true';
    const { relationship_id: person, happened_at: when, notes, follow_up_on: followUp } = form.elements;
    const support = form.elements.support.value;
    const fields = {
      relationship_id: person.value,
      channel: form.elements.channel.value,
      happened_at: withOffset(new Date(when.value)),
      support: support ? Number(support) : null,
      notes: notes.value.trim(),
      follow_up_on: followUp.value || null,
      issue_tags: [...form.querySelectorAll('[name=issue_tags]:checked')].map((box) => box.value),
      registered: { true: true, false: false }[form.elements.registered.value] ?? null,
      vote_method: form.elements.vote_method.value || null,
      vote_on: form.elements.vote_on.value || null,
    };
    if (!record) { // a new log carries only what was given
      for (const [name, value] of Object.entries(fields)) {
        if (value === '' || value === null || (Array.isArray(value) && !value.length)) {
          if (name !== 'support') delete fields[name];
        }
      }
    }
    try {
      const campaignId = chooseCampaign ? Number(chooseCampaign.value) : campaigns[0].id;
      await recordChange({ userId, campaignId, entity: 'conversation', entityId: record?.entity_id ?? crypto.randomUUID(),
        fields, supersedes });
    } catch (error) {
      delete form.dataset.busy;
      const clock = error.name === 'ClockDriftError' || error.name === 'CounterOverflow';
      text(document.getElementById('log-form-alert'), clock ? 'sync.clock' : 'log.notSaved');
      if (!clock) throw error; // unexpected: let it reach the console
      return;
    }
    delete form.dataset.dirty;
    sync.request();
    toasts.show('log.saved', { duration: 4000 });
    navigate('/');
  });
  return form;
}

/** A group of radio buttons with a legend, a hint and an error slot. */
function choices({ id, name, legend, hint, options, checked }) {
  return h('fieldset', { class: 'field choices', id, 'aria-describedby': [hint && `${id}-hint`, `${id}-error`]
    .filter(Boolean).join(' ') },
  h('legend', { i18n: legend }),
  hint ? h('p', { id: `${id}-hint`, class: 'hint', i18n: hint }) : null,
  options.map(([value, key]) => h('label', { class: 'choice' },
    h('input', { type: 'radio', name, value, checked: value === checked }),
    h('span', { i18n: key }))),
  h('p', { id: `${id}-error`, class: 'field-error' }));
}

/** A group of checkboxes (values are shown as they are: the campaign's own words for its issues). */
function checkboxes({ id, name, legend, options, checked }) {
  return h('fieldset', { class: 'field choices', id },
    h('legend', { i18n: legend }),
    options.map((value) => h('label', { class: 'choice' },
      h('input', { type: 'checkbox', name, value, checked: checked.includes(value) }),
      h('span', {}, value))));
}

/** Who, how and when are required; mark what is missing and focus the first. */
function checkForm(form) {
  const missing = [
    ['log-person', form.elements.relationship_id, !form.elements.relationship_id.value],
    ['log-channel', form.querySelector('[name=channel]'), !form.elements.channel.value],
    ['log-when', form.elements.happened_at, !form.elements.happened_at.value],
  ];
  let first = null;
  for (const [id, input, empty] of missing) {
    const error = document.getElementById(`${id}-error`);
    if (empty) {
      text(error, 'error.required');
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    } else {
      delete error.dataset.i18n;
      error.textContent = '';
      input.removeAttribute('aria-invalid');
    }
  }
  const alert = document.getElementById('log-form-alert');
  if (first) text(alert, 'error.fields');
  else alert.textContent = '';
  first?.focus();
  return first === null;
}
