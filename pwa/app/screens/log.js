// Log a conversation (/log, /log?person=<id> from a person's page), or fix one the server did not accept
// (/log/<id>). Save writes the record and its op in one IndexedDB transaction and goes straight back where the
// volunteer came from, online or not; the sync loop sends it.
import { getRecord, pendingOps, votersOf } from '../../lib/db.js';
import { t } from '../../lib/i18n.js';
import { recordChange } from '../../lib/outbox.js';
import { getProfile } from '../../lib/session.js';
import { activeCampaigns, liveRecords, personName } from '../people.js';
import { html, nothing } from '../../ui/screen.js';
import { checkEntity, entityField, readEntityForm } from '../ui/entity-form.js';
import { Form, formAlert } from '../../ui/forms.js';

export const title = 'log.title';

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function logScreen(ctx) {
  const [conversationId] = ctx.params;
  const form = new Form(ctx, 'log-form');
  let ready = null; // what prepare() found
  let campaignId = null; // the campaign the conversation is for
  let personSearch = ''; // what the volunteer typed to find the person
  prepare(conversationId, ctx.query.get('person')).then((found) => {
    ready = found;
    campaignId = found.campaigns?.[0].id ?? null;
    ctx.update();
  });

  async function save(/** @type {SubmitEvent} */ event) {
    event.preventDefault();
    const element = form.element;
    if (form.busy) return;
    const { record, userId, supersedes, preset, campaigns } = ready;
    const { fields, errors } = read(form, Boolean(campaigns.find((c) => c.id === campaignId)?.issue_tags?.length));
    form.show(errors);
    if (errors.size) return;
    form.busy = true;
    if (!record) { // a new log carries only what was given
      for (const [name, value] of Object.entries(fields)) {
        if (value === '' || value === null || (Array.isArray(value) && !value.length)) {
          if (name !== 'support') delete fields[name];
        }
      }
    }
    try {
      await recordChange({ userId, campaignId, entity: 'conversation', entityId: record?.entity_id ?? crypto.randomUUID(),
        fields, supersedes });
    } catch (error) {
      form.busy = false;
      const clock = error.name === 'ClockDriftError' || error.name === 'CounterOverflow';
      form.show(new Map(), [clock ? 'sync.clock' : 'log.notSaved']);
      if (!clock) throw error; // unexpected: let it reach the console
      return;
    }
    element.removeAttribute('data-dirty');
    ctx.sync.request();
    ctx.toasts.show('log.saved', { duration: 4000 });
    ctx.navigate(preset.relationship_id ? `/people/${preset.relationship_id}` : '/');
  }

  return () => html`<section class="screen" id="log">
    <h1 id="log-title" tabindex="-1">${t(conversationId ? 'log.fixTitle' : 'log.title')}</h1>
    <div>${!ready ? html`<p class="loading">${t('app.loading')}</p>`
      : ready.problem ? html`<p>${t(ready.problem)}</p>`
        : logForm(form, ready, campaignId, save, (id) => {
          campaignId = id;
          ctx.update();
        }, { text: personSearch, onInput: (text) => {
          personSearch = text;
          ctx.update();
        } })}</div>
  </section>`;
}

/**
 * What the form needs: the campaigns to log in, the person's people in each, the conversation being fixed, and
 * the person already chosen (from their page).
 */
async function prepare(conversationId, personId) {
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
  const person = !record && personId ? await getRecord('relationship', personId) : null;
  let preset = {};
  if (person?.user_id === userId && !person.deleted) {
    campaigns = campaigns.filter((campaign) => campaign.id === person.campaign_id);
    preset = { relationship_id: personId };
  }
  if (!campaigns.length) return { problem: 'home.none' };
  const people = new Map();
  const voters = new Map(); // voter cards by voter id, for the names of people the phone has no label for
  for (const campaign of campaigns) {
    const known = await liveRecords(userId, campaign.id, 'relationship');
    if (known.length || record) people.set(campaign.id, known);
    for (const [id, card] of await votersOf(campaign.id)) voters.set(id, card);
  }
  if (!people.size) return { problem: 'log.noPeople' };
  return { userId, campaigns: campaigns.filter((campaign) => people.has(campaign.id)), record, supersedes, people,
    voters, preset };
}

/** The conversation's fields this form shows, in order; the rest (voter_id, the organizer's) are not the volunteer's. */
const MAIN = ['channel', 'support', 'happened_at', 'notes', 'follow_up_on'];
const MORE = ['issue_tags', 'registered', 'vote_method', 'vote_on'];

function logForm(form, { campaigns, record, people, voters, preset }, campaignId, save, chooseCampaign, search) {
  // a new log starts in person, now: with the person chosen, how it went and Save are the only taps left
  const values = record?.values ?? { channel: 'in_person', happened_at: new Date().toISOString(), ...preset };
  const issueTags = campaigns.find((campaign) => campaign.id === campaignId)?.issue_tags ?? [];
  const known = people.get(campaignId) ?? [];
  const orphan = values.relationship_id && !known.some((person) => person.entity_id === values.relationship_id);
  const field = (name, options = {}) => entityField(form, 'conversation', name,
    { id: `log-${name.replaceAll('_', '-')}`, value: values[name], ...options });
  return html`<form id="log-form" novalidate aria-labelledby="log-title" @submit=${save}>
    ${campaigns.length > 1 ? html`<div class="field">
      <label for="log-campaign">${t('log.campaign')}</label>
      <select id="log-campaign" name="campaign" @change=${(/** @type {Event} */ event) => chooseCampaign(
        Number(/** @type {HTMLSelectElement} */ (event.target).value))}>${campaigns.map((campaign) => html`
        <option value=${String(campaign.id)}>${campaign.name}</option>`)}</select>
    </div>` : nothing}
    ${field('relationship_id', { id: 'log-person', disabled: Boolean(record?.version), // the server has it: fixed
      search, options: [...known.map((person) => [person.entity_id, personName(person, voters.get(person.values.voter_id))]),
        ...(orphan ? [[values.relationship_id, personName(null)]] : [])] })}
    ${field('channel')}
    ${field('support', { hint: true })}
    ${field('happened_at')}
    ${field('notes', { hint: true })}
    ${field('follow_up_on')}
    <details class="fold" id="log-more" ?open=${MORE.some((name) => values[name] != null
      && !(Array.isArray(values[name]) && !values[name].length))}>
      <summary>${t('log.more')}</summary>
      ${issueTags.length ? field('issue_tags', { id: 'log-issues', options: issueTags }) : nothing}
      ${field('registered')}
      ${field('vote_method')}
      ${field('vote_on')}
    </details>
    ${formAlert(form)}
    <div class="form-actions">
      <a href=${preset.relationship_id ? `/people/${preset.relationship_id}` : '/'} class="button secondary">${
        t('log.cancel')}</a>
      <button type="submit" class="button">${t('log.save')}</button>
    </div>
  </form>`;
}

/**
 * The conversation as the form holds it, and what is wrong with it: the declaration's rules, and a person, which
 * this form always needs.
 */
function read(form, issueTagsShown) {
  const names = ['relationship_id', ...MAIN, ...MORE.filter((name) => name !== 'issue_tags' || issueTagsShown)];
  const fields = readEntityForm(form.element, 'conversation', names);
  const errors = checkEntity('conversation', fields);
  if (!fields.relationship_id) errors.set('relationship_id', ['error.required']);
  return { fields, errors };
}
