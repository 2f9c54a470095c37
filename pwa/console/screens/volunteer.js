// /console/<id>/volunteers/<member id>: one member. Who they are, what an organizer may do for them (change the role,
// remove or bring back, a password-reset link), the people they confirmed (voter cards only, never their address
// book) and the conversations they logged.
import { formatDateTime, t } from '../../lib/i18n.js';
import { confirmDialog } from '../../ui/dialog.js';
import { Form, explain, formAlert, selectField, submitButton } from '../../ui/forms.js';
import { html, nothing } from '../../ui/screen.js';
import { changeMember, listConversations, getMember, makeResetLink, relationshipsOf } from '../api.js';
import { campaignRun } from '../campaigns.js';
import { joinedDay, mayMakeResetLink, mayManage, roleName, rolesToGrant } from '../members.js';
import { LinkShare } from '../ui/share-link.js';
import { failed, loading, notYours } from '../ui/states.js';

export const title = 'console.volunteer.title';
const PEOPLE_PAGE = 50;
const CONVERSATIONS_PAGE = 20;

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function volunteerScreen(ctx) {
  const run = campaignRun(ctx.params[0]);
  const memberId = Number(ctx.params[1]);
  const roleForm = new Form(ctx, 'role-form');
  const share = new LinkShare(ctx);
  let member = null;
  let error = null;
  let people = null; // {items, total, page}
  let conversations = null;
  let listError = null;
  let resetLink = null; // {url, expires_at}
  let actionProblem = null; // [key, values] of a refused action

  async function load() {
    error = null;
    try {
      member = await getMember(run.campaign.id, memberId);
    } catch (problem) {
      error = problem;
    }
    ctx.update();
    if (member) await Promise.all([morePeople(), moreConversations()]);
  }

  async function morePeople() {
    try {
      const next = await relationshipsOf(run.campaign.id, memberId, { page: (people?.page ?? 0) + 1, pageSize: PEOPLE_PAGE });
      people = { items: [...(people?.items ?? []), ...next.items], total: next.pagination.total, page: next.pagination.page };
    } catch (problem) {
      listError = problem;
    }
    ctx.update();
  }

  async function moreConversations() {
    try {
      const next = await listConversations(run.campaign.id, { volunteer: member.user_id },
        { cursor: conversations?.cursor, limit: CONVERSATIONS_PAGE });
      conversations = { items: [...(conversations?.items ?? []), ...next.conversations], cursor: next.cursor,
        more: next.more };
    } catch (problem) {
      listError = problem;
    }
    ctx.update();
  }

  function retryLists() {
    listError = null;
    people = null;
    conversations = null;
    ctx.update();
    return Promise.all([morePeople(), moreConversations()]);
  }

  async function act(change, doneKey) {
    actionProblem = null;
    try {
      member = await changeMember(run.campaign.id, memberId, change);
      ctx.toasts.show(doneKey, { values: { name: member.display_name }, duration: 4000 });
    } catch (problem) {
      actionProblem = explain(problem);
    }
    ctx.update();
  }

  function saveRole(/** @type {SubmitEvent} */ event) {
    event.preventDefault();
    const { role } = /** @type {import('../../ui/forms.js').Controls} */ (roleForm.element.elements);
    roleForm.submit(async () => {
      member = await changeMember(run.campaign.id, memberId, { role: role.value });
      ctx.toasts.show('console.member.roleSaved', { values: { name: member.display_name }, duration: 4000 });
    });
  }

  async function setActive(active) {
    if (!active && !(await confirmDialog({ title: 'console.member.remove.title', body: 'console.member.remove.body',
      values: { name: member.display_name }, confirm: 'console.member.remove' }))) return;
    await act({ active }, active ? 'console.member.broughtBack' : 'console.member.removedToast');
  }

  async function resetPassword() {
    actionProblem = null;
    try {
      resetLink = await makeResetLink(run.campaign.id, memberId);
    } catch (problem) {
      actionProblem = explain(problem);
    }
    ctx.update();
  }

  if (run) load();

  return () => html`<section class="screen wide" id="volunteer">
    <p><a class="link" href=${run ? `/console/${run.campaign.id}/volunteers` : '/console'}>${
      t('console.volunteer.back')}</a></p>
    <h1 tabindex="-1" id="volunteer-title">${member ? member.display_name : t('console.volunteer.title')}</h1>
    ${!run ? notYours() : member ? page() : error ? failed(error, load) : loading()}
  </section>`;

  function page() {
    const manage = mayManage(run.role, member.role);
    return html`
      <dl class="facts" id="volunteer-facts">
        <div><dt>${t('console.roster.email')}</dt><dd>${member.email}</dd></div>
        <div><dt>${t('console.roster.role')}</dt><dd id="volunteer-role">${roleName(member.role)}</dd></div>
        <div><dt>${t('console.roster.status')}</dt><dd id="volunteer-status">${
          t(member.active ? 'console.member.active' : 'console.member.removed')}</dd></div>
        <div><dt>${t('console.roster.joined')}</dt><dd>${joinedDay(member.created_at)}</dd></div>
        <div><dt>${t('console.volunteer.people')}</dt><dd>${people ? people.total : '…'}</dd></div>
      </dl>
      <section class="card actions" aria-labelledby="actions-title">
        <h2 id="actions-title">${t('console.volunteer.actions')}</h2>
        ${actionProblem ? html`<p class="notice-error" role="alert" id="action-problem">${t(...actionProblem)}</p>`
          : nothing}
        ${manage && run.role === 'owner' ? html`<form id="role-form" class="inline-form" novalidate @submit=${saveRole}
          aria-labelledby="role-form-title">
          <h3 id="role-form-title" class="visually-hidden">${t('console.member.changeRole')}</h3>
          <div class="form-row">${selectField({ id: 'member-role', name: 'role', label: 'console.member.changeRole',
            options: rolesToGrant(run.role).map((role) => [role, roleName(role)]), value: member.role, form: roleForm })}
          </div>
          ${formAlert(roleForm)}
          ${submitButton(roleForm, 'console.member.saveRole', 'console.saving', 'button secondary inline')}
        </form>` : html`<p class="note">${t(manage ? 'console.member.rolesByOwners' : 'console.member.notYours')}</p>`}
        ${manage ? html`<p>${member.active
          ? html`<button type="button" class="button secondary inline" id="remove-member"
            @click=${() => setActive(false)}>${t('console.member.remove')}</button>`
          : html`<button type="button" class="button secondary inline" id="bring-back"
            @click=${() => setActive(true)}>${t('console.member.bringBack')}</button>`}</p>` : nothing}
        ${mayMakeResetLink(run.role, member) ? html`<h3>${t('console.reset.title')}</h3>
          <p class="hint">${t('console.reset.intro')}</p>
          <button type="button" class="button secondary inline" id="make-reset-link" @click=${resetPassword}>${
            t('console.reset.make')}</button>
          ${resetLink ? html`<div class="reset-link" id="reset-link">
            <p class="notice" role="status">${t('console.reset.made', { date: formatDateTime(resetLink.expires_at) })}</p>
            ${share.view({ id: 'reset', url: resetLink.url, label: t('console.reset.label', {
              name: member.display_name }) })}
          </div>` : nothing}` : nothing}
      </section>
      ${listError ? failed(listError, retryLists) : nothing}
      ${peopleSection()}
      ${conversationsSection()}`;
  }

  function peopleSection() {
    return html`<section aria-labelledby="people-title">
      <h2 id="people-title">${t('console.volunteer.people')}</h2>
      <p class="hint">${t('console.volunteer.people.hint')}</p>
      ${!people ? (listError ? nothing : loading()) : people.items.length ? html`
        <ul class="voter-cards" id="volunteer-people">${people.items.map(({ voter }) => html`<li class="card">${
          voter ? t('voter.card', { name: [voter.first_name, voter.last_initial && `${voter.last_initial}.`]
            .filter(Boolean).join(' '), age: voter.age, city: voter.city }) : t('console.volunteer.voterGone')}</li>`)}
        </ul>
        ${people.items.length < people.total ? html`<button type="button" class="button secondary" @click=${morePeople}>${
          t('console.more')}</button>` : nothing}`
        : html`<p id="volunteer-people-empty">${t('console.volunteer.people.none')}</p>`}
    </section>`;
  }

  function conversationsSection() {
    return html`<section aria-labelledby="talks-title">
      <h2 id="talks-title">${t('console.volunteer.conversations')}</h2>
      <p><a class="link" id="volunteer-review-link" href=${`/console/${run.campaign.id}/review?${new URLSearchParams({
        volunteer: String(member.user_id), reviewed: 'all' })}`}>${t('console.volunteer.reviewLink')}</a></p>
      ${!conversations ? (listError ? nothing : loading()) : conversations.items.length ? html`
        <ul class="conversations" id="volunteer-conversations">${conversations.items.map((c) => {
          const { voter } = c;
          return html`<li class="conversation">
            <h3>${[voter ? `${voter.first_name} ${voter.last_name}` : null,
              t(`fields.conversation.channel.${c.channel}`), formatDateTime(c.happened_at)]
              .filter(Boolean).join(' · ')}</h3>
            ${c.support ? html`<p>${t('conversation.support', { support: t(`fields.conversation.support.${
              c.support}`) })}</p>` : nothing}
            ${c.notes ? html`<p class="notes">${c.notes}</p>` : nothing}
            ${c.review_reply ? html`<p class="reply">${t('conversation.reply', { reply: c.review_reply })}</p>`
              : nothing}
          </li>`;
        })}</ul>
        ${conversations.more ? html`<button type="button" class="button secondary"
          @click=${moreConversations}>${t('console.more')}</button>` : nothing}`
        : html`<p id="volunteer-conversations-empty">${t('console.volunteer.conversations.none')}</p>`}
    </section>`;
  }
}
