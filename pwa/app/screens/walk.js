// /doors/<campaign>/<turf>: a turf's walk list, from IndexedDB (so offline too): the doors in walk order, in runs of
// one street and side, each with its address, its voters and how it went; the next door not knocked always one tap
// away; and a map of the doors (over the kept basemap, or dots) when they have coordinates, where a tap on a dot
// opens that door. The same doors print as a paper sheet (print.js), entered afterwards on paper.js.
import { formatNumber, t } from '../../lib/i18n.js';
import { onRecordsChange } from '../../lib/outbox.js';
import { getProfile } from '../../lib/session.js';
import { html, nothing } from '../../ui/screen.js';
import { addressOf, basemapKey, doorStatus, hasPlace, nextDoor, streetRuns, visitsByHousehold, walkListOf }
  from '../doors.js';
import { voterName } from '../people.js';

export const title = 'walk.title';

// the map's colours by what a door came to (pwa/ui/map.js draws any other in grey)
const MAP_STATUS = { todo: 'todo', talked: 'done', not_home: 'not_home', refused: 'refused' };

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function walkScreen(ctx) {
  const [campaignId, turfId] = ctx.params.map(Number);
  const profile = getProfile();
  let list; // undefined while loading, null when this phone does not keep it
  let visits = new Map();
  let view = 'list';
  let map = null; // the map's handle while it shows
  ctx.watch(() => map?.close());

  async function load() {
    list = (await walkListOf(profile, campaignId, turfId)) ?? null;
    visits = await visitsByHousehold(profile.user.id, campaignId);
    ctx.update();
    map?.setDoors(mapDoors());
  }
  ctx.watch(onRecordsChange(load));
  load();

  const doorPath = (door) => `/doors/${campaignId}/${turfId}/${door.household_id}`;

  function mapDoors() {
    return list.doors.filter(hasPlace).map((door) => ({ id: door.household_id, lat: door.latitude,
      lon: door.longitude, label: addressOf(door), status: MAP_STATUS[doorStatus(visits.get(door.household_id))]
        ?? doorStatus(visits.get(door.household_id)) }));
  }

  async function showView(next) {
    view = next;
    ctx.update();
    if (view !== 'map' || map) return;
    const element = document.getElementById('walk-map');
    const maps = await import('../../ui/map.js');
    const basemap = list.basemap ? await maps.basemapFor(campaignId, basemapKey(turfId)) : null;
    if (ctx.signal.aborted || view !== 'map') return;
    map = await maps.showMap(element, { basemap, doors: mapDoors(),
      onDoor: (id) => ctx.navigate(`/doors/${campaignId}/${turfId}/${id}`) });
    if (ctx.signal.aborted) map.close();
  }

  return () => {
    if (list === undefined) return html`<section class="screen" id="walk"><h1 tabindex="-1">${t('walk.title')}</h1>
      <p class="loading">${t('app.loading')}</p></section>`;
    if (list === null) return html`<section class="screen" id="walk"><h1 tabindex="-1">${t('walk.title')}</h1>
      <p id="walk-missing">${t('walk.missing')}</p><a class="button" href="/doors">${t('take.toDoors')}</a></section>`;
    const knocked = list.doors.filter((door) => visits.get(door.household_id)?.length).length;
    const next = nextDoor(list.doors, visits);
    const placed = list.doors.some(hasPlace);
    return html`<section class="screen" id="walk">
      <h1 id="walk-title" tabindex="-1">${list.name}</h1>
      <p id="walk-progress">${t('walk.progress', { knocked: formatNumber(knocked), doors: formatNumber(list.doors.length) })}</p>
      ${next ? html`<a class="button next-door" id="next-door" href=${doorPath(next)}>${t('walk.next', {
        address: addressOf(next) })}</a>` : html`<p class="notice" id="walk-done">${t('walk.done')}</p>`}
      <div class="row-buttons paper-links">
        <a class="button secondary" id="print-link" href=${`/doors/${campaignId}/${turfId}/print`}>${t('walk.print')}</a>
        <a class="button secondary" id="paper-link" href=${`/doors/${campaignId}/${turfId}/paper`}>${t('walk.paper')}</a>
      </div>
      ${placed ? html`<div class="view-switch" role="group" aria-label=${t('walk.view')}>
        <button type="button" class="button secondary" id="show-list" aria-pressed=${view === 'list' ? 'true' : 'false'}
          @click=${() => showView('list')}>${t('walk.list')}</button>
        <button type="button" class="button secondary" id="show-map" aria-pressed=${view === 'map' ? 'true' : 'false'}
          @click=${() => showView('map')}>${t('walk.map')}</button>
      </div>` : nothing}
      <div id="walk-map" class="walk-map" ?hidden=${view !== 'map'}></div>
      <div id="walk-list" ?hidden=${view !== 'list'}>${streetRuns(list.doors).map((run, i) => html`
        <section class="street-run" aria-labelledby=${`run-${i}`}>
          <h2 id=${`run-${i}`}>${t(`walk.side.${run.side}`, { street: run.street })}</h2>
          <ol class="doors-list">${run.doors.map(({ door, index }) => doorItem(door, index))}</ol>
        </section>`)}</div>
    </section>`;
  };

  function doorItem(door, index) {
    const status = doorStatus(visits.get(door.household_id));
    return html`<li class=${`door-item ${status}`} data-household=${door.household_id}>
      <a href=${doorPath(door)}>
        <span class="door-address">${addressOf(door)}</span>
        <span class="hint">${door.voters.map(voterName).join(', ') || t('walk.noVoters')}</span>
        <span class="door-status">${t('walk.doorNumber', { n: index + 1 })} · ${t(`walk.status.${status}`)}${
          door.do_not_knock ? ` · ${t('asked.doNotKnockDoor')}` : ''}</span>
      </a>
    </li>`;
  }
}
