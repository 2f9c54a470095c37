// /console/<id>/turfs/<turf>/print: a turf's walk list to print, for an organizer handing out paper on a day
// phones will not do (pwa/app/walk-sheet.js draws the same sheet as the volunteer app's print screen).
import { ApiError, walkList } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { html } from '../../ui/screen.js';
import { sheetTools, walkSheet } from '../../app/walk-sheet.js';
import { campaignRun } from '../campaigns.js';
import { failed, loading, notYours } from '../ui/states.js';

export const title = 'sheet.title';

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function turfPrintScreen(ctx) {
  const run = campaignRun(ctx.params[0]);
  const turfId = Number(ctx.params[1]);
  let list = null;
  let error = null;
  let gone = false; // expired, or no such turf

  async function load() {
    error = null;
    try {
      list = (await walkList(run.campaign.id, turfId)).walkList;
    } catch (problem) {
      if (problem instanceof ApiError && (problem.status === 404 || problem.status === 410)) gone = true;
      else error = problem;
    }
    ctx.update();
  }
  if (run) load();

  return () => {
    if (!run || gone || !list) {
      return html`<section class="screen" id="turf-print"><h1 tabindex="-1">${t('sheet.title')}</h1>
        ${!run ? notYours() : gone ? html`<p id="print-problem">${t('console.turfPrint.gone')}</p>
          <a class="button inline" href=${`/console/${run.campaign.id}/turfs`}>${t('console.turfPrint.back')}</a>`
          : error ? failed(error, load) : loading()}</section>`;
    }
    return html`<section class="screen wide sheet-screen" id="turf-print">
      ${sheetTools(`/console/${run.campaign.id}/turfs`, t('console.turfPrint.back'))}
      ${walkSheet({ campaign: run.campaign.name, list })}
    </section>`;
  };
}
