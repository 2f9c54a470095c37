// /people/<id>: one person. Their voter card, how you know them, reaching out from your own phone (sms:, tel:,
// mailto: links: Kin never sends anything itself), the campaign's ideas and your own message, the conversations
// logged with them and the next step, and, offered, the volunteer's recruit link as a QR code to invite them to
// volunteer (nothing is recorded: there is no visit to record it on). What they asked (not to be contacted at all,
// or not by some channels) replaces the links it refuses, and is recorded here too (pwa/app/ui/asked.js).
import { getContact } from '../../lib/contacts/store.js';
import { getMeta, getRecord, getVoter, setMeta } from '../../lib/db.js';
import { formatDateTime, formatDay, language, t } from '../../lib/i18n.js';
import { onRecordsChange, recordChange } from '../../lib/outbox.js';
import { getProfile } from '../../lib/session.js';
import { activeCampaigns, cardValues, peopleOf, personName } from '../people.js';
import { html, nothing } from '../../ui/screen.js';
import { checkEntity, entityField, fieldText, readEntityForm } from '../ui/entity-form.js';
import { Form, formAlert } from '../../ui/forms.js';
import { icon } from '../ui/icons.js';
import { RecruitShare } from '../ui/recruit-share.js';
import { CHANNELS, askedForm, askedLine } from '../../ui/asked.js';
import { keepAsked, refusedBy } from '../ui/asked.js';

export const title = 'person.title';
const ABOUT = ['kind', 'closeness', 'notes']; // the relationship's fields the volunteer tells here

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function personScreen(ctx) {
  const [relationshipId] = ctx.params;
  let found; // undefined while loading, null when not this volunteer's person
  let message = null; // the message as the volunteer is writing it, {name} filled in
  const about = new Form(ctx, 'about-form');
  /** @type {RecruitShare | null} made once the person (and so the campaign) is known */
  let recruiting = null;

  async function load() {
    found = await read(relationshipId);
    message ??= found ? found.start.replaceAll('{name}', firstNameOf(found)) : '';
    ctx.update();
  }
  ctx.watch(onRecordsChange(load));
  load();

  return () => html`<section class="screen" id="person">
    <h1 id="person-title" tabindex="-1">${found ? personName(found.record, found.voter) : t('person.title')}</h1>
    <div>${found === undefined ? html`<p class="loading">${t('app.loading')}</p>`
      : found === null ? html`<p>${t('person.notFound')}</p>`
        : page(found)}</div>
  </section>`;

  function page(person) {
    const { voter, conversations, followUp } = person;
    return html`
      ${voter ? html`<p class="card voter-card" id="person-card"><span class="hint">${t('person.card')}</span>
        <span>${t('voter.card', cardValues(voter))}</span></p>` : nothing}
      ${followUp ? html`<p class="notice" id="next-step">${t('person.nextStep', { date: formatDay(followUp) })}</p>`
        : nothing}
      ${reachOut(person)}
      ${inviteToVolunteer(person)}
      ${history(conversations)}
      ${aboutForm(person)}
      ${askedFold(person)}`;
  }

  function inviteToVolunteer({ record }) {
    recruiting ??= new RecruitShare({ userId: record.user_id, campaignId: record.campaign_id,
      update: () => ctx.update() });
    return recruiting.view('person-invite', null);
  }

  /**
   * The next thing to do first: links that open the volunteer's own apps with their own message (first name filled
   * in), then logging how it went. The message and the campaign's ideas fold away once a message is kept.
   */
  function reachOut(person) {
    const { record, contact, campaign, draft, draftKey, asked } = person;
    const firstName = firstNameOf(person);
    const body = encodeURIComponent(message.replaceAll('{name}', firstName));
    const allowed = (channel) => !asked.includes(channel);
    const phones = allowed('text') || allowed('call') ? contact?.phones ?? [] : [];
    const emails = allowed('email') ? contact?.emails ?? [] : [];
    const ideas = inMyLanguage(campaign.talking_points) ?? [];
    const reachable = phones.length || emails.length;
    if (asked.length === CHANNELS.length) {
      return html`<section class="card reach" aria-labelledby="reach-title">
        <h2 id="reach-title">${t('person.reach')}</h2>
        ${askedLine(asked, 'person-asked')}
      </section>`;
    }
    const keep = async () => {
      // kept as a template: this person's first name goes back to {name} for the next one
      await setMeta(draftKey, firstName ? message.replaceAll(firstName, '{name}') : message);
      ctx.toasts.show('person.message.saved', { duration: 3000 });
    };
    return html`<section class="card reach" aria-labelledby="reach-title">
      <h2 id="reach-title">${t('person.reach')}</h2>
      <p class="hint">${t('person.reach.hint')}</p>
      ${askedLine(asked, 'person-asked')}
      ${reachable ? html`<div class="reach-links">
        ${phones.map(({ value }) => html`
          ${allowed('text') ? html`<a class="button reach" href=${`sms:${dialable(value)}?&body=${body}`}>${
            icon('text')}${t('person.text', { number: value })}</a>` : nothing}
          ${allowed('call') ? html`<a class="button secondary reach" href=${`tel:${dialable(value)}`}>${icon('call')}${
            t('person.call', { number: value })}</a>` : nothing}`)}
        ${emails.map(({ value }) => html`
          <a class="button secondary reach" href=${`mailto:${value}?body=${body}`}>${icon('email')}${
            t('person.email', { address: value })}</a>`)}
      </div>` : html`<p id="no-contact">${t('person.noContact')}</p>`}
      <details class="fold" id="message-fold" ?open=${!draft}>
        <summary>${t('person.message')}<span class="fold-preview">${message}</span></summary>
        ${ideas.length ? html`<h3>${t('person.ideas')}</h3>
          <ul class="ideas" id="ideas">${ideas.map((idea) => html`<li>${idea}</li>`)}</ul>` : nothing}
        <div class="field">
          <label for="message" class="visually-hidden">${t('person.message')}</label>
          <textarea id="message" rows="4" maxlength="1000" aria-describedby="message-hint" .value=${message}
            @input=${(/** @type {Event} */ event) => {
              message = /** @type {HTMLTextAreaElement} */ (event.target).value;
              ctx.update();
            }}></textarea>
          <p id="message-hint" class="hint">${t('person.message.hint')}</p>
        </div>
        <button type="button" id="message-save" class="button secondary" @click=${keep}>${t('person.message.save')}</button>
      </details>
      <a href=${`/log?person=${record.entity_id}`} id="log-person-link"
        class=${reachable ? 'button secondary' : 'button'}>${icon('log')}${t('person.log')}</a>
    </section>`;
  }

  /** What they asked, recorded or changed here: it reaches every volunteer who has them, and the organizers. */
  function askedFold({ record, userId, campaign, asked }) {
    const save = async (flags) => {
      await keepAsked({ userId, campaignId: campaign.id, voterId: record.values.voter_id, flags, from: 'person' });
      ctx.sync.request();
      ctx.toasts.show('asked.saved', { duration: 3000 });
    };
    return html`<details class="fold" id="asked-fold">
      <summary><h2 id="asked-title">${t('asked.title')}</h2></summary>
      ${askedForm({ id: 'asked-form', channels: asked, onSave: save })}
    </details>`;
  }

  /** How you know them, how close, your notes: the volunteer's own fields of the relationship. */
  function aboutForm({ record, userId, campaign }) {
    const { values } = record;
    const save = async (/** @type {SubmitEvent} */ event) => {
      event.preventDefault();
      const fields = readEntityForm(about.element, 'relationship', ABOUT);
      const errors = checkEntity('relationship', fields);
      about.show(errors);
      if (errors.size) return;
      await recordChange({ userId, campaignId: campaign.id, entity: 'relationship', entityId: record.entity_id, fields });
      about.element.removeAttribute('data-dirty');
      ctx.sync.request();
      ctx.toasts.show('person.saved', { duration: 3000 });
    };
    return html`<details class="fold" id="about-fold" ?open=${about.errors.size > 0}>
      <summary><h2 id="about-title">${t('person.how')}</h2></summary>
      <form id="about-form" novalidate aria-labelledby="about-title" @submit=${save}>
        ${ABOUT.map((name) => entityField(about, 'relationship', name, { id: `person-${name}`, value: values[name] }))}
        ${formAlert(about)}
        <button type="submit" class="button secondary">${t('person.save')}</button>
      </form>
    </details>`;
  }
}

