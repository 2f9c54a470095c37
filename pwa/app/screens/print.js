// /doors/<campaign>/<turf>/print: the turf's walk list to print (pwa/app/walk-sheet.js), for a day without a
// working phone. It reads the walk list kept on this phone, so it prints offline; a turf not kept is asked of the
// server, which answers only the volunteer holding it (any other turf is a 404, and shows no sheet).
import { ApiError, walkList } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { getProfile } from '../../lib/session.js';
import { html } from '../../ui/screen.js';
import { walkListOf } from '../doors.js';
import { activeCampaigns } from '../people.js';
import { sheetTools, walkSheet } from '../walk-sheet.js';

export const title = 'sheet.title';

/** Why a walk list could not be had, as a catalog key. */
function problemOf(error) {
  if (error.offline) return 'walk.missing';
  if (error.status === 404 || error.status === 403) return 'sheet.notYours';
  if (error.status === 410) return 'sheet.expired';
  return 'sheet.failed';
}

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function printScreen(ctx) {
  const [campaignId, turfId] = ctx.params.map(Number);
  const profile = getProfile();
  const campaign = activeCampaigns(profile).find((c) => c.id === campaignId);
  let list; // undefined while loading, null when there is none to print
  let problem = 'sheet.notYours';

  async function load() {
    list = campaign ? (await walkListOf(profile, campaignId, turfId)) ?? null : null;
    if (!list && campaign) {
      try {
        list = (await walkList(campaignId, turfId)).walkList;
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        problem = problemOf(error);
      }
    }
    ctx.update();
  }
  load();

  const back = `/doors/${campaignId}/${turfId}`;
  return () => {
    if (list === undefined) return html`<section class="screen" id="print"><h1 tabindex="-1">${t('sheet.title')}</h1>
      <p class="loading">${t('app.loading')}</p></section>`;
    if (list === null) return html`<section class="screen" id="print"><h1 tabindex="-1">${t('sheet.title')}</h1>
      <p id="print-problem">${t(problem)}</p><a class="button" href="/doors">${t('take.toDoors')}</a></section>`;
    return html`<section class="screen sheet-screen" id="print">
      ${sheetTools(back, t('door.back'))}
      ${walkSheet({ campaign: campaign.name, list })}
    </section>`;
  };
}

