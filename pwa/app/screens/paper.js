// /doors/<campaign>/<turf>/paper: a printed sheet (print.js) entered afterwards, from the walk list kept on this
// phone, so offline too. One row per voter in the sheet's order with one-tap result chips (and the support level
// and the campaign's questions, after Talked), a "whole household not home" per door, and one time for the whole
// sheet, picked once (now by default). Each tap is a door_visit kept at once, as the door screen keeps them (pwa/app/door-visits.js), sent by
// the sync loop exactly once. A tap is never taken back, only changed: another chip changes the same visit, even
// once it is sent, so the server ends up with one visit per voter per sheet.
import { pendingOps } from '../../lib/db.js';
import { formatDateTime, t } from '../../lib/i18n.js';
import { onRecordsChange } from '../../lib/outbox.js';
import { getProfile } from '../../lib/session.js';
import { html, nothing } from '../../ui/screen.js';
import { keepVisit, visitFields } from '../door-visits.js';
import { visitsByHousehold, walkListOf } from '../doors.js';
import { addressOf, streetRuns } from '../streets.js';
import { fieldText, localInput } from '../ui/entity-form.js';
import { surveyChips } from '../ui/survey.js';
import { SUPPORT_LEVELS, sheetName } from '../walk-sheet.js';

export const title = 'paper.title';

