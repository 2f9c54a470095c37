// One logged conversation on the Review screen: who was talked to (name, city, age, a priority mark, what they asked
// about being contacted), who talked to them, when and how, what the volunteer noted, and its review (reviewed,
// flagged, the reply sent), with the buttons that change it, record what the person asked, or forget them. A card is focusable (tabindex -1) so the j/k shortcuts can move through the queue; its heading names
// it for a screen reader.
import { formatDateTime, formatDay, formatList, t } from '../../lib/i18n.js';
import { askedForm, askedLine } from '../../ui/asked.js';
import { formAlert, submitButton, textareaField } from '../../ui/forms.js';
import { html, nothing } from '../../ui/screen.js';
import { icon } from '../icons.js';

/** The voter's full name, or what stands for a voter the file no longer has. */
export function voterName(conversation) {
  const { voter } = conversation;
  return voter ? [voter.first_name, voter.last_name].filter(Boolean).join(' ') : t('console.volunteer.voterGone');
}

/**
 * @typedef {object} CardActions what the screen does when a card's button is pressed
 * @property {(c: any) => void} toggleReviewed
 * @property {(c: any) => void} toggleFlag
 * @property {(c: any) => void} openReply
 * @property {(c: any) => void} closeReply
 * @property {(c: any, event: SubmitEvent) => void} sendReply
 * @property {(c: any) => void} clearReply
 * @property {(c: any, selected: boolean) => void} select
 * @property {(c: any, open: boolean) => void} toggleAsked
 * @property {(c: any, flags: object) => void} saveAsked
 * @property {(c: any) => void} forget
 */

/**
 * @param {any} c the conversation, as the API answers it
 * @param {{selected: boolean, busy: boolean, replyForm: import('../../ui/forms.js').Form | null, volunteerPath: string | null,
 *   askedOpen: boolean, actions: CardActions}} state
 */
