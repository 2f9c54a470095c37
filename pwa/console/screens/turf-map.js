// /console/<id>/turfs/map: the campaign's doors and turfs on a map, each turf coloured by its progress with its
// numbers beside the map (the turf list's), and a turf cut by drawing its outline. A screen of its own, linked from
// Turfs: the map wants the screen's width and height, and MapLibre (about 250 KB gzipped) loads only here, after the
// data, so the Turfs screen stays light and usable without it.
//
// The live count asks the server (POST .../turfs/count, a quarter second after the outline last changed), not a
// point-in-polygon test here: the server counts with the very test the cut uses (so the number shown is the number
// cut), it counts voters, which the map's data does not carry, and it answers in milliseconds.
import { basemapInfo } from '../../lib/api.js';
import { formatNumber, formatPercent, language, t } from '../../lib/i18n.js';
import { Form, field, formAlert, submitButton } from '../../ui/forms.js';
import { html, nothing } from '../../ui/screen.js';
import { ref } from 'lit-html/directives/ref.js';
import { countInPolygon, cutTurf, getTurfMap, listTurfs } from '../api.js';
import { campaignRun } from '../campaigns.js';
import { failed, loading, notYours } from '../ui/states.js';

export const title = 'console.turfmap.title';

const COUNT_DELAY_MS = 250;

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function turfMapScreen(ctx) {
  const run = campaignRun(ctx.params[0]);
  const form = new Form(ctx, 'turfmap-form');
  let turfs = null; // the turf list's rows, with progress
  let drawn = null; // {buildings, unplaced, turfs: [{id, outline}]}
  let basemap = null; // the basemap's metadata, or null without one
  let error = null;
  let mapProblem = false; // MapLibre could not start (no WebGL): the list and the other ways to cut remain
  /** @type {Awaited<ReturnType<typeof import('../ui/turf-map.js').showTurfMap>> | null} */
  let handle = null;
  let mounting = false;
  let drawing = false;
  /** @type {[number, number][]} */
  let points = [];
  let closed = false;
  let count = null; // {doors, voters} inside the outline drawn
  let countProblem = null; // a catalog message, when the count could not be had
  let counting = 0; // the latest count asked for; an older answer is dropped
  let timer = null;
  let picked = null;

  async function load() {
    error = null;
    try {
      const id = run.campaign.id;
      [turfs, drawn, basemap] = await Promise.all([listTurfs(id), getTurfMap(id),
        basemapInfo(id).catch((problem) => (problem.status === 404 ? null : Promise.reject(problem)))]);
    } catch (problem) {
      error = problem;
    }
    ctx.update();
    if (turfs && drawn) handle?.setData(mapTurfs(), drawn.buildings);
  }
  if (run) load();
  ctx.watch(() => {
    clearTimeout(timer);
    handle?.close();
  });

  /** The turfs as the map draws them: outline and share of doors knocked, by the turf list's numbers. */
  function mapTurfs() {
    const outlines = new Map(drawn.turfs.map((turf) => [turf.id, turf.outline]));
    return turfs.map((turf) => ({ id: turf.id, name: turf.name, outline: outlines.get(turf.id) ?? null,
      share: turf.doors ? turf.progress.knocked / turf.doors : 0 }));
  }

  async function mount(element) {
    if (!element || handle || mounting || mapProblem) return;
    mounting = true;
    try {
      const { showTurfMap } = await import('../ui/turf-map.js');
      if (ctx.signal.aborted) return;
      handle = await showTurfMap(/** @type {HTMLElement} */ (element), { campaignId: run.campaign.id, basemap,
        language: language(), label: t('console.turfmap.map'), buildings: drawn.buildings, turfs: mapTurfs(),
        onTurf: (id) => pick(id, false), onPoint: addPoint, onClose: closeOutline });
      if (ctx.signal.aborted) handle.close();
      else /** @type {any} */ (element).turfMap = handle; // for the browser tests, which click on it
    } catch (problem) {
      mapProblem = true;
      console.warn('The map could not be drawn', problem);
    } finally {
      mounting = false;
      ctx.update();
    }
  }

  function redrawDraft() {
    handle?.setDraft(points, closed);
    clearTimeout(timer);
    if (points.length < 3) {
      count = null;
      countProblem = null;
    } else {
      timer = setTimeout(countInside, COUNT_DELAY_MS);
    }
    ctx.update();
  }

  const polygon = () => ({ type: 'Polygon', coordinates: [[...points, points[0]]] });

  async function countInside() {
    const asked = ++counting;
    try {
      const answer = await countInPolygon(run.campaign.id, polygon());
      if (asked !== counting) return;
      count = answer;
      countProblem = null;
    } catch (problem) {
      if (asked !== counting) return;
      count = null;
      countProblem = problem.status === 422 ? ['console.turfmap.crosses'] : ['console.turfmap.countFailed'];
    }
    ctx.update();
  }

  function addPoint(point) {
    if (closed) return;
    points = [...points, point];
    redrawDraft();
  }

  function closeOutline() {
    if (points.length < 3 || closed) return;
    closed = true;
    redrawDraft();
    /** @type {HTMLInputElement | null} */ (document.getElementById('turfmap-name'))?.focus();
  }

  function undo() {
    if (closed) closed = false;
    else points = points.slice(0, -1);
    redrawDraft();
  }

  function clear() {
    points = [];
    closed = false;
    form.clear();
    redrawDraft();
  }

  function setDrawing(on) {
    drawing = on;
    handle?.setDrawing(on);
    if (!on) clear();
    ctx.update();
    if (on) document.getElementById('turfmap-centre')?.focus();
  }

  function pick(id, bringIntoView = true) {
    picked = id;
    handle?.pick(mapTurfs().find((one) => one.id === id) ?? null, bringIntoView); // a click on it: in view already
    ctx.update();
    document.getElementById(`turfmap-turf-${id}`)?.scrollIntoView({ block: 'nearest' });
  }

  function cut(/** @type {SubmitEvent} */ event) {
    event.preventDefault();
    if (!closed) { // the outline first: a name is no use without it
      form.show(new Map(), ['console.turfmap.closeFirst']);
      return;
    }
    if (!form.check()) return;
    const controls = /** @type {import('../../ui/forms.js').Controls} */ (form.element.elements);
    form.submit(async () => {
      const answer = await cutTurf(run.campaign.id, { name: controls.name.value.trim(),
        days: Number(controls.days.value), polygon: polygon() });
      const [turf] = answer.turfs;
      controls.name.value = '';
      ctx.toasts.show('console.turfs.cutOne', { duration: 4000, values: { doors: turf.doors,
        leftOut: answer.left_out } });
      clear();
      await load();
      pick(turf.id);
    });
  }

  function countText() {
    if (countProblem) return t(...countProblem);
    if (points.length < 3) return t('console.turfmap.points', { count: points.length });
    if (!count) return t('console.turfmap.counting');
    return t('console.turfmap.inside', { doors: formatNumber(count.doors), voters: formatNumber(count.voters) });
  }

  function drawPanel() {
    if (!drawing) {
      return html`<p>${t('console.turfmap.draw.about')}</p>
        <button type="button" class="button inline" id="turfmap-draw" ?disabled=${!handle}
          @click=${() => setDrawing(true)}>${t('console.turfmap.draw')}</button>`;
    }
    return html`<p class="hint" id="turfmap-how">${t('console.turfmap.how')}</p>
      <div class="turfmap-tools">
        <button type="button" class="button secondary inline" id="turfmap-centre" ?disabled=${closed}
          @click=${() => addPoint(handle.centre())}>${t('console.turfmap.addCentre')}</button>
        <button type="button" class="button secondary inline" id="turfmap-close"
          ?disabled=${closed || points.length < 3} @click=${closeOutline}>${t('console.turfmap.close')}</button>
        <button type="button" class="button secondary inline" id="turfmap-undo" ?disabled=${!points.length}
          @click=${undo}>${t('console.turfmap.undo')}</button>
        <button type="button" class="button secondary inline" id="turfmap-clear" ?disabled=${!points.length}
          @click=${clear}>${t('console.turfmap.clear')}</button>
      </div>
      <p class="turfmap-count" id="turfmap-count" role="status">${countText()}${closed
        ? html` <span class="badge">${t('console.turfmap.closed')}</span>` : nothing}</p>
      <form id="turfmap-form" novalidate aria-labelledby="turfmap-form-title" @submit=${cut}>
        <h3 id="turfmap-form-title">${t('console.turfmap.cut')}</h3>
        <div class="form-row">
          ${field(form, { id: 'turfmap-name', name: 'name', label: 'console.turfs.name', required: true,
            maxlength: '90', autocomplete: 'off' })}
          ${field(form, { id: 'turfmap-days', name: 'days', type: 'number', label: 'console.turfs.days',
            required: true, min: '1', max: '365', value: '14', inputmode: 'numeric' })}
        </div>
        ${formAlert(form)}
        <div class="row-buttons">
          ${submitButton(form, 'console.turfmap.cutButton', 'console.turfs.cutting', 'button inline')}
          <button type="button" class="button secondary inline" id="turfmap-stop"
            @click=${() => setDrawing(false)}>${t('console.turfmap.stop')}</button>
        </div>
      </form>`;
  }

  function progressText(turf) {
    const { knocked, contacts, contact_rate: rate } = turf.progress;
    return `${t('console.turfs.knockedOf', { knocked: formatNumber(knocked), doors: formatNumber(turf.doors) })} · ${
      t('console.turfs.contacts', { count: contacts })} · ${rate == null ? t('console.turfs.rate.none')
      : t('console.turfs.rate', { rate: formatPercent(rate) })}`;
  }

  function turfItem(turf) {
    const band = turf.outline ? bandOf(turf) : null;
    return html`<li class=${`turfmap-turf${picked === turf.id ? ' picked' : ''}`} id=${`turfmap-turf-${turf.id}`}
      data-turf=${turf.id}>
      <span class=${`swatch ${band ?? 'off'}`} aria-hidden="true"></span>
      <div>
        ${turf.outline ? html`<button type="button" class="link turfmap-show" aria-pressed=${picked === turf.id}
          @click=${() => pick(turf.id)}>${turf.name}</button>` : html`<span class="turfmap-name">${turf.name}</span>`}
        <p class="turfmap-progress">${progressText(turf)}</p>
        ${turf.outline ? nothing : html`<p class="hint">${t('console.turfmap.offMap')}</p>`}
      </div>
    </li>`;
  }

  const bandOf = (turf) => {
    const share = turf.doors ? turf.progress.knocked / turf.doors : 0;
    return share <= 0 ? 'none' : share >= 1 ? 'all' : 'some';
  };

  function listPanel() {
    const outlines = new Map(drawn.turfs.map((turf) => [turf.id, turf.outline]));
    const rows = turfs.map((turf) => ({ ...turf, outline: outlines.get(turf.id) ?? null }));
    return html`<section class="card turfmap-list" aria-labelledby="turfmap-list-title">
      <h2 id="turfmap-list-title">${t('console.turfmap.list')}</h2>
      <ul class="turfmap-legend" aria-label=${t('console.turfmap.legend')}>
        <li><span class="swatch free" aria-hidden="true"></span>${t('console.turfmap.legend.free')}</li>
        <li><span class="swatch taken" aria-hidden="true"></span>${t('console.turfmap.legend.taken')}</li>
        ${['none', 'some', 'all'].map((band) => html`<li><span class=${`swatch ${band}`} aria-hidden="true"></span>${
          t(`console.turfmap.legend.${band}`)}</li>`)}
      </ul>
      ${rows.length ? html`<ul class="turfmap-turfs" id="turfmap-turfs">${rows.map(turfItem)}</ul>`
        : html`<p id="turfmap-none">${t('console.turfs.none')}</p>`}
    </section>`;
  }

  function content() {
    const doors = drawn.buildings.reduce((sum, b) => sum + b.doors, 0);
    handle?.setLabel(t('console.turfmap.map'));
    return html`
      <p><a class="link" href=${`/console/${run.campaign.id}/turfs`}>${t('console.turfmap.back')}</a></p>
      <p>${t('console.turfmap.intro')}</p>
      <div class="turfmap-layout">
        <div class="turfmap-map">
          ${mapProblem ? html`<p class="notice-error" id="turfmap-problem">${t('console.turfmap.noMap')}</p>` : html`
            <div class="turfmap-frame">
              <div id="turfmap-canvas" class="turfmap-canvas" ${ref(mount)}></div>
              ${drawing && !closed ? html`<div class="turfmap-cross" aria-hidden="true"></div>` : nothing}
            </div>`}
          <p class="hint" id="turfmap-facts">${t('console.turfmap.facts', { doors: formatNumber(doors),
            unplaced: drawn.unplaced })} ${basemap ? nothing : t('console.turfmap.plain')}</p>
        </div>
        <div class="turfmap-panel">
          <section class="card turfmap-draw" aria-labelledby="turfmap-draw-title">
            <h2 id="turfmap-draw-title">${t('console.turfmap.drawTitle')}</h2>
            ${drawPanel()}
          </section>
          ${listPanel()}
        </div>
      </div>`;
  }

  return () => html`<section class="screen wide" id="turf-map">
    <h1 tabindex="-1">${t('console.turfmap.title')}</h1>
    ${!run ? notYours() : turfs === null || drawn === null ? (error ? failed(error, load) : loading()) : content()}
  </section>`;
}
