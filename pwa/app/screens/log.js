// Log a conversation (/log, /log?person=<id> from a person's page), or fix one the server did not accept
// (/log/<id>). Save writes the record and its op in one IndexedDB transaction and goes straight back where the
// volunteer came from, online or not; the sync loop sends it.
import { getRecord, pendingOps } from '../../lib/db.js';
import { t } from '../../lib/i18n.js';
import { recordChange } from '../../lib/outbox.js';
import { getProfile } from '../../lib/session.js';
import { CHANNELS, SUPPORT, VOTE_METHODS, activeCampaigns, liveRecords, localInput, personName, withOffset } from '../people.js';
import { html, nothing } from '../screen.js';
import { Form, formAlert } from '../ui/forms.js';

export const title = 'log.title';

/** @param {import('../screen.js').ScreenContext} ctx */
export default function logScreen(ctx) {
  const [conversationId] = ctx.params;
  const form = new Form(ctx, 'log-form');
  let ready = null; // what prepare() found
  let campaignId = null; // the campaign the conversation is for
  prepare(conversationId, ctx.query.get('person')).then((found) => {
    ready = found;
    campaignId = found.campaigns?.[0].id ?? null;
    ctx.update();
  });

  async function save(/** @type {SubmitEvent} */ event) {
    event.preventDefault();
    const element = form.element;
    if (form.busy || !check(form)) return;
    form.busy = true;
    const { record, userId, supersedes, preset } = ready;
    const fields = valuesOf(element);
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
        })}</div>
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
  for (const campaign of campaigns) {
    const known = await liveRecords(userId, campaign.id, 'relationship');
    if (known.length || record) people.set(campaign.id, known);
  }
  if (!people.size) return { problem: 'log.noPeople' };
  return { userId, campaigns: campaigns.filter((campaign) => people.has(campaign.id)), record, supersedes, people, preset };
}

