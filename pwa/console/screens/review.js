// /console/<id>/review: what volunteers logged, newest first, for an organizer to read, mark reviewed (one by one or
// all those on the page), flag for staff follow-up and answer; the reply reaches the volunteer's phone on its next
// sync. The filters live in the address (review-query.js): a link opens the list filtered, back and forward step
// through the filters. With none, the list is the queue of what is not reviewed yet, and j/k/e/r/f go through it.
// On a card an organizer also records what the person asked about being contacted, or forgets them (both reach
// volunteers' phones on their next sync).
import { formatList, t } from '../../lib/i18n.js';
import { choiceDialog } from '../../ui/dialog.js';
import { Form, explain, selectField } from '../../ui/forms.js';
import { html, nothing } from '../../ui/screen.js';
import {
  forgetVoter, getCampaign, listConversations, listMembers, reviewConversation, reviewConversations, setContactPreference,
} from '../api.js';
import { campaignRun } from '../campaigns.js';
import { SUPPORT_LEVELS, apiFilters, filtersFrom, filtersSet, queryOf } from '../review-query.js';
import { reviewCard, voterName } from '../ui/review-card.js';
import { listenForShortcuts } from '../ui/shortcuts.js';
import { failed, loading, notYours } from '../ui/states.js';

export const title = 'console.review.title';
const PAGE = 50;
const BULK = 500; // the API's most ids in one bulk review
const WIDE = '(min-width: 56.25rem)'; // where the filters start unfolded: console.css's wide layout
const UNDO_MS = 10000;
// why a person is forgotten, as the server takes it (server/forget/models.py REASONS); 'asked' is picked first
const FORGET_REASONS = ['asked', 'deceased', 'legal', 'other'];

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function reviewScreen(ctx) {
  const run = campaignRun(ctx.params[0]);
  let filters = filtersFrom(ctx.query);
  let page = null; // {items, cursor, more}
  let error = null;
  let dateProblem = false; // "to" before "from": not sent
  let loadingMore = false;
  let members = null; // by user id
  let issues = [];
  let reading = 0; // only the latest read paints
  let filtersOpen = matchMedia(WIDE).matches;
  let shortcutsOpen = false;
  let announcement = '';
  const selected = new Set();
  const busy = new Set();
  /** @type {Map<string, Form>} the reply boxes open, by conversation id */
  const replies = new Map();
  const asking = new Set(); // the cards whose "what they asked" form is open, by conversation id

  async function load() {
    const mine = ++reading;
    error = null;
    page = null;
    selected.clear();
    ctx.update();
    try {
      const [found, everyone, campaign] = await Promise.all([
        listConversations(run.campaign.id, apiFilters(filters), { limit: PAGE }),
        members ? null : listMembers(run.campaign.id), members ? null : getCampaign(run.campaign.id)]);
      if (mine !== reading) return;
      if (everyone) members = new Map(everyone.map((m) => [m.user_id, m]));
      if (campaign) issues = campaign.issue_tags;
      page = { items: found.conversations, cursor: found.cursor, more: found.more };
    } catch (problem) {
      if (mine !== reading) return;
      error = problem;
    }
    ctx.update();
  }

  async function more() {
    if (loadingMore) return;
    const mine = reading;
    loadingMore = true;
    ctx.update();
    try {
      const next = await listConversations(run.campaign.id, apiFilters(filters), { cursor: page.cursor, limit: PAGE });
      if (mine !== reading) return;
      const first = next.conversations[0];
      page = { items: [...page.items, ...next.conversations], cursor: next.cursor, more: next.more };
      loadingMore = false;
      ctx.update();
      if (first) focusCard(first.id); // the first of the new ones: where reading goes on
    } catch (problem) {
      ctx.toasts.show('console.review.failed', { values: { reason: t(...explain(problem)) }, duration: 8000 });
    } finally {
      loadingMore = false;
      ctx.update();
    }
  }

  /** New filters: into the address (a new history entry, so Back undoes it), then the list. */
  function setFilters(next) {
    filters = next;
    dateProblem = Boolean(filters.from && filters.to && filters.to < filters.from);
    history.pushState(null, '', `${location.pathname}${queryOf(filters)}`);
    if (dateProblem) {
      reading++;
      page = null;
      ctx.update();
      return;
    }
    load();
  }

  function readFilters(/** @type {Event} */ event) {
    const form = /** @type {HTMLFormElement} */ (/** @type {Element} */ (event.currentTarget));
    const data = new FormData(form);
    setFilters({
      volunteer: String(data.get('volunteer') ?? ''), from: String(data.get('from') ?? ''),
      to: String(data.get('to') ?? ''), support: data.getAll('support').map(String), issue: String(data.get('issue') ?? ''),
      reviewed: /** @type {any} */ (String(data.get('reviewed') ?? 'false')),
      flagged: /** @type {any} */ (String(data.get('flagged') ?? '')),
    });
  }

  /** Put a conversation as the server now has it in the list. */
  function replace(conversation) {
    if (!page) return;
    page = { ...page, items: page.items.map((c) => (c.id === conversation.id ? conversation : c)) };
  }

  /** Send one review; answers the conversation as it now is, or null after saying what went wrong. */
  async function review(c, change) {
    busy.add(c.id);
    ctx.update();
    try {
      const now = await reviewConversation(run.campaign.id, c.id, change);
      replace(now);
      return now;
    } catch (problem) {
      ctx.toasts.show('console.review.failed', { values: { reason: t(...explain(problem)) }, duration: 8000 });
      return null;
    } finally {
      busy.delete(c.id);
      ctx.update();
    }
  }

  async function toggleReviewed(c) {
    if (busy.has(c.id)) return;
    const reviewed = !c.reviewed;
    const now = await review(c, { reviewed });
    if (!now) return;
    const name = voterName(now);
    if (!reviewed) {
      ctx.toasts.show('console.review.unmarked', { values: { name }, duration: 4000 });
      return;
    }
    const toast = ctx.toasts.show('console.review.marked', { values: { name }, buttons: ['undo'], duration: UNDO_MS });
    if (await toast.answer === 'undo' && (await review(now, { reviewed: false }))) {
      ctx.toasts.show('console.review.undone', { duration: 4000 });
    }
  }

  async function toggleFlag(c) {
    if (busy.has(c.id)) return;
    const now = await review(c, { flagged_for_follow_up: !c.flagged_for_follow_up });
    if (now) {
      ctx.toasts.show(now.flagged_for_follow_up ? 'console.review.flaggedToast' : 'console.review.unflaggedToast',
        { values: { name: voterName(now) }, duration: 4000 });
    }
  }

  function openReply(c) {
    if (!replies.has(c.id)) replies.set(c.id, new Form(ctx, `c-${c.id}-reply-form`));
    ctx.update();
    /** @type {HTMLTextAreaElement | null} */ (document.getElementById(`c-${c.id}-reply-text`))?.focus();
  }

  function closeReply(c) {
    replies.delete(c.id);
    ctx.update();
    focusCard(c.id);
  }

  function sendReply(c, /** @type {SubmitEvent} */ event) {
    event.preventDefault();
    const form = replies.get(c.id);
    if (!form.check()) return;
    const text = /** @type {HTMLTextAreaElement} */ (form.element.elements.namedItem('review_reply')).value.trim();
    form.submit(async () => {
      const now = await reviewConversation(run.campaign.id, c.id, { review_reply: text });
      replace(now);
      replies.delete(c.id);
      ctx.toasts.show('console.review.replySent', { values: { name: now.volunteer.display_name }, duration: 6000 });
    }).then(() => {
      if (!replies.has(c.id)) focusCard(c.id);
    });
  }

  /** Take a reply back: the volunteer's phone stops showing it at its next sync. Undo sends the same words again. */
  async function clearReply(c) {
    if (busy.has(c.id)) return;
    const words = c.review_reply;
    const now = await review(c, { review_reply: '' });
    if (!now) return;
    replies.delete(c.id);
    ctx.update();
    focusCard(c.id);
    const toast = ctx.toasts.show('console.review.replyCleared', { values: { name: now.volunteer.display_name },
      buttons: ['undo'], duration: UNDO_MS });
    if (await toast.answer === 'undo' && (await review(now, { review_reply: words }))) {
      ctx.toasts.show('console.review.undone', { duration: 4000 });
    }
  }

  function toggleAsked(c, open) {
    if (open) asking.add(c.id);
    else asking.delete(c.id);
    ctx.update();
    if (open) /** @type {HTMLInputElement | null} */ (document.querySelector(`#c-${c.id}-asked-form input`))?.focus();
    else focusCard(c.id);
  }

  /** Record what the person asked (clearing every box clears it); every card about them shows it at once. */
  async function saveAsked(c, flags) {
    if (busy.has(c.id)) return;
    busy.add(c.id);
    ctx.update();
    try {
      const { refused } = await setContactPreference(run.campaign.id, c.voter.id, flags);
      page = { ...page, items: page.items.map((item) => (item.voter?.id === c.voter.id
        ? { ...item, voter: { ...item.voter, refused } } : item)) };
      asking.delete(c.id);
      ctx.toasts.show('console.review.askedSaved', { values: { name: voterName(c) }, duration: 6000 });
    } catch (problem) {
      ctx.toasts.show('console.review.failed', { values: { reason: t(...explain(problem)) }, duration: 8000 });
    } finally {
      busy.delete(c.id);
      ctx.update();
    }
    focusCard(c.id);
  }

  /** Forget the person, once the organizer has read what that does: every card about them leaves the list. */
  async function forget(c) {
    if (busy.has(c.id)) return;
    const name = voterName(c);
    const reason = await choiceDialog({ title: 'console.review.forget.title', body: 'console.review.forget.body',
      values: { name }, confirm: 'console.review.forget.confirm', choice: { legend: 'console.review.forget.reason',
        options: FORGET_REASONS.map((why) => [why, `console.review.forget.reason.${why}`]), value: 'asked' } });
    if (reason === null) return;
    busy.add(c.id);
    ctx.update();
    try {
      await forgetVoter(run.campaign.id, c.voter.id, reason);
      page = { ...page, items: page.items.filter((item) => item.voter?.id !== c.voter.id) };
      ctx.toasts.show('console.review.forgotten', { values: { name }, duration: 8000 });
      /** @type {HTMLElement | null} */ (document.querySelector('#review h1'))?.focus();
    } catch (problem) {
      ctx.toasts.show('console.review.failed', { values: { reason: t(...explain(problem)) }, duration: 8000 });
    } finally {
      busy.delete(c.id);
      ctx.update();
    }
  }

  function select(c, on) {
    if (on) selected.add(c.id);
    else selected.delete(c.id);
    ctx.update();
  }

  function selectAll(on) {
    for (const c of page.items) {
      if (on) selected.add(c.id);
      else selected.delete(c.id);
    }
    ctx.update();
  }

  /** Mark the selected conversations reviewed (or not), BULK at a time; a mark can be undone from its toast. */
  async function bulk(reviewed) {
    const changing = page.items.filter((c) => selected.has(c.id) && c.reviewed !== reviewed).map((c) => c.id);
    if (!changing.length) {
      ctx.toasts.show(reviewed ? 'console.review.allMarked' : 'console.review.noneMarked', { duration: 4000 });
      return;
    }
    const sent = await sendBulk(changing, reviewed);
    if (!sent) return;
    selected.clear();
    ctx.update();
    const key = reviewed ? 'console.review.markedMany' : 'console.review.unmarkedMany';
    const toast = ctx.toasts.show(key, { values: { count: sent }, buttons: reviewed ? ['undo'] : [],
      duration: reviewed ? UNDO_MS : 4000 });
    if (reviewed && await toast.answer === 'undo' && await sendBulk(changing, false)) {
      ctx.toasts.show('console.review.undone', { duration: 4000 });
    }
  }

  /** @returns {Promise<number>} how many were changed (0 after saying what went wrong) */
  async function sendBulk(ids, reviewed) {
    for (const id of ids) busy.add(id);
    ctx.update();
    try {
      for (let start = 0; start < ids.length; start += BULK) {
        const { conversations } = await reviewConversations(run.campaign.id, ids.slice(start, start + BULK), reviewed);
        for (const c of conversations) replace(c);
      }
      return ids.length;
    } catch (problem) {
      ctx.toasts.show('console.review.failed', { values: { reason: t(...explain(problem)) }, duration: 8000 });
      return 0;
    } finally {
      for (const id of ids) busy.delete(id);
      ctx.update();
    }
  }

  // the queue by keyboard
  const cards = () => /** @type {HTMLElement[]} */ ([...document.querySelectorAll('#review-list .review-card')]);
  const focused = () => /** @type {HTMLElement | null} */ (document.activeElement?.closest('.review-card') ?? null);
  const conversationOf = (card) => page?.items.find((c) => c.id === card?.dataset.id) ?? null;

  function focusCard(id) {
    const card = document.getElementById(`c-${id}`);
    if (!card) return;
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: 'nearest' });
    const all = cards();
    announcement = t('console.review.position', { n: all.indexOf(card) + 1, total: all.length });
    ctx.update();
  }

  function step(by) {
    const all = cards();
    if (!all.length) return;
    const at = all.indexOf(focused());
    const to = at < 0 ? (by > 0 ? 0 : all.length - 1) : Math.min(Math.max(at + by, 0), all.length - 1);
    focusCard(all[to].dataset.id);
  }

  /** The conversation the keys act on: the focused one, else the first (focused, so the person sees which). */
  function target() {
    const card = focused() ?? cards()[0];
    if (card && card !== focused()) focusCard(card.dataset.id);
    return conversationOf(card);
  }

  ctx.watch(listenForShortcuts({
    j: () => step(1),
    k: () => step(-1),
    e: () => {
      const c = target();
      if (!c) return;
      if (!c.reviewed) toggleReviewed(c);
      step(1);
    },
    r: () => {
      const c = target();
      if (c) openReply(c);
    },
    f: () => {
      const c = target();
      if (c) toggleFlag(c);
    },
    '?': () => {
      shortcutsOpen = !shortcutsOpen;
      ctx.update();
    },
  }));

  if (run) load();

  return () => html`<section class="screen wide review" id="review">
    <h1 tabindex="-1">${t('console.review.title')}</h1>
    ${!run ? notYours() : html`
      <p class="lead">${t('console.review.intro')}</p>
      ${filtersView()}
      ${shortcutsView()}
      <p class="visually-hidden" role="status" id="review-announce">${announcement}</p>
      ${dateProblem ? nothing : page ? list() : error ? failed(error, load) : loading()}`}
  </section>`;

  function filtersView() {
    const count = filtersSet(filters);
    const everyone = [...(members?.values() ?? [])].sort((a, b) => a.display_name.localeCompare(b.display_name));
    const issueList = filters.issue && !issues.includes(filters.issue) ? [...issues, filters.issue] : issues;
    return html`<details class="fold review-filters" id="review-filters-fold" ?open=${filtersOpen}
      @toggle=${(/** @type {Event} */ e) => { filtersOpen = /** @type {HTMLDetailsElement} */ (e.target).open; }}>
      <summary><h2>${t('console.review.filters')}</h2><span class="fold-preview">${
        count ? t('console.review.filtersSet', { count }) : t('console.review.queue')}</span></summary>
      <form id="review-filters" class="filters-bar" novalidate @change=${readFilters}
        @submit=${(/** @type {Event} */ e) => e.preventDefault()}>
        ${selectField({ id: 'review-reviewed', name: 'reviewed', label: 'console.review.filter.reviewed',
          value: filters.reviewed, options: [['false', t('console.review.filter.notReviewed')],
            ['true', t('console.review.filter.reviewed.true')], ['all', t('console.review.filter.all')]] })}
        ${selectField({ id: 'review-flagged', name: 'flagged', label: 'console.review.filter.flagged',
          value: filters.flagged, options: [['', t('console.review.filter.flaggedAny')],
            ['true', t('console.review.filter.flaggedOnly')], ['false', t('console.review.filter.notFlagged')]] })}
        ${selectField({ id: 'review-volunteer', name: 'volunteer', label: 'console.review.filter.volunteer',
          value: filters.volunteer, options: [['', t('console.review.filter.everyone')],
            ...(filters.volunteer && !members?.has(Number(filters.volunteer))
              ? [[filters.volunteer, t('console.review.filter.someone', { id: filters.volunteer })]] : []),
            ...everyone.map((m) => [String(m.user_id), m.display_name])] })}
        ${selectField({ id: 'review-issue', name: 'issue', label: 'console.review.filter.issue', value: filters.issue,
          options: [['', t('console.review.filter.anyIssue')], ...issueList.map((issue) => [issue, issue])] })}
        <div class="field"><label for="review-from">${t('console.review.filter.from')}</label>
          <input id="review-from" name="from" type="date" .value=${filters.from}></div>
        <div class="field"><label for="review-to">${t('console.review.filter.to')}</label>
          <input id="review-to" name="to" type="date" .value=${filters.to} aria-describedby="review-to-error"
            aria-invalid=${dateProblem ? 'true' : nothing}>
          <p id="review-to-error" class="field-error">${dateProblem ? t('console.review.filter.toBeforeFrom') : ''}</p>
        </div>
        <fieldset class="choices chips review-support">
          <legend>${t('console.review.filter.support')}</legend>
          ${SUPPORT_LEVELS.map((level) => html`<label class="choice"><input type="checkbox" name="support"
            value=${level} .checked=${filters.support.includes(level)}>${t(`fields.conversation.support.${level}`)}</label>`)}
        </fieldset>
        ${count ? html`<p class="review-clear"><button type="button" class="button secondary inline" id="review-clear"
          @click=${() => setFilters(filtersFrom(new URLSearchParams()))}>${t('console.review.filter.clear')}</button></p>`
          : nothing}
      </form>
    </details>`;
  }

  function shortcutsView() {
    const keys = [['j', 'next'], ['k', 'previous'], ['e', 'mark'], ['r', 'reply'], ['f', 'flag'], ['?', 'help']];
    return html`<details class="fold review-shortcuts" id="review-shortcuts" ?open=${shortcutsOpen}
      @toggle=${(/** @type {Event} */ e) => { shortcutsOpen = /** @type {HTMLDetailsElement} */ (e.target).open; }}>
      <summary><h2>${t('console.review.shortcuts')}</h2></summary>
      <p class="hint">${t('console.review.shortcuts.intro')}</p>
      <dl class="shortcut-list">${keys.map(([key, name]) => html`<div><dt><kbd>${key}</kbd></dt><dd>${
        t(`console.review.key.${name}`)}</dd></div>`)}</dl>
    </details>`;
  }

  function list() {
    const { items } = page;
    if (!items.length) {
      return html`<p class="notice" id="review-empty">${t(filtersSet(filters)
        ? 'console.review.noneFound' : 'console.review.nothing')}</p>`;
    }
    const chosen = items.filter((c) => selected.has(c.id)).length;
    const volunteerPath = (userId) => {
      const member = members?.get(userId);
      return member ? `/console/${run.campaign.id}/volunteers/${member.id}` : null;
    };
    return html`<div class="review-bulk" id="review-bulk" role="group" aria-label=${t('console.review.bulk')}>
        <div class="review-select-all">
          <input type="checkbox" id="review-select-all" .checked=${chosen === items.length}
            .indeterminate=${chosen > 0 && chosen < items.length}
            @change=${(/** @type {Event} */ e) => selectAll(/** @type {HTMLInputElement} */ (e.target).checked)}>
          <label for="review-select-all">${t('console.review.selectAll', { count: items.length })}</label>
        </div>
        <p class="review-chosen" id="review-chosen">${t('console.review.chosen', { count: chosen })}</p>
        <div class="review-buttons">
          <button type="button" class="button inline" id="review-mark-selected" ?disabled=${!chosen}
            @click=${() => bulk(true)}>${t('console.review.markSelected')}</button>
          <button type="button" class="button secondary inline" id="review-unmark-selected" ?disabled=${!chosen}
            @click=${() => bulk(false)}>${t('console.review.unmarkSelected')}</button>
        </div>
      </div>
      <ol class="review-list" id="review-list" aria-label=${t('console.review.listLabel', {
        filters: describe() })}>${items.map((c) => reviewCard(c, { selected: selected.has(c.id), busy: busy.has(c.id),
        replyForm: replies.get(c.id) ?? null, volunteerPath: volunteerPath(c.volunteer.id), askedOpen: asking.has(c.id),
        actions: { toggleReviewed, toggleFlag, openReply, closeReply, sendReply, clearReply, select, toggleAsked,
          saveAsked, forget } }))}</ol>
      ${page.more ? html`<button type="button" class="button secondary" id="review-more"
        aria-disabled=${loadingMore ? 'true' : nothing} @click=${more}>${
        t(loadingMore ? 'app.loading' : 'console.more')}</button>` : html`<p class="note" id="review-end">${
        t('console.review.end')}</p>`}`;
  }

  /** The list's filters in words, for its accessible name. */
  function describe() {
    const words = [t(`console.review.describe.reviewed.${filters.reviewed}`)];
    if (filters.flagged) words.push(t(`console.review.describe.flagged.${filters.flagged}`));
    if (filters.volunteer) {
      words.push(members?.get(Number(filters.volunteer))?.display_name
        ?? t('console.review.filter.someone', { id: filters.volunteer }));
    }
    if (filters.issue) words.push(filters.issue);
    return formatList(words);
  }
}
