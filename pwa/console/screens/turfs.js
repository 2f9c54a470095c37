// /console/<id>/turfs: cut turfs (by precinct, by streets picked from the list, or N balanced turfs automatically),
// see each with its progress, assign it to a member, hand out its take link as a QR code, print its walk list
// (screens/turf-print.js), or delete it. Drawing a
// turf on a map, and seeing the turfs' progress there, is the map's screen (screens/turf-map.js), linked from here.
// Below the list: how each canvasser's doors went, and the addresses volunteers found wrong at the door
// (ui/corrections.js).
import { formatDateTime, formatNumber, formatPercent, t } from '../../lib/i18n.js';
import { confirmDialog } from '../../ui/dialog.js';
import { Form, field, formAlert, selectField, submitButton } from '../../ui/forms.js';
import { html, nothing } from '../../ui/screen.js';
import { changeTurf, cutTurf, cutTurfs, deleteTurf, listCanvassers, listCorrections, listMembers, listPrecincts,
  listStreets, listTurfs } from '../api.js';
import { campaignRun } from '../campaigns.js';
import { DAYS, canvassersSection } from '../ui/canvassers.js';
import { correctionsSection } from '../ui/corrections.js';
import { LinkShare } from '../ui/share-link.js';
import { failed, loading, notYours } from '../ui/states.js';

export const title = 'console.turfs.title';

