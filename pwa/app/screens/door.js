// /doors/<campaign>/<turf>/<household>: one door, from the walk list kept on this phone. "Not home" for the whole
// household is one tap, and takes the volunteer on to the next door; a voter's result is one tap, and for
// "talked" the support level is the second; then, optionally, the campaign's own questions (a tap each, on chips),
// issues, literature and notes, and, offered, never assumed, "Stay in touch" (the voter joins My people, met at
// the door) and "Invite to volunteer" (the volunteer's recruit link as a QR code; "They scanned it" records
// `invited` on the visit). Someone met who is not in the voter file is added on the visit. "Wrong address", or a
// talk where the number, street or unit was not the list's, takes the address as the volunteer found it, for
// organizers to fix the voter file (Kin never does by itself). Each is a door_visit record and its op in the outbox
// (pwa/lib/outbox.js): saved offline, sent once by the sync loop, shown as waiting until it is, and kept here with
// the server's reasons if refused. "Asked not to be contacted" records, for the whole campaign, which channels the
// person refused (pwa/app/ui/asked.js): someone who refused the door is shown as "do not knock", with no results.
import { getRecord, pendingOps, saveVoters } from '../../lib/db.js';
import { formatDateTime, t } from '../../lib/i18n.js';
import { onRecordsChange } from '../../lib/outbox.js';
import { getProfile } from '../../lib/session.js';
import { html, nothing } from '../../ui/screen.js';
import { Form, formAlert } from '../../ui/forms.js';
import { keepVisit, visitFields as newVisit } from '../door-visits.js';
import { addressOf, nextDoor, sideOf, visitsByHousehold, walkListOf } from '../doors.js';
import { addPerson, liveRecords, voterName } from '../people.js';
import { checkEntity, entityField, fieldText, localInput, readEntityForm, withOffset } from '../ui/entity-form.js';
import { CardShare } from '../ui/my-card.js';
import { RecruitShare } from '../ui/recruit-share.js';
import { rejectionLines } from '../ui/rejections.js';
import { askedForm, askedLine, refused } from '../../ui/asked.js';
import { keepAsked } from '../ui/asked.js';
import { surveyChips } from '../ui/survey.js';

export const title = 'door.title';