export function reviewCard(c, { selected, busy, replyForm, volunteerPath, askedOpen, actions }) {
  const id = `c-${c.id}`;
  const name = voterName(c);
  const volunteer = c.volunteer.display_name;
  return html`<li class="review-item">
    <article class=${`card review-card${c.reviewed ? ' is-reviewed' : ''}${selected ? ' is-selected' : ''}`} id=${id}
      tabindex="-1" aria-labelledby=${`${id}-title`} data-id=${c.id}>
      <div class="review-select">
        <input type="checkbox" id=${`${id}-select`} .checked=${selected}
          @change=${(/** @type {Event} */ e) => actions.select(c, /** @type {HTMLInputElement} */ (e.target).checked)}>
        <label for=${`${id}-select`}><span class="visually-hidden">${t('console.review.select', { name })}</span></label>
      </div>
      <div class="review-who">
        <h2 id=${`${id}-title`} class="review-voter">${name}${c.voter?.priority ? html` <span class="badge priority">${
          icon('priority')}${t('console.review.priority')}</span>` : nothing}</h2>
        ${c.voter ? html`<p class="review-voter-facts">${[c.voter.city, c.voter.age != null
          ? t('console.review.age', { age: c.voter.age }) : null].filter(Boolean).join(' · ')}</p>` : nothing}
        ${c.voter ? askedLine(c.voter.refused, `${id}-asked`) : nothing}
        <p class="review-when"><time datetime=${c.happened_at}>${formatDateTime(c.happened_at)}</time> · ${t(`fields.conversation.channel.${c.channel}`)}</p>
        <p class="review-by">${t('console.review.by')} ${volunteerPath
          ? html`<a class="link" href=${volunteerPath}>${volunteer}</a>` : volunteer}</p>
      </div>
      <div class="review-what">
        <dl class="review-facts">
          <div><dt>${t('console.review.support')}</dt><dd>${c.support
            ? t(`fields.conversation.support.${c.support}`) : t('fields.conversation.support.none')}</dd></div>
          ${c.issues.length ? html`<div><dt>${t('console.review.issues')}</dt><dd>${formatList(c.issues)}</dd></div>`
            : nothing}
          ${votePlan(c)}
          ${c.follow_up_on ? html`<div><dt>${t('console.review.followUp')}</dt><dd>${formatDay(c.follow_up_on)}</dd>
            </div>` : nothing}
        </dl>
        ${c.notes ? html`<p class="notes review-notes">${c.notes}</p>`
          : html`<p class="review-no-notes">${t('console.review.noNotes')}</p>`}
      </div>
      <div class="review-state">
        <p class="review-status">${state(c)}</p>
        ${c.review_reply ? html`<p class="reply review-reply" id=${`${id}-reply`}><strong>${
          t('console.review.replySentLabel')}</strong> ${c.review_reply}</p>` : nothing}
      </div>
      <div class="review-actions">
        <div class="review-buttons">
          <button type="button" class="button secondary inline mark" aria-keyshortcuts=${c.reviewed ? nothing : 'e'}
            aria-disabled=${busy ? 'true' : nothing} @click=${() => actions.toggleReviewed(c)}>${
            t(c.reviewed ? 'console.review.unmark' : 'console.review.mark')}</button>
          ${replyForm ? nothing : html`<button type="button" class="button secondary inline reply-open"
            aria-keyshortcuts="r" @click=${() => actions.openReply(c)}>${
            t(c.review_reply ? 'console.review.changeReply' : 'console.review.reply')}</button>`}
          <button type="button" class="button secondary inline flag" aria-keyshortcuts="f"
            aria-pressed=${c.flagged_for_follow_up ? 'true' : 'false'} aria-disabled=${busy ? 'true' : nothing}
            @click=${() => actions.toggleFlag(c)}>${icon('flag')}${t('console.review.flag')}</button>
          ${c.voter && !askedOpen ? html`<button type="button" class="button secondary inline asked-open"
            aria-describedby=${c.voter.refused.length ? `${id}-asked` : nothing}
            @click=${() => actions.toggleAsked(c, true)}>${t(c.voter.refused.length ? 'asked.change' : 'asked.button')
            }</button>` : nothing}
          ${c.voter ? html`<button type="button" class="button secondary inline danger forget"
            aria-disabled=${busy ? 'true' : nothing} @click=${() => actions.forget(c)}>${
            t('console.review.forget')}</button>` : nothing}
        </div>
        ${askedOpen ? askedForm({ id: `${id}-asked-form`, channels: c.voter.refused,
          onSave: (flags) => actions.saveAsked(c, flags), onCancel: () => actions.toggleAsked(c, false) }) : nothing}
        ${replyForm ? html`<form id=${replyForm.id} class="reply-form" novalidate
          @submit=${(/** @type {SubmitEvent} */ e) => actions.sendReply(c, e)}
          @keydown=${(/** @type {KeyboardEvent} */ e) => { if (e.key === 'Escape') actions.closeReply(c); }}>
          ${textareaField(replyForm, { id: `${id}-reply-text`, name: 'review_reply', rows: '3', maxlength: '2000',
            required: true, label: 'console.review.replyLabel', hint: 'console.review.replyHint', value: c.review_reply })}
          ${formAlert(replyForm)}
          <div class="review-buttons">
            ${submitButton(replyForm, 'console.review.send', 'console.review.sending', 'button inline')}
            <button type="button" class="button secondary inline" @click=${() => actions.closeReply(c)}>${
              t('dialog.cancel')}</button>
            ${c.review_reply ? html`<button type="button" class="button secondary inline reply-clear"
              aria-disabled=${busy ? 'true' : nothing} @click=${() => actions.clearReply(c)}>${
              t('console.review.clearReply')}</button>` : nothing}
          </div>
        </form>` : nothing}
      </div>
    </article>
  </li>`;
}

/** Reviewed or not (by whom, when) and flagged: in words, never by colour alone. */
function state(c) {
  const reviewed = c.reviewed
    ? html`<span class="state reviewed">${c.reviewed_by ? t('console.review.reviewedBy', {
      name: c.reviewed_by.display_name, date: formatDateTime(c.reviewed_at) }) : t('console.review.reviewed')}</span>`
    : html`<span class="state unreviewed">${t('console.review.notReviewed')}</span>`;
  return html`${reviewed}${c.flagged_for_follow_up ? html` · <span class="state flagged">${icon('flag')}${
    t('console.review.flagged')}</span>` : nothing}`;
}

/** How and when they mean to vote, and whether they are registered; nothing when the volunteer did not ask. */
function votePlan(c) {
  const parts = [c.vote_method && t(`fields.conversation.vote_method.${c.vote_method}`),
    c.vote_on && t('console.review.voteOn', { date: formatDay(c.vote_on) }),
    c.registered != null && t(`console.review.registered.${c.registered}`)].filter(Boolean);
  return parts.length ? html`<div><dt>${t('console.review.votePlan')}</dt><dd>${parts.join(' · ')}</dd></div>` : nothing;
}