const HOW = ['precinct', 'streets', 'auto'];

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function turfsScreen(ctx) {
  const run = campaignRun(ctx.params[0]);
  const form = new Form(ctx, 'turf-form');
  const share = new LinkShare(ctx);
  let how = 'precinct';
  let turfs = null;
  let areas = null; // {precincts, streets}
  let members = [];
  let canvassers = [];
  let corrections = [];
  let error = null;
  let streetFilter = '';
  const picked = new Set(); // "zip|street" of the streets ticked
  let outcome = null; // [catalog key, values] of the last cut
  const made = new Set(); // ids of the turfs just cut, marked new

  async function load() {
    error = null;
    try {
      const id = run.campaign.id;
      const [list, precincts, streets, people, walkers, fixes] = await Promise.all([listTurfs(id), listPrecincts(id),
        listStreets(id), listMembers(id), listCanvassers(id, DAYS), listCorrections(id)]);
      turfs = list;
      canvassers = walkers;
      corrections = fixes;
      areas = { precincts, streets };
      members = people.filter((m) => m.active);
    } catch (problem) {
      error = problem;
    }
    ctx.update();
  }
  if (run) load();

  const streetKey = (s) => `${s.zip}|${s.street}`;

  function cut(/** @type {SubmitEvent} */ event) {
    event.preventDefault();
    if (!form.check()) return;
    const controls = /** @type {import('../../ui/forms.js').Controls} */ (form.element.elements);
    const base = { name: controls.name.value.trim(), days: Number(controls.days.value) };
    if (how === 'streets' && !picked.size) {
      form.show(new Map([['streets', ['console.turfs.streets.none']]]));
      return;
    }
    form.submit(async () => {
      const id = run.campaign.id;
      let answer;
      if (how === 'auto') {
        answer = await cutTurfs(id, { ...base, count: Number(controls.count.value), universe: {
          priority: /** @type {HTMLInputElement} */ (controls.priority).checked,
          not_contacted: /** @type {HTMLInputElement} */ (controls.not_contacted).checked,
          precinct: controls.universe_precinct.value || null } });
      } else if (how === 'streets') {
        answer = await cutTurf(id, { ...base, streets: areas.streets.filter((s) => picked.has(streetKey(s)))
          .map(({ street, zip }) => ({ street, zip })) });
      } else {
        answer = await cutTurf(id, { ...base, precinct: controls.precinct.value });
      }
      for (const turf of answer.turfs) made.add(turf.id);
      controls.name.value = ''; // the next turf gets a name of its own
      turfs = [...answer.turfs, ...(turfs ?? [])];
      picked.clear();
      outcome = answer.turfs.length > 1
        ? ['console.turfs.cutMany', { count: answer.turfs.length, balance: answer.balance.toFixed(2) }]
        : ['console.turfs.cutOne', { doors: answer.turfs[0].doors, leftOut: answer.left_out }];
      ctx.toasts.show(outcome[0], { duration: 4000, values: outcome[1] });
      await refreshAreas();
    });
  }

  async function refreshAreas() {
    try {
      const id = run.campaign.id;
      const [precincts, streets] = await Promise.all([listPrecincts(id), listStreets(id)]);
      areas = { precincts, streets };
    } catch {
      // the lists stay as they were; the turf was cut
    }
    ctx.update();
  }

  async function assign(turf, /** @type {SubmitEvent} */ event) {
    event.preventDefault();
    const select = /** @type {HTMLSelectElement} */ (/** @type {HTMLFormElement} */ (event.target).elements
      .namedItem('holder'));
    const holder = select.value ? Number(select.value) : null;
    try {
      const changed = await changeTurf(run.campaign.id, turf.id, { holder_id: holder });
      turfs = turfs.map((t2) => (t2.id === turf.id ? changed : t2));
      ctx.toasts.show(holder ? 'console.turfs.assigned' : 'console.turfs.freed', { duration: 4000,
        values: { name: turf.name, holder: changed.holder_name ?? '' } });
    } catch {
      ctx.toasts.show('console.turfs.assignFailed', { duration: 6000 });
    }
    ctx.update();
  }

  async function remove(turf) {
    if (!(await confirmDialog({ title: 'console.turfs.delete.title', body: 'console.turfs.delete.body',
      confirm: 'console.turfs.delete' }))) return;
    try {
      await deleteTurf(run.campaign.id, turf.id);
      turfs = turfs.filter((other) => other.id !== turf.id);
      ctx.toasts.show('console.turfs.deleted', { duration: 4000 });
      await refreshAreas();
    } catch {
      ctx.toasts.show('console.turfs.deleteFailed', { duration: 6000 });
    }
    ctx.update();
  }

  function areaFields() {
    if (how === 'precinct') {
      return areas.precincts.length
        ? selectField({ id: 'turf-precinct', name: 'precinct', label: 'console.turfs.precinct', form,
          options: areas.precincts.map((p) => [p.precinct, t('console.turfs.area.counts', {
            name: p.precinct, doors: formatNumber(p.doors), voters: formatNumber(p.voters) })]),
          value: areas.precincts[0].precinct })
        : html`<p class="hint" id="turf-no-precincts">${t('console.turfs.precinct.none')}</p>`;
    }
    if (how === 'streets') {
      const needle = streetFilter.trim().toUpperCase();
      const shown = areas.streets.filter((s) => !needle || s.street.includes(needle) || picked.has(streetKey(s)));
      const error = form.errorText('streets');
      return html`<fieldset class="street-picker" aria-describedby=${error ? 'turf-streets-error' : nothing}>
        <legend>${t('console.turfs.streets')}</legend>
        ${field(form, { id: 'turf-street-filter', name: 'street_filter', label: 'console.turfs.streets.filter',
          type: 'search', value: streetFilter, autocomplete: 'off' })}
        <p class="hint" role="status">${t('console.turfs.streets.picked', { count: picked.size })}</p>
        <ul class="street-list" id="street-list">${shown.slice(0, 200).map((s) => html`<li>
          <label class="check-field"><input type="checkbox" .checked=${picked.has(streetKey(s))}
            @change=${(/** @type {Event} */ e) => {
              if (/** @type {HTMLInputElement} */ (e.target).checked) picked.add(streetKey(s));
              else picked.delete(streetKey(s));
              ctx.update();
            }}>
            <span>${t('console.turfs.street.counts', { street: s.street, zip: s.zip, doors: formatNumber(s.doors),
              voters: formatNumber(s.voters) })}</span></label></li>`)}</ul>
        ${error ? html`<p class="field-error" id="turf-streets-error">${error}</p>` : nothing}
      </fieldset>`;
    }
    return html`<div class="form-row">
        ${field(form, { id: 'turf-count', name: 'count', type: 'number', label: 'console.turfs.count', required: true,
          min: '1', max: '500', value: '10', inputmode: 'numeric' })}
        ${selectField({ id: 'turf-universe-precinct', name: 'universe_precinct', label: 'console.turfs.universe.precinct',
          form, options: [['', t('console.turfs.universe.everywhere')],
            ...areas.precincts.map((p) => [p.precinct, p.precinct])], value: '' })}
      </div>
      <fieldset class="universe"><legend>${t('console.turfs.universe')}</legend>
        <label class="check-field"><input type="checkbox" name="priority"><span>${
          t('console.turfs.universe.priority')}</span></label>
        <label class="check-field"><input type="checkbox" name="not_contacted"><span>${
          t('console.turfs.universe.notContacted')}</span></label>
      </fieldset>`;
  }

  function cutForm() {
    return html`<form id="turf-form" class="card turf-form" novalidate aria-labelledby="turf-form-title"
      @submit=${cut}>
      <h2 id="turf-form-title">${t('console.turfs.cut')}</h2>
      ${selectField({ id: 'turf-how', name: 'how', label: 'console.turfs.how', form, value: how,
        options: HOW.map((way) => [way, t(`console.turfs.how.${way}`)]) })}
      <p class="hint" id="turf-how-about">${t(`console.turfs.how.${how}.about`)}</p>
      <div class="form-row">
        ${field(form, { id: 'turf-name', name: 'name', label: how === 'auto' ? 'console.turfs.names' : 'console.turfs.name',
          required: true, maxlength: '90', autocomplete: 'off' })}
        ${field(form, { id: 'turf-days', name: 'days', type: 'number', label: 'console.turfs.days',
          hint: 'console.turfs.days.hint', required: true, min: '1', max: '365', value: '14', inputmode: 'numeric' })}
      </div>
      ${areaFields()}
      ${formAlert(form)}
      ${submitButton(form, how === 'auto' ? 'console.turfs.cutAuto' : 'console.turfs.cutButton',
        'console.turfs.cutting', 'button inline')}
      <p role="status" class="hint" id="turf-outcome">${outcome ? t(outcome[0], outcome[1]) : nothing}</p>
    </form>`;
  }

  function progressOf(turf) {
    const { knocked, contacts, contact_rate: rate } = turf.progress;
    return html`<p class="turf-progress">
      <progress max=${turf.doors || 1} value=${knocked} aria-label=${t('console.turfs.knockedOf', {
        knocked: formatNumber(knocked), doors: formatNumber(turf.doors) })}></progress>
      <span>${t('console.turfs.knockedOf', { knocked: formatNumber(knocked), doors: formatNumber(turf.doors) })} ·
        ${t('console.turfs.contacts', { count: contacts })} ·
        ${rate == null ? t('console.turfs.rate.none') : t('console.turfs.rate', { rate: formatPercent(rate) })}</span>
    </p>`;
  }

  function item(turf) {
    const id = `turf-${turf.id}`;
    const label = t('console.turfs.linkFor', { name: turf.name });
    return html`<li class="card turf" id=${id} data-turf=${turf.id}>
      <h3>${turf.name}${made.has(turf.id) ? html` <span class="badge">${t('console.turfs.new')}</span>` : nothing}</h3>
      <p class="turf-facts">${t('console.turfs.facts', { doors: formatNumber(turf.doors),
        voters: formatNumber(turf.voters) })} · ${t(`console.turfs.cutBy.${turf.cut}`)} ·
        ${t('console.turfs.expires', { date: formatDateTime(turf.expires_at) })}</p>
      ${progressOf(turf)}
      <p class="turf-holder">${turf.holder_name ? t(turf.taken ? 'console.turfs.takenBy' : 'console.turfs.heldBy', {
        name: turf.holder_name }) : t('console.turfs.free')}</p>
      <form class="assign" @submit=${(/** @type {SubmitEvent} */ e) => assign(turf, e)}>
        ${selectField({ id: `${id}-holder`, name: 'holder', label: 'console.turfs.assignTo',
          options: [['', t('console.turfs.nobody')], ...members.map((m) => [String(m.id), m.display_name])],
          value: turf.holder_id ? String(turf.holder_id) : '' })}
        <button type="submit" class="button secondary inline">${t('console.turfs.assign')}</button>
      </form>
      ${turf.take_url ? html`<p class="hint">${t('console.turfs.take.about')}</p>
        ${share.view({ id: `${id}-link`, url: turf.take_url, label })}` : nothing}
      <div class="row-buttons turf-actions">
        <a class="button secondary inline print" href=${`/console/${run.campaign.id}/turfs/${turf.id}/print`}
          aria-label=${t('console.turfs.printFor', { name: turf.name })}>${t('console.turfs.print')}</a>
        <button type="button" class="button secondary inline delete" @click=${() => remove(turf)}>${
          t('console.turfs.delete')}</button>
      </div>
    </li>`;
  }

  return () => html`<section class="screen wide" id="turfs"
    @input=${(/** @type {Event} */ e) => {
      const target = /** @type {HTMLInputElement} */ (e.target);
      if (target.id === 'turf-street-filter') {
        streetFilter = target.value;
        ctx.update();
      }
    }}
    @change=${(/** @type {Event} */ e) => {
      const target = /** @type {HTMLSelectElement} */ (e.target);
      if (target.id === 'turf-how') {
        how = target.value;
        form.clear();
        ctx.update();
      }
    }}>
    <h1 tabindex="-1">${t('console.turfs.title')}</h1>
    ${!run ? notYours() : turfs === null || areas === null ? (error ? failed(error, load) : loading()) : html`
      <p>${t('console.turfs.intro')}</p>
      <p><a class="button secondary inline" id="turfs-map-link" href=${`/console/${run.campaign.id}/turfs/map`}>${
        t('console.turfmap.open')}</a></p>
      ${cutForm()}
      <section aria-labelledby="turf-list-title">
        <h2 id="turf-list-title">${t('console.turfs.list')}</h2>
        ${turfs.length ? html`<ul class="turf-list" id="turf-list">${turfs.map(item)}</ul>`
          : html`<p id="turfs-empty">${t('console.turfs.none')}</p>`}
      </section>
      ${canvassersSection(canvassers)}
      ${correctionsSection(corrections)}`}
  </section>`;
}
