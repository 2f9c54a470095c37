// /doors: the turfs the volunteer holds (assigned to them, or taken with a take link), each with "Take this turf
// offline" (its walk list and map into IndexedDB, with the download's progress), then "Ready offline" and the way to
// its walk list, and "Update" when the server's walk list changed since. A turf past its expiry says so and is not
// downloaded. Offline, the turfs kept on this phone.
import { ApiError } from '../../lib/api.js';
import { formatDay, formatNumber, t } from '../../lib/i18n.js';
import { getProfile } from '../../lib/session.js';
import { html, nothing } from '../../ui/screen.js';
import { expired, newerWalkList, takeOffline, turfsOfVolunteer } from '../doors.js';
import { refreshRecruitLink } from '../recruit.js';

export const title = 'doors.title';

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function doorsScreen(ctx) {
  const profile = getProfile();
  let listing = null; // {offline, turfs}
  const steps = new Map(); // turf key → 'list' | 'map' while it downloads
  const failed = new Map(); // turf key → catalog key of what went wrong
  const updates = new Map(); // turf key → the newer walk list the server has

  async function load() {
    listing = await turfsOfVolunteer(profile);
    ctx.update();
    if (listing.offline) return;
    for (const campaignId of new Set(listing.turfs.map((row) => row.campaign.id))) {
      refreshRecruitLink(profile.user.id, campaignId).catch(() => {}); // what a door offers, kept for no signal
    }
    for (const { kept } of listing.turfs) {
      if (!kept || expired(kept)) continue;
      newerWalkList(kept).then((newer) => {
        if (newer) updates.set(keyOf(kept.campaign_id, kept.turf_id), newer);
        ctx.update();
      }).catch(() => {}); // offline meanwhile, or gone: the kept one still works
    }
  }
  load();

  async function download(campaignId, turfId) {
    const key = keyOf(campaignId, turfId);
    failed.delete(key);
    try {
      await takeOffline({ userId: profile.user.id, campaignId, turfId, fetched: updates.get(key) }, (step) => {
        if (step === 'done') steps.delete(key);
        else steps.set(key, step);
        ctx.update();
      });
      updates.delete(key);
      ctx.toasts.show('doors.ready', { duration: 4000 });
    } catch (error) {
      steps.delete(key);
      if (!(error instanceof ApiError)) throw error;
      failed.set(key, error.offline ? 'doors.failed.offline' : error.status === 410 ? 'doors.failed.expired'
        : 'doors.failed');
    }
    await load();
  }

  return () => html`<section class="screen" id="doors">
    <h1 id="doors-title" tabindex="-1">${t('doors.title')}</h1>
    <p class="hint">${t('doors.intro')}</p>
    ${listing?.offline ? html`<p class="notice" id="doors-offline">${t('doors.offline')}</p>` : nothing}
    ${!listing ? html`<p class="loading">${t('app.loading')}</p>`
      : !listing.turfs.length ? html`<p id="doors-none">${t('doors.none')}</p>`
        : html`<ul class="cards turfs" id="turfs" aria-labelledby="doors-title">${listing.turfs.map(turfItem)}</ul>`}
  </section>`;

  function turfItem({ campaign, turf, kept }) {
    const turfId = turf?.id ?? kept.turf_id;
    const key = keyOf(campaign.id, turfId);
    const name = turf?.name ?? kept.name;
    const doors = turf?.doors ?? kept.doors.length;
    const gone = expired(turf ?? kept);
    const step = steps.get(key);
    const id = `turf-${campaign.id}-${turfId}`;
    return html`<li class="card turf" id=${id}>
      <h2 id=${`${id}-name`}>${name}</h2>
      <p>${t('doors.size', { doors: formatNumber(doors), campaign: campaign.name })}</p>
      ${turf?.progress ? html`<p class="hint">${t('doors.progress', { knocked: formatNumber(turf.progress.knocked),
        doors: formatNumber(doors) })}</p>` : nothing}
      ${gone ? html`<p class="notice-error turf-expired">${t('doors.expired', { date: formatDay(
        (turf ?? kept).expires_at.slice(0, 10)) })}</p>`
        : html`<p class="hint">${t('doors.expires', { date: formatDay((turf ?? kept).expires_at.slice(0, 10)) })}</p>`}
      ${kept ? html`<p class="ready" id=${`${id}-ready`}>${t('doors.readyOffline')}</p>` : nothing}
      ${step ? html`<div class="download" role="status">
        <label for=${`${id}-progress`}>${t(`doors.step.${step}`)}</label>
        <progress id=${`${id}-progress`} max="2" value=${step === 'list' ? 0 : 1}></progress>
      </div>` : nothing}
      ${failed.has(key) ? html`<p class="notice-error" role="alert">${t(failed.get(key))}</p>` : nothing}
      <div class="row-buttons">
        ${kept ? html`<a class="button" href=${`/doors/${campaign.id}/${turfId}`} aria-describedby=${`${id}-name`}>${
          t('doors.open')}</a>` : nothing}
        ${!kept && !gone ? html`<button type="button" class="button take-offline" ?disabled=${Boolean(step)}
          aria-describedby=${`${id}-name`} @click=${() => download(campaign.id, turfId)}>${t('doors.takeOffline')}</button>`
          : nothing}
        ${kept && !gone && updates.has(key) ? html`<button type="button" class="button secondary update"
          ?disabled=${Boolean(step)} aria-describedby=${`${id}-name`} @click=${() => download(campaign.id, turfId)}>${
          t('doors.update')}</button>` : nothing}
      </div>
    </li>`;
  }
}

function keyOf(campaignId, turfId) {
  return `${campaignId}/${turfId}`;
}