function logForm(form, { campaigns, record, people, preset }, campaignId, save, chooseCampaign) {
  // a new log starts in person, now: with the person chosen, how it went and Save are the only taps left
  const values = record?.values ?? { channel: 'in_person', ...preset };
  const issueTags = campaigns.find((campaign) => campaign.id === campaignId)?.issue_tags ?? [];
  const known = people.get(campaignId) ?? [];
  const orphan = values.relationship_id && !known.some((person) => person.entity_id === values.relationship_id);
  const error = (name) => form.errors.has(name);
  return html`<form id="log-form" novalidate aria-labelledby="log-title" @submit=${save}>
    ${campaigns.length > 1 ? html`<div class="field">
      <label for="log-campaign">${t('log.campaign')}</label>
      <select id="log-campaign" name="campaign" @change=${(/** @type {Event} */ event) => chooseCampaign(
        Number(/** @type {HTMLSelectElement} */ (event.target).value))}>${campaigns.map((campaign) => html`
        <option value=${String(campaign.id)}>${campaign.name}</option>`)}</select>
    </div>` : nothing}
    <div class="field">
      <label for="log-person">${t('log.person')}</label>
      <select id="log-person" name="relationship_id" aria-describedby="log-person-error"
        aria-invalid=${error('relationship_id') ? 'true' : nothing}
        ?disabled=${Boolean(record?.version)}>
        <option value="" ?selected=${!values.relationship_id}>${t('log.person.choose')}</option>
        ${known.map((person) => html`<option value=${person.entity_id}
          ?selected=${person.entity_id === values.relationship_id}>${personName(person)}</option>`)}
        ${orphan ? html`<option value=${values.relationship_id} selected>${personName(null)}</option>` : nothing}
      </select>
      <p id="log-person-error" class="field-error">${form.errorText('relationship_id')}</p>
    </div>
    ${choices(form, { id: 'log-channel', name: 'channel', legend: 'log.channel', checked: values.channel,
      options: CHANNELS.map((value) => [value, `channel.${value}`]) })}
    ${choices(form, { id: 'log-support', name: 'support', legend: 'log.support', hint: 'log.support.hint',
      checked: values.support == null ? '' : String(values.support),
      options: SUPPORT.map((value) => [value, `support.${value || 'unknown'}`]) })}
    <div class="field">
      <label for="log-when">${t('log.when')}</label>
      <input id="log-when" name="happened_at" type="datetime-local" aria-describedby="log-when-error"
        aria-invalid=${error('happened_at') ? 'true' : nothing} value=${localInput(values.happened_at ?? Date.now())}>
      <p id="log-when-error" class="field-error">${form.errorText('happened_at')}</p>
    </div>
    <div class="field">
      <label for="log-notes">${t('log.notes')}</label>
      <textarea id="log-notes" name="notes" rows="4" maxlength="5000" aria-describedby="log-notes-hint"
        .defaultValue=${values.notes ?? ''}></textarea>
      <p id="log-notes-hint" class="hint">${t('log.notes.hint')}</p>
    </div>
    <div class="field">
      <label for="log-follow-up">${t('log.followUp')}</label>
      <input id="log-follow-up" name="follow_up_on" type="date" value=${values.follow_up_on ?? ''}>
    </div>
    <details class="help" id="log-more" ?open=${Boolean(values.issue_tags?.length || values.registered != null
      || values.vote_method || values.vote_on)}>
      <summary>${t('log.more')}</summary>
      <div id="log-issues-slot">${issueTags.length ? html`<fieldset class="field choices" id="log-issues">
        <legend>${t('log.issues')}</legend>
        ${issueTags.map((value) => html`<label class="choice"><input type="checkbox" name="issue_tags" value=${value}
          ?checked=${(values.issue_tags ?? []).includes(value)}><span>${value}</span></label>`)}
      </fieldset>` : nothing}</div>
      ${choices(form, { id: 'log-registered', name: 'registered', legend: 'log.registered',
        checked: values.registered == null ? '' : String(values.registered),
        options: [['true', 'log.registered.yes'], ['false', 'log.registered.no'], ['', 'log.registered.unknown']] })}
      <div class="field">
        <label for="log-vote-method">${t('log.voteMethod')}</label>
        <select id="log-vote-method" name="vote_method">
          <option value="" ?selected=${!values.vote_method}>${t('log.voteMethod.unset')}</option>
          ${VOTE_METHODS.map((method) => html`<option value=${method}
            ?selected=${values.vote_method === method}>${t(`voteMethod.${method}`)}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="log-vote-on">${t('log.voteOn')}</label>
        <input id="log-vote-on" name="vote_on" type="date" value=${values.vote_on ?? ''}>
      </div>
    </details>
    ${formAlert(form)}
    <button type="submit" class="button">${t('log.save')}</button>
    <p><a href=${preset.relationship_id ? `/people/${preset.relationship_id}` : '/'} class="link">${t('log.cancel')}</a></p>
  </form>`;
}

/** A group of radio buttons with a legend, a hint and an error slot. */
function choices(form, { id, name, legend, hint = '', options, checked }) {
  return html`<fieldset class="field choices" id=${id}
    aria-describedby=${[hint && `${id}-hint`, `${id}-error`].filter(Boolean).join(' ')}>
    <legend>${t(legend)}</legend>
    ${hint ? html`<p id=${`${id}-hint`} class="hint">${t(hint)}</p>` : nothing}
    ${options.map(([value, key]) => html`<label class="choice">
      <input type="radio" name=${name} value=${value} ?checked=${value === checked}
        aria-invalid=${form.errors.has(name) ? 'true' : nothing}><span>${t(key)}</span></label>`)}
    <p id=${`${id}-error`} class="field-error">${form.errorText(name)}</p>
  </fieldset>`;
}

/** The conversation's fields as the form holds them. */
function valuesOf(element) {
  const { relationship_id: person, happened_at: when, notes, follow_up_on: followUp } = element.elements;
  const support = element.elements.support.value;
  return {
    relationship_id: person.value,
    channel: element.elements.channel.value,
    happened_at: withOffset(new Date(when.value)),
    support: support ? Number(support) : null,
    notes: notes.value.trim(),
    follow_up_on: followUp.value || null,
    issue_tags: [...element.querySelectorAll('[name=issue_tags]:checked')].map((box) => box.value),
    registered: { true: true, false: false }[element.elements.registered.value] ?? null,
    vote_method: element.elements.vote_method.value || null,
    vote_on: element.elements.vote_on.value || null,
  };
}

/** Who, how and when are required; mark what is missing and focus the first. */
function check(form) {
  const { elements } = form.element;
  const errors = new Map();
  if (!elements.relationship_id.value) errors.set('relationship_id', ['error.required']);
  if (!elements.channel.value) errors.set('channel', ['error.required']);
  if (!elements.happened_at.value) errors.set('happened_at', ['error.required']);
  form.show(errors);
  return errors.size === 0;
}