async function read(relationshipId) {
  const profile = getProfile();
  const record = await getRecord('relationship', relationshipId);
  if (!record || record.user_id !== profile.user.id || record.deleted) return null;
  const campaign = activeCampaigns(profile).find((c) => c.id === record.campaign_id);
  if (!campaign) return null;
  const person = (await peopleOf(profile.user.id, campaign.id)).find((p) => p.record.entity_id === relationshipId);
  const contact = record.local?.contact_id ? await getContact(record.local.contact_id) : null;
  const draftKey = `messages/${profile.user.id}/${campaign.id}`;
  const kept = await getMeta(draftKey);
  // the volunteer's own message once they kept one; until then the campaign's, in their language
  return { ...person, voter: person.voter ?? await getVoter(campaign.id, record.values.voter_id), contact, campaign,
    asked: await refusedBy(record.values.voter_id),
    userId: profile.user.id, draftKey, draft: kept ?? '', start: kept ?? inMyLanguage(campaign.message_template) ?? '' };
}

/**
 * A campaign setting written per language ({"en": ..., "es": ...}): the volunteer's language's, else another's.
 * A phone that last synced before settings had languages holds the one list: that is the answer.
 */
function inMyLanguage(perLanguage) {
  if (perLanguage == null || Array.isArray(perLanguage)) return perLanguage ?? null;
  const filled = (value) => (Array.isArray(value) ? value.length > 0 : Boolean(value));
  const mine = perLanguage[language()];
  return filled(mine) ? mine : Object.values(perLanguage).find(filled) ?? null;
}

function firstNameOf({ voter, record }) {
  return voter?.first_name || personName(record, voter).split(' ')[0];
}

/** A number as a dial or SMS link takes it: digits and a leading +. */
function dialable(value) {
  return value.replace(/[^\d+]/g, '');
}

function history(conversations) {
  return html`<section aria-labelledby="history-title">
    <h2 id="history-title">${t('person.history')}</h2>
    ${conversations.length ? html`<ul class="conversations" id="history">${conversations.map((c) => html`
      <li class="conversation">
        <h3>${fieldText('conversation', 'channel', c.values.channel)} · ${formatDateTime(c.values.happened_at)}</h3>
        <p>${t('conversation.support', { support: fieldText('conversation', 'support', c.values.support) })}</p>
        ${c.values.notes ? html`<p class="notes">${c.values.notes}</p>` : nothing}
        ${c.values.review_reply ? html`<p class="reply">${t('conversation.reply', { reply: c.values.review_reply })}</p>`
          : nothing}
      </li>`)}</ul>` : html`<p>${t('person.noHistory')}</p>`}
  </section>`;
}
