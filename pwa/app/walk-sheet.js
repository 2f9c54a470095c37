// A turf's walk list on paper, for a volunteer without a phone that works (no battery, no signal, no phone): the
// doors in the walk list's order and runs (pwa/app/streets.js: the phone's grouping, the server's order), each
// voter with a box per result and per support level, a blank per campaign question and a line for notes, under a
// header naming the campaign, the turf and when it was printed, with a legend of the codes and the questions. The volunteer app's print screen and the console's
// both draw it; the paper entry screen (screens/paper.js) reads the sheet back in the same order.
import { formatDateTime, t } from '../lib/i18n.js';
import { html, nothing } from '../ui/screen.js';
import { voterName } from './people.js';
import { addressOf, streetRuns } from './streets.js';
import { optionText } from './ui/survey.js';

/** The results a sheet has a box for, as the paper entry screen offers them; 'other' is any other result. */
export const SHEET_RESULTS = ['talked', 'not_home', 'refused', 'come_back', 'moved', 'other'];
export const SUPPORT_LEVELS = [1, 2, 3, 4, 5];

/** "Ana F., 46": a voter as the sheet and the paper entry screen name them (age when the voter file has it). */
export function sheetName(voter) {
  return voter.age ? t('sheet.voterAge', { name: voterName(voter), age: voter.age }) : voterName(voter);
}

/**
 * The sheet: its header (the screen's h1 is the turf's name) and a table per street run.
 * @param {{campaign: string, list: {name: string, doors: any[], questions?: {survey?: any[]}}, printedAt?: Date}} sheet
 */
export function walkSheet({ campaign, list, printedAt = new Date() }) {
  const questions = list.questions?.survey ?? [];
  return html`<article class="walk-sheet" id="walk-sheet">
    <header class="sheet-head">
      <p class="sheet-campaign">${campaign}</p>
      <h1 id="sheet-title" tabindex="-1">${list.name}</h1>
      <p class="sheet-printed">${t('sheet.printed', { doors: list.doors.length,
        date: formatDateTime(printedAt.toISOString()) })}</p>
      ${legend()}
      ${questions.length ? html`<ol class="sheet-questions" aria-label=${t('door.questions.title')}>${questions.map(
        (question, i) => html`<li><span class="sheet-q">${t('sheet.question', { n: i + 1 })}</span> ${question.label}
          <span class="hint">(${question.options.map((option) => optionText(question, option)).join(' · ')})</span>
        </li>`)}</ol>` : nothing}
      <p class="sheet-privacy">${t('sheet.privacy')}</p>
    </header>
    ${streetRuns(list.doors).map((run, i, runs) => html`<section
      class=${i && runs[i - 1].street !== run.street ? 'sheet-run new-street' : 'sheet-run'}>
      <h2 id=${`sheet-run-${i}`}>${t(`walk.side.${run.side}`, { street: run.street })}</h2>
      <div class="sheet-scroll" tabindex="0" role="region" aria-labelledby=${`sheet-run-${i}`}>
        <table class="sheet-table">
          <thead>
            <tr><th scope="col" rowspan="2" class="sheet-who">${t('sheet.voter')}</th>
              <th scope="colgroup" colspan=${SHEET_RESULTS.length}>${t('sheet.result')}</th>
              <th scope="colgroup" colspan=${SUPPORT_LEVELS.length}>${t('sheet.support')}</th></tr>
            <tr>${SHEET_RESULTS.map((result) => html`<th scope="col" class="code"><abbr title=${
              t(`sheet.result.${result}`)}>${t(`sheet.code.${result}`)}</abbr></th>`)}
              ${SUPPORT_LEVELS.map((level) => html`<th scope="col" class="code">${level}</th>`)}</tr>
          </thead>
          ${run.doors.map(({ door, index }) => doorRows(door, index, questions))}
        </table>
      </div>
    </section>`)}
  </article>`;
}

function legend() {
  return html`<dl class="sheet-legend">
    ${SHEET_RESULTS.map((result) => html`<div><dt>${t(`sheet.code.${result}`)}</dt><dd>${
      t(`sheet.result.${result}`)}</dd></div>`)}
    <div><dt>1–5</dt><dd>${t('sheet.supportScale')}</dd></div>
  </dl>`;
}

const COLUMNS = 1 + SHEET_RESULTS.length + SUPPORT_LEVELS.length;

/** A door's rows: its address with a box for nobody home, then each voter's boxes, a blank per question (the
 * answer is written in) and the notes line. */
function doorRows(door, index, questions) {
  return html`<tbody class="sheet-door" data-household=${door.household_id}>
    <tr class="sheet-address"><th scope="rowgroup" colspan=${COLUMNS}>
      <span class="sheet-n">${index + 1}</span> ${addressOf(door)}
      <span class="sheet-nobody"><span class="box" data-result="not_home"></span>${t('sheet.nobodyHome')}</span>
    </th></tr>
    ${door.voters.length ? door.voters.map((voter) => html`<tr class="sheet-voter" data-voter=${voter.id}>
        <th scope="row" class="sheet-who">${sheetName(voter)}</th>
        ${SHEET_RESULTS.map((result) => html`<td class="box-cell"><span class="box" data-result=${result}></span></td>`)}
        ${SUPPORT_LEVELS.map((level) => html`<td class="box-cell"><span class="box" data-support=${level}></span></td>`)}
      </tr>
      <tr class="sheet-notes"><td colspan=${COLUMNS}>${questions.map((_, i) => html`<span class="sheet-answer">${
        t('sheet.question', { n: i + 1 })}</span>`)}${t('sheet.notes')}</td></tr>`)
      : html`<tr class="sheet-voter"><td colspan=${COLUMNS} class="hint">${t('walk.noVoters')}</td></tr>`}
  </tbody>`;
}

/** Above the sheet, never on it: the privacy line, Print, and the way back. */
export function sheetTools(back, backLabel) {
  return html`<div class="sheet-tools">
    <p class="notice" id="sheet-privacy-notice">${t('sheet.privacy')}</p>
    <div class="row-buttons">
      <button type="button" class="button" id="print-sheet" @click=${() => window.print()}>${t('sheet.print')}</button>
      <a class="button secondary" href=${back}>${backLabel}</a>
    </div>
  </div>`;
}