const CHIPS = ['talked', 'not_home', 'refused', 'come_back', 'moved'];
const OTHER = ['inaccessible', 'wrong_address', 'deceased']; // a sheet's "Other", which its notes line names
const MINUTE_MS = 60_000;

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function paperScreen(ctx) {
  const [campaignId, turfId] = ctx.params.map(Number);
  const profile = getProfile();
  const userId = profile.user.id;
  let list; // undefined while loading, null when this phone does not keep it
  let visits = new Map();
  let waiting = new Set(); // ids of visits with an op not sent yet
  let at = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS; // the sheet's time: every visit entered gets it
  const made = new Map(); // "household|voter|time" → the visit made here, before a reload has read it back
  let writing = Promise.resolve(); // taps are kept one after the other, in the order they were made

  async function load() {
    list = (await walkListOf(profile, campaignId, turfId)) ?? null;
    const [byHousehold, ops] = await Promise.all([visitsByHousehold(userId, campaignId), pendingOps(userId)]);
    visits = byHousehold;
    waiting = new Set(ops.map((op) => op.entity_id));
    ctx.update();
  }
  ctx.watch(onRecordsChange(load));
  load();

  const keyOf = (householdId, voterId) => `${householdId}|${voterId ?? ''}|${at}`;

  /** This sheet's visit of a voter (or of the whole household, voterId null): the one at the sheet's time. */
  function sheetVisit(householdId, voterId) {
    const here = (visits.get(householdId) ?? []).filter((visit) => (visit.values.voter_id ?? null) === voterId
      && !visit.values.person_first_name && !visit.values.person_last_name);
    const found = here.find((visit) => Date.parse(visit.values.happened_at) === at);
    const id = found?.entity_id ?? made.get(keyOf(householdId, voterId));
    return { id, values: found?.values ?? {}, earlier: here.filter((visit) => visit !== found).at(-1) };
  }

  /** Keep what a tap says: a new visit at the sheet's time, or a change to this sheet's visit. */
  function tap(householdId, voterId, fields) {
    writing = writing.then(async () => {
      const key = keyOf(householdId, voterId);
      const { id } = sheetVisit(householdId, voterId);
      if (id) {
        await keepVisit({ userId, campaignId, visitId: id, fields });
      } else {
        const visitId = crypto.randomUUID();
        made.set(key, visitId);
        await keepVisit({ userId, campaignId, visitId, fields: visitFields(householdId,
          { ...(voterId ? { voter_id: voterId } : {}), ...fields }, new Date(at)) });
      }
      ctx.sync.request();
    });
    return writing;
  }

  function result(householdId, voter, value, current) {
    if (value === current.result) return; // the same chip again: nothing to change
    // a support level and answers belong to a talk: those given go when the result becomes another
    const fields = { result: value };
    if (value !== 'talked' && current.support != null) fields.support = null;
    if (value !== 'talked' && Object.keys(current.answers ?? {}).length) fields.answers = {};
    tap(householdId, voter.id, fields);
  }

  function setTime(/** @type {Event} */ event) {
    const moment = new Date(/** @type {HTMLInputElement} */ (event.target).value).getTime();
    if (Number.isFinite(moment)) at = moment; // an emptied field keeps the time it had
    ctx.update();
  }

  return () => {
    if (list === undefined) return html`<section class="screen" id="paper"><h1 tabindex="-1">${t('paper.title')}</h1>
      <p class="loading">${t('app.loading')}</p></section>`;
    if (list === null) return html`<section class="screen" id="paper"><h1 tabindex="-1">${t('paper.title')}</h1>
      <p id="walk-missing">${t('walk.missing')}</p><a class="button" href="/doors">${t('take.toDoors')}</a></section>`;
    const entered = list.doors.reduce((sum, door) => sum + (visits.get(door.household_id) ?? [])
      .filter((visit) => Date.parse(visit.values.happened_at) === at).length, 0);
    return html`<section class="screen" id="paper">
      <h1 id="paper-title" tabindex="-1">${t('paper.title')}</h1>
      <p class="hint">${list.name}</p>
      <p>${t('paper.intro')}</p>
      <div class="field">
        <label for="paper-at">${t('paper.at')}</label>
        <input type="datetime-local" id="paper-at" name="happened_at" required .value=${localInput(at)}
          max=${localInput(Date.now())} aria-describedby="paper-at-hint" @change=${setTime}>
        <p class="hint" id="paper-at-hint">${t('paper.at.hint')}</p>
      </div>
      <p id="paper-count" role="status">${t('paper.entered', { count: entered })}</p>
      ${streetRuns(list.doors).map((run, i) => html`<section class="street-run" aria-labelledby=${`paper-run-${i}`}>
        <h2 id=${`paper-run-${i}`}>${t(`walk.side.${run.side}`, { street: run.street })}</h2>
        <ol class="paper-doors">${run.doors.map(({ door, index }) => doorItem(door, index))}</ol>
      </section>`)}
      <a class="button secondary" href=${`/doors/${campaignId}/${turfId}`}>${t('door.back')}</a>
    </section>`;
  };

  function doorItem(door, index) {
    const id = `paper-door-${index}`;
    const household = sheetVisit(door.household_id, null);
    const notHome = household.values.result === 'not_home';
    return html`<li class="paper-door" data-household=${door.household_id} aria-labelledby=${id}>
      <div class="paper-door-head">
        <h3 id=${id}><span class="sheet-n">${index + 1}</span> ${addressOf(door)}</h3>
        <button type="button" class="chip household" aria-pressed=${notHome ? 'true' : 'false'} ?disabled=${notHome}
          @click=${() => tap(door.household_id, null, { result: 'not_home' })}>${t('paper.householdNotHome')}</button>
      </div>
      ${household.id ? stateLine(household.id) : nothing}
      <ul class="paper-voters">${door.voters.map((voter) => voterItem(door, voter))}</ul>
    </li>`;
  }

  function voterItem(door, voter) {
    const id = `paper-voter-${voter.id}`;
    const visit = sheetVisit(door.household_id, voter.id);
    const current = visit.values;
    const pressed = (value) => (current.result === value ? 'true' : 'false');
    return html`<li class="paper-voter" data-voter=${voter.id}>
      <p class="paper-name" id=${id}>${sheetName(voter)}</p>
      ${visit.earlier && !visit.id ? html`<p class="hint earlier">${t('paper.earlier', {
        what: fieldText('door_visit', 'result', visit.earlier.values.result),
        time: formatDateTime(visit.earlier.values.happened_at) })}</p>` : nothing}
      <div class="chips results" role="group" aria-labelledby=${id}>
        ${CHIPS.map((value) => html`<button type="button" class="chip" data-result=${value} aria-pressed=${pressed(value)}
          @click=${() => result(door.household_id, voter, value, current)}>${
          fieldText('door_visit', 'result', value)}</button>`)}
        <label class="visually-hidden" for=${`${id}-other`}>${t('paper.other.label', { name: sheetName(voter) })}</label>
        <select id=${`${id}-other`} class="chip other" .value=${OTHER.includes(current.result) ? current.result : ''}
          @change=${(/** @type {Event} */ event) => {
            const value = /** @type {HTMLSelectElement} */ (event.target).value;
            if (value) result(door.household_id, voter, value, current);
          }}>
          <option value="">${t('paper.other')}</option>
          ${OTHER.map((value) => html`<option value=${value}>${fieldText('door_visit', 'result', value)}</option>`)}
        </select>
      </div>
      ${current.result === 'talked' ? html`<div class="chips support" role="group" aria-label=${t('paper.support', {
        name: sheetName(voter) })}>
        ${SUPPORT_LEVELS.map((level) => html`<button type="button" class="chip" data-support=${level}
          aria-pressed=${current.support === level ? 'true' : 'false'}
          @click=${() => tap(door.household_id, voter.id, { support: current.support === level ? null : level })}>${
          fieldText('door_visit', 'support', level)}</button>`)}
      </div>
      ${surveyChips({ id: `${id}-survey`, questions: list.questions?.survey ?? [], answers: current.answers ?? {},
        onAnswer: (answers) => tap(door.household_id, voter.id, { answers }) })}` : nothing}
      ${visit.id ? stateLine(visit.id) : nothing}
    </li>`;
  }

  function stateLine(visitId) {
    const state = waiting.has(visitId) ? 'pending' : 'sent';
    return html`<p class=${`state ${state}`}>${t(`door.state.${state}`)}</p>`;
  }
}