const VOTER_RESULTS = ['talked', 'refused', 'come_back', 'moved', 'inaccessible', 'wrong_address', 'deceased'];
const SUPPORT = [1, 2, 3, 4, 5, null];
const DETAILS = ['issue_tags', 'literature_left', 'notes'];
const NEW_PERSON = ['person_first_name', 'person_last_name', 'person_phone', 'person_email'];
const HOUR_MS = 60 * 60_000;
/** The address as found at the door, each optional, with its declared length (sync/entities.py). */
const CORRECTION = { corrected_house_number: 40, corrected_street: 200, corrected_unit: 60 };

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function doorScreen(ctx) {
  const [campaignId, turfId] = ctx.params.slice(0, 2).map(Number);
  const householdId = ctx.params[2];
  const profile = getProfile();
  const userId = profile.user.id;
  let found; // undefined while loading, null when the door is not on this phone
  let choosing = new Map(); // voter id (or 'new') → the result tapped, while its second step shows
  const forms = new Map(); // visit id → the Form of its details
  const newPerson = new Form(ctx, 'new-person-form');
  const answering = new Map(); // visit id → its answers as last tapped, so quick taps build on each other
  const myCard = new CardShare({ userId, name: profile.user.display_name ?? '', update: () => ctx.update() });
  const recruiting = new RecruitShare({ userId, campaignId, update: () => ctx.update() });

  async function load() {
    const list = await walkListOf(profile, campaignId, turfId);
    const index = list ? list.doors.findIndex((door) => door.household_id === householdId) : -1;
    if (index < 0) {
      found = null;
      ctx.update();
      return;
    }
    const [visits, ops, people] = await Promise.all([visitsByHousehold(userId, campaignId), pendingOps(userId),
      liveRecords(userId, campaignId, 'relationship')]);
    const door = list.doors[index];
    // what each voter asked: as synced since, else as the walk list had it when it was taken
    const asked = new Map(await Promise.all(door.voters.map(async (voter) => {
      const record = await getRecord('contact_preference', voter.id);
      return /** @type {[string, string[]]} */ ([voter.id, record ? refused(record.values) : voter.refused ?? []]);
    })));
    found = { list, index, door, visits, here: visits.get(householdId) ?? [], ops, asked,
      people: new Map(people.map((person) => [person.values.voter_id, person])) };
    ctx.update();
  }
  ctx.watch(onRecordsChange(load));
  load();

  /** Keep a visit (new, or more about one made) with its op; the sync loop sends it. */
  async function keep(visitId, fields) {
    await keepVisit({ userId, campaignId, visitId, fields });
    ctx.sync.request();
  }

  const visitFields = (fields) => newVisit(householdId, fields);

  async function notHome() {
    await keep(crypto.randomUUID(), visitFields({ result: 'not_home' }));
    ctx.toasts.show('door.notHome.saved', { duration: 3000 });
    goNext();
  }

  function goNext() {
    const visits = new Map(found.visits).set(householdId, [...found.here, { values: { result: 'not_home' } }]);
    const next = nextDoor(found.list.doors, visits, found.index);
    ctx.navigate(next ? `/doors/${campaignId}/${turfId}/${next.household_id}` : `/doors/${campaignId}/${turfId}`);
  }

  async function result(voterId, value, more = {}) {
    choosing.delete(voterId);
    await keep(crypto.randomUUID(), visitFields({ voter_id: voterId, result: value, ...more }));
    ctx.toasts.show('door.saved', { duration: 3000 });
  }

  async function keepWhatTheyAsked(voterId, flags) {
    choosing.delete(voterId);
    await keepAsked({ userId, campaignId, voterId, flags, from: 'door' });
    ctx.sync.request();
    ctx.toasts.show('asked.saved', { duration: 3000 });
  }

  function tap(voterId, value) {
    if (value === 'talked' || value === 'come_back' || value === 'wrong_address' || value === 'asked') {
      choosing = new Map(choosing).set(voterId, value); // a second tap: the support level, when, or where
      ctx.update();
      /** @type {HTMLElement | null | undefined} */ (document.getElementById(`second-${voterId}`)
        ?.querySelector('button, input'))?.focus();
    } else {
      result(voterId, value);
    }
  }

  return () => html`<section class="screen" id="door">${found === undefined
    ? html`<h1 tabindex="-1">${t('door.title')}</h1><p class="loading">${t('app.loading')}</p>`
    : found === null ? html`<h1 tabindex="-1">${t('door.title')}</h1><p id="door-missing">${t('walk.missing')}</p>
      <a class="button" href="/doors">${t('take.toDoors')}</a>`
      : page(found)}</section>`;

  function page({ list, index, door, here }) {
    const household = here.filter((visit) => !visit.values.voter_id && !visit.values.person_first_name
      && !visit.values.person_last_name);
    const added = here.filter((visit) => !visit.values.voter_id && !household.includes(visit));
    return html`
      <h1 id="door-title" tabindex="-1">${addressOf(door)}</h1>
      <p class="hint" id="door-where">${t('door.where', { n: index + 1, doors: list.doors.length,
        side: t(`walk.side.${sideOf(door)}`, { street: door.street }) })}</p>
      ${household.map((visit) => visitLine(visit))}
      <button type="button" class="button not-home" id="not-home" @click=${notHome}>${t('door.notHome')}</button>
      <h2 id="voters-title">${t('door.who')}</h2>
      <ul class="door-voters" aria-labelledby="voters-title">${door.voters.map((voter) => voterItem(voter))}
        ${added.map((visit) => html`<li class="card door-voter added" data-visit=${visit.entity_id}>
          <h3>${[visit.values.person_first_name, visit.values.person_last_name].filter(Boolean).join(' ')}</h3>
          ${visitLine(visit)}
        </li>`)}</ul>
      ${newPersonForm()}
      <div class="row-buttons door-nav">
        <a class="button secondary" href=${`/doors/${campaignId}/${turfId}`}>${t('door.back')}</a>
        <button type="button" class="button secondary" id="door-next" @click=${goNext}>${t('door.next')}</button>
      </div>`;
  }

  function voterItem(voter) {
    const visits = found.here.filter((visit) => visit.values.voter_id === voter.id);
    const last = visits.at(-1);
    const id = `voter-${voter.id}`;
    const asked = found.asked.get(voter.id) ?? [];
    const knock = !asked.includes('door');
    return html`<li class=${knock ? 'card door-voter' : 'card door-voter do-not-knock'} id=${id} data-voter=${voter.id}>
      <h3 id=${`${id}-name`}>${voterName(voter)}</h3>
      <p class="hint">${[voter.age, voter.city, voter.priority ? t('people.priority') : null].filter(Boolean)
        .join(' · ')}</p>
      ${askedLine(asked, `${id}-asked`)}
      ${knock ? nothing : html`<p class="asked do-not-knock-line">${t('asked.doNotKnock')}</p>`}
      ${visits.map((visit) => visitLine(visit))}
      ${choosing.get(voter.id) === 'asked' || !knock ? resultChoices(voter.id, `${id}-name`, asked)
        : last ? html`${afterVisit(voter, last)}${askedButton(voter.id)}` : resultChoices(voter.id, `${id}-name`, asked)}
    </li>`;
  }

  /**
   * First tap: what happened; for talked, the support level is the second, for come back, when; for "asked not to be
   * contacted", which channels. Someone who refused the door gets only the way to change what they asked.
   */
  function resultChoices(voterId, labelledBy, asked = []) {
    const chosen = choosing.get(voterId);
    const cancel = () => {
      choosing.delete(voterId);
      ctx.update();
    };
    if (chosen === 'asked') {
      return html`<div class="second-step" id=${`second-${voterId}`} role="group" aria-labelledby=${labelledBy}>
        ${askedForm({ id: `asked-${voterId}`, channels: asked, onSave: (flags) => keepWhatTheyAsked(voterId, flags),
          onCancel: cancel })}
      </div>`;
    }
    if (asked.includes('door')) {
      return html`<button type="button" class="button secondary asked-change" @click=${() => tap(voterId, 'asked')}>${
        t('asked.change')}</button>`;
    }
    if (chosen === 'talked') {
      return html`<div class="second-step" id=${`second-${voterId}`} role="group" aria-labelledby=${labelledBy}>
        <p class="step-title">${t('door.support')}</p>
        <div class="tap-grid">${SUPPORT.map((level) => html`<button type="button" class="button secondary support"
          data-support=${String(level)} @click=${() => result(voterId, 'talked', { support: level })}>${
          fieldText('door_visit', 'support', level)}</button>`)}</div>
        <button type="button" class="button secondary cancel" @click=${() => {
          choosing.delete(voterId);
          ctx.update();
        }}>${t('door.cancel')}</button>
      </div>`;
    }
    if (chosen === 'wrong_address') {
      const id = `second-${voterId}`;
      return html`<form class="second-step" id=${id} aria-labelledby=${labelledBy} novalidate
        @submit=${(/** @type {SubmitEvent} */ event) => {
          event.preventDefault();
          result(voterId, 'wrong_address', foundAddress(/** @type {HTMLFormElement} */ (event.target), true));
        }}>
        <p class="step-title">${t('door.fix.title')}</p>
        ${addressFields(id, {})}
        <div class="row-buttons">
          <button type="button" class="button secondary" @click=${() => {
            choosing.delete(voterId);
            ctx.update();
          }}>${t('door.cancel')}</button>
          <button type="submit" class="button">${t('door.save')}</button>
        </div>
      </form>`;
    }
    if (chosen === 'come_back') {
      return html`<form class="second-step" id=${`second-${voterId}`} aria-labelledby=${labelledBy}
        @submit=${(/** @type {SubmitEvent} */ event) => {
          event.preventDefault();
          const input = /** @type {HTMLInputElement} */ (/** @type {HTMLFormElement} */ (event.target).elements
            .namedItem('come_back_at'));
          result(voterId, 'come_back', { come_back_at: withOffset(new Date(input.value || Date.now() + 2 * HOUR_MS)) });
        }}>
        <div class="field">
          <label for=${`come-back-${voterId}`}>${fieldText('door_visit', 'come_back_at')}</label>
          <input type="datetime-local" id=${`come-back-${voterId}`} name="come_back_at" required
            value=${localInput(Date.now() + 2 * HOUR_MS)}>
        </div>
        <div class="row-buttons">
          <button type="button" class="button secondary" @click=${() => {
            choosing.delete(voterId);
            ctx.update();
          }}>${t('door.cancel')}</button>
          <button type="submit" class="button">${t('door.save')}</button>
        </div>
      </form>`;
    }
    return html`<div class="tap-grid results" role="group" aria-labelledby=${labelledBy}>${VOTER_RESULTS.map((value) =>
      html`<button type="button" class=${value === 'talked' ? 'button talked' : 'button secondary'} data-result=${value}
        @click=${() => tap(voterId, value)}>${fieldText('door_visit', 'result', value)}</button>`)}
      ${askedButton(voterId)}</div>`;
  }

  function askedButton(voterId) {
    return html`<button type="button" class="button secondary asked-button" data-result="asked"
      @click=${() => tap(voterId, 'asked')}>${t('asked.button')}</button>`;
  }

  /** After a voter's visit: what more to tell of it (optional), and, after a talk, the offer to stay in touch. */
  function afterVisit(voter, visit) {
    if (visit.values.result !== 'talked') return nothing;
    return html`${survey(visit)}${stayInTouch(voter, visit)}${offer(visit, 'invited', recruiting, 'door.invite.onVisit', 'door.invite.saved')}${
      offer(visit, 'shared_card', myCard, 'card.savedOnVisit', 'door.details.saved')}${
      detailsForm(visit)}${fixForm(visit)}`;
  }

  /** The campaign's own questions, each optional; an answer is kept at once as one more op on the visit. */
  function survey(visit) {
    return surveyChips({ id: `survey-${visit.entity_id}`, questions: found.list.questions?.survey ?? [],
      answers: answering.get(visit.entity_id) ?? visit.values.answers ?? {},
      onAnswer: async (next) => {
        answering.set(visit.entity_id, next);
        ctx.update();
        await keep(visit.entity_id, { answers: next });
      } });
  }

  /** Something a volunteer shows as a QR code after a talk (their recruit link, their own card), offered and never
   * assumed: the share's confirm ("They scanned it", "They saved my card") adds ``choice`` to the visit's `agreed_to`. */
  function offer(visit, choice, share, doneKey, savedKey) {
    const agreed = visit.values.agreed_to ?? [];
    if (agreed.includes(choice)) return html`<p class="in-touch">${t(doneKey)}</p>`;
    return share.view(`${choice}-${visit.entity_id}`, async () => {
      await keep(visit.entity_id, { agreed_to: [...new Set([...agreed, choice])] });
      ctx.toasts.show(savedKey, { duration: 4000 });
    });
  }

  /** The address as found at the door: a number, street and unit, each optional, with what they are for. */
  function addressFields(id, values) {
    return html`<p class="hint" id=${`${id}-hint`}>${t('door.fix.hint')}</p>
      ${Object.entries(CORRECTION).map(([name, max]) => html`<div class="field">
        <label for=${`${id}-${name}`}>${fieldText('door_visit', name)}</label>
        <input id=${`${id}-${name}`} name=${name} maxlength=${max} autocomplete="off" .defaultValue=${values[name] ?? ''}
          aria-describedby=${`${id}-hint`}>
      </div>`)}`;
  }

  /** The typed address, trimmed; without ``dropEmpty`` a blank clears what was given before. */
  function foundAddress(form, dropEmpty = false) {
    return Object.fromEntries(Object.keys(CORRECTION).map((name) => [name, String(
      /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value).trim()])
      .filter(([, value]) => value || !dropEmpty));
  }

  /** After a talk: "this address or unit is wrong", saved as one more op on the same visit. */
  function fixForm(visit) {
    const id = `fix-${visit.entity_id}`;
    const save = async (/** @type {SubmitEvent} */ event) => {
      event.preventDefault();
      await keep(visit.entity_id, foundAddress(/** @type {HTMLFormElement} */ (event.target)));
      ctx.toasts.show('door.details.saved', { duration: 3000 });
    };
    return html`<details class="fold address-fix">
      <summary>${t('door.fix.title')}</summary>
      <form id=${id} novalidate @submit=${save}>
        ${addressFields(id, visit.values)}
        <button type="submit" class="button secondary">${t('door.fix.save')}</button>
      </form>
    </details>`;
  }

  function stayInTouch(voter, visit) {
    const person = found.people.get(voter.id);
    const agreed = visit.values.agreed_to ?? [];
    if (person) {
      return html`<p class="in-touch"><a href=${`/people/${person.entity_id}`}>${t('door.inMyPeople', {
        name: voterName(voter) })}</a></p>`;
    }
    const stay = async () => {
      await saveVoters(campaignId, [voter]); // the card My people shows, offline too
      await addPerson({ userId, campaignId, voter, source: 'door', label: voterName(voter) });
      await keep(visit.entity_id, { agreed_to: [...new Set([...agreed, 'stay_in_touch'])] });
      ctx.toasts.show('door.stayInTouch.saved', { values: { name: voterName(voter) }, duration: 4000 });
    };
    return html`<div class="offer">
      <p class="hint">${t('door.stayInTouch.ask')}</p>
      <button type="button" class="button secondary stay-in-touch" @click=${stay}>${t('door.stayInTouch')}</button>
    </div>`;
  }

  /** Issues, literature and notes of a visit, all optional: saved as one more op on the same visit. */
  function detailsForm(visit) {
    const id = `details-${visit.entity_id}`;
    const form = forms.get(visit.entity_id) ?? new Form(ctx, id);
    forms.set(visit.entity_id, form);
    const issues = found.list.questions?.issues ?? [];
    const names = DETAILS.filter((name) => name !== 'issue_tags' || issues.length);
    const save = async (/** @type {SubmitEvent} */ event) => {
      event.preventDefault();
      const fields = readEntityForm(form.element, 'door_visit', names);
      const errors = checkEntity('door_visit', Object.fromEntries(Object.entries(fields)
        .filter(([name]) => name !== 'literature_left' || fields[name] !== '')));
      form.show(errors);
      if (errors.size) return;
      if (fields.literature_left === '') delete fields.literature_left;
      await keep(visit.entity_id, fields);
      form.element.removeAttribute('data-dirty');
      ctx.toasts.show('door.details.saved', { duration: 3000 });
    };
    return html`<details class="fold details">
      <summary>${t('door.details')}</summary>
      <form id=${id} novalidate @submit=${save}>
        ${names.map((name) => entityField(form, 'door_visit', name, { id: `${id}-${name}`, value: visit.values[name],
          options: name === 'issue_tags' ? issues : undefined }))}
        ${formAlert(form)}
        <button type="submit" class="button secondary">${t('door.details.save')}</button>
      </form>
    </details>`;
  }

  /** Someone at the door who is not in the voter file: their name and how to reach them, as they gave them. */
  function newPersonForm() {
    const chosen = choosing.get('new');
    const save = async (/** @type {SubmitEvent} */ event) => {
      event.preventDefault();
      const fields = readEntityForm(newPerson.element, 'door_visit', [...NEW_PERSON, 'result', 'support', 'notes']);
      const errors = checkEntity('door_visit', fields);
      if (!fields.person_first_name && !fields.person_last_name) errors.set('person_first_name', ['error.required']);
      newPerson.show(errors);
      if (errors.size) return;
      const given = Object.fromEntries(Object.entries(fields).filter(([name, value]) => value !== ''
        && (value !== null || name === 'support') && (name !== 'support' || fields.result === 'talked')));
      await keep(crypto.randomUUID(), visitFields(given));
      newPerson.element.reset();
      newPerson.element.removeAttribute('data-dirty');
      choosing.delete('new');
      ctx.toasts.show('door.person.saved', { duration: 3000 });
    };
    return html`<details class="fold" id="new-person">
      <summary>${t('door.person')}</summary>
      <form id="new-person-form" novalidate @submit=${save} @change=${(/** @type {Event} */ event) => {
        const target = /** @type {HTMLInputElement} */ (event.target);
        if (target.name === 'result') {
          choosing = new Map(choosing).set('new', target.value);
          ctx.update();
        }
      }}>
        <p class="hint">${t('door.person.hint')}</p>
        ${NEW_PERSON.map((name) => html`<div class="field">
          <label for=${`new-${name}`}>${fieldText('door_visit', name)}</label>
          <input id=${`new-${name}`} name=${name} maxlength=${name === 'person_email' ? 320 : name === 'person_phone' ? 40 : 100}
            type=${name === 'person_email' ? 'email' : name === 'person_phone' ? 'tel' : 'text'}
            autocomplete="off" aria-describedby=${`new-${name}-error`}
            aria-invalid=${newPerson.errors.has(name) ? 'true' : nothing}>
          <p id=${`new-${name}-error`} class="field-error">${newPerson.errorText(name)}</p>
        </div>`)}
        ${entityField(newPerson, 'door_visit', 'result', { id: 'new-result', value: 'talked', widget: 'select' })}
        ${chosen === undefined || chosen === 'talked'
          ? entityField(newPerson, 'door_visit', 'support', { id: 'new-support', widget: 'select' }) : nothing}
        ${entityField(newPerson, 'door_visit', 'notes', { id: 'new-notes' })}
        ${formAlert(newPerson)}
        <button type="submit" class="button secondary">${t('door.person.save')}</button>
      </form>
    </details>`;
  }

  /** One visit: what happened, when, and whether it is sent, waiting, or refused (with the server's reasons). */
  function visitLine(visit) {
    const ops = found.ops.filter((op) => op.entity_id === visit.entity_id);
    const refused = ops.find((op) => op.rejected);
    const state = refused ? 'rejected' : ops.length ? 'pending' : 'sent';
    const { values } = visit;
    const what = [fieldText('door_visit', 'result', values.result),
      values.result === 'talked' && values.support !== undefined ? fieldText('door_visit', 'support', values.support)
        : null,
      values.come_back_at ? t('door.comeBackAt', { time: formatDateTime(values.come_back_at) }) : null,
      Object.keys(CORRECTION).some((name) => values[name]) ? t('door.fix.found', { address: [
        values.corrected_house_number, values.corrected_street, values.corrected_unit].filter(Boolean).join(' ') })
        : null]
      .filter(Boolean).join(' · ');
    return html`<div class=${`visit ${state}`} data-visit=${visit.entity_id}>
      <p class="visit-what">${what} · ${formatDateTime(values.happened_at)}</p>
      <p class=${`state ${state}`}>${t(`door.state.${state}`)}</p>
      ${refused ? rejectionLines(refused.rejected).map((line) => html`<p class="notice-error">${line}</p>`) : nothing}
    </div>`;
  }
}
