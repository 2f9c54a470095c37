// Home after signing in: the greeting, what is waiting to sync (and what the server refused, to fix or discard),
// the follow-ups due, the conversations logged on this phone, and the person's campaigns from GET /api/me.
import { getMe, logout } from '../../lib/api.js';
import { forgetUser, pendingOps, recordsOf, votersOf } from '../../lib/db.js';
import { formatDateTime, formatDay, t } from '../../lib/i18n.js';
import { discard, onRecordsChange } from '../../lib/outbox.js';
import { getProfile } from '../../lib/session.js';
import { activeCampaigns, liveRecords, personName, today } from '../people.js';
import { html, nothing } from '../../ui/screen.js';
import { fieldText } from '../ui/entity-form.js';
import { confirmDialog } from '../../ui/dialog.js';
import { rejectionLines } from '../ui/rejections.js';
import { updateNow } from '../ui/sw-bridge.js';
import { CHANNELS, refused } from '../../ui/asked.js';

export const title = null;
const SIGN_OUT_SYNC_WAIT_MS = 10_000;
const LATEST = 5; // conversations shown on Home before the fold

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function homeScreen(ctx) {
  const { sync, toasts } = ctx;
  let profile = getProfile();
  let local = null;
  let status = sync.status();
  let generation = 0; // only the latest read paints: IndexedDB reads may finish out of order

  async function load() {
    const who = getProfile();
    if (!who) return;
    const mine = ++generation;
    const read = await readLocal(who);
    if (mine !== generation) return;
    local = read;
    ctx.update();
  }
  ctx.watch(sync.onStatus((next) => {
    status = next;
    ctx.update();
    load();
  }));
  ctx.watch(onRecordsChange(load));
  getMe().then((me) => {
    profile = me;
    ctx.update();
  }).catch(() => {
    // offline: the sync status says so; a 401 has already ended the session, which takes the person to sign in
  });
  load();
  sync.refreshStatus();

  async function signOut() {
    const userId = getProfile()?.user.id;
    let pending = userId === undefined ? 0 : (await pendingOps(userId)).length;
    if (pending && navigator.onLine) { // try to send them first
      await Promise.race([sync.request(), new Promise((resolve) => setTimeout(resolve, SIGN_OUT_SYNC_WAIT_MS))]);
      pending = (await pendingOps(userId)).length;
    }
    if (pending && !(await confirmDialog({ title: 'signout.pending.title', body: 'signout.pending.body',
      values: { count: pending }, confirm: 'signout.pending.confirm', cancel: 'signout.pending.cancel' }))) return;
    try {
      await logout();
    } catch {
      toasts.show('home.signoutFailed', { duration: 6000 });
      return;
    }
    await sync.stop(); // no run may write their records back after they are forgotten
    if (userId !== undefined) await forgetUser(userId); // a shared phone keeps nothing of theirs
    ctx.onSignedOut();
  }

  return () => {
    const active = profile?.memberships.filter((membership) => membership.active) ?? [];
    const due = local ? dueFollowUps(local) : [];
    return html`<section class="screen" id="home">
      <h1 id="home-title" tabindex="-1">${profile ? t('home.hello', { name: profile.user.display_name })
        : t('app.loading')}</h1>
      <a href="/log" id="log-link" class="button">${t('home.log')}</a>
      <h2 id="follow-ups-title">${t('home.followUps')}</h2>
      <ul class="cards" id="follow-ups" aria-labelledby="follow-ups-title">${due.length
        ? due.map(([person, date]) => html`<li class="card follow-up"><a href=${`/people/${person.entity_id}`}>${
          t('home.followUp', { name: personName(person, local.voters.get(person.values.voter_id)), date: formatDay(date) })}</a></li>`)
        : html`<li>${t('home.noFollowUps')}</li>`}</ul>
      <a href="/people" id="people-link" class="button secondary">${t('home.people')}</a>
      <a href="/contacts" id="contacts-link" class="button secondary">${t('home.contacts')}</a>
      ${syncPanel(status, local, sync)}
      <h2 id="conversations-title">${t('home.conversations')}</h2>
      ${conversationList(local)}
      <h2 id="campaigns-title">${t('home.campaigns')}</h2>
      <ul class="campaigns" aria-labelledby="campaigns-title">${active.length ? active.map(campaignItem)
        : html`<li>${t('home.none')}</li>`}</ul>
      ${active.some(({ role }) => role === 'organizer' || role === 'owner') ? html`<a href="/console" id="console-link"
        class="button secondary">${t('home.console')}</a>` : nothing}
      <button id="signout" type="button" class="button secondary" @click=${signOut}>${t('home.signout')}</button>
    </section>`;
  };
}

/** The person's conversations (newest first), their people, and their ops still on this phone by record. */
async function readLocal(profile) {
  const userId = profile.user.id;
  const people = new Map();
  const voters = new Map();
  const conversations = [];
  const unreachable = new Set(); // voters who asked not to be contacted at all: no follow-up is due with them
  for (const campaign of activeCampaigns(profile)) {
    for (const person of await recordsOf(userId, campaign.id, 'relationship')) people.set(person.entity_id, person);
    for (const asked of await recordsOf(userId, campaign.id, 'contact_preference')) {
      if (refused(asked.values).length === CHANNELS.length) unreachable.add(asked.entity_id);
    }
    conversations.push(...await liveRecords(userId, campaign.id, 'conversation'));
    for (const [id, card] of await votersOf(campaign.id)) voters.set(id, card);
  }
  // newest first; logged in the same minute, the one logged last first (field stamps are ordered HLC strings)
  const loggedAt = (record) => record.stamps?.happened_at ?? '';
  conversations.sort((a, b) => Date.parse(b.values.happened_at) - Date.parse(a.values.happened_at)
    || (loggedAt(b) > loggedAt(a) ? 1 : loggedAt(b) < loggedAt(a) ? -1 : 0));
  const ops = await pendingOps(userId);
  const records = new Map(conversations.map((record) => [record.entity_id, record]));
  for (const person of people.values()) records.set(person.entity_id, person);
  return { people, voters, conversations, records, ops, unreachable, waiting: new Set(ops.map((op) => op.entity_id)),
    refused: new Set(ops.filter((op) => op.rejected).map((op) => op.entity_id)) };
}

/** [person, date] for each person whose latest conversation set a follow-up that is due today or earlier, but for
 * those who asked not to be contacted. */
function dueFollowUps({ people, conversations, unreachable }) {
  const latest = new Map(); // conversations are newest first
  for (const record of conversations) {
    const id = record.values.relationship_id;
    if (id && !latest.has(id)) latest.set(id, record.values.follow_up_on);
  }
  const now = today();
  return [...latest].filter(([id, date]) => date && date <= now && people.has(id)
    && !unreachable.has(people.get(id).values.voter_id))
    .map(([id, date]) => [people.get(id), date]).sort((a, b) => (a[1] < b[1] ? -1 : 1));
}

/** Who, how and when, for a conversation in a list. */
function describe(record, { people, voters }) {
  const { values } = record;
  const person = people.get(values.relationship_id);
  return { person: personName(person, voters.get(person?.values.voter_id)), channel: fieldText('conversation', 'channel', values.channel),
    date: formatDateTime(values.happened_at) };
}

/** The latest conversations; the older ones fold away, so Home stays short after a busy week. */
function conversationList(local) {
  const all = local?.conversations ?? [];
  const item = (record) => conversationItem(record, local);
  return html`<div id="conversations">
    <ul class="conversations" aria-labelledby="conversations-title">${all.length
      ? all.slice(0, LATEST).map(item) : html`<li>${t('home.noConversations')}</li>`}</ul>
    ${all.length > LATEST ? html`<details class="fold" id="conversations-older">
      <summary>${t('home.conversations.older', { count: all.length - LATEST })}</summary>
      <ul class="conversations">${all.slice(LATEST).map(item)}</ul>
    </details>` : nothing}
  </div>`;
}

function conversationItem(record, local) {
  const { waiting, refused } = local;
  const { values } = record;
  const state = refused.has(record.entity_id) ? 'conversation.rejected'
    : waiting.has(record.entity_id) ? 'conversation.pending' : 'conversation.sent';
  return html`<li class="conversation" data-id=${record.entity_id}>
    <h3>${t('conversation.title', describe(record, local))}</h3>
    <p>${t('conversation.support', { support: fieldText('conversation', 'support', values.support) })}</p>
    ${values.notes ? html`<p class="notes">${values.notes}</p>` : nothing}
    ${values.follow_up_on ? html`<p>${t('conversation.followUp', { date: formatDay(values.follow_up_on) })}</p>` : nothing}
    ${values.review_reply ? html`<p class="reply">${t('conversation.reply', { reply: values.review_reply })}</p>` : nothing}
    <p class=${`state ${state.split('.')[1]}`}>${t(state)}</p>
  </li>`;
}

/** The sync status: what is waiting, when it last synced, what went wrong, and what the server refused. */
function syncPanel(status, local, sync) {
  const refused = local?.ops.filter((op) => op.rejected) ?? [];
  const problem = status.problem && status.problem !== 'signedOut' ? status.problem : null;
  return html`<section id="sync" class="sync" aria-labelledby="sync-title">
    <h2 id="sync-title">${t('sync.title')}</h2>
    <div role="status">
      <p id="sync-pending">${status.syncing ? t('sync.syncing')
        : status.pending ? t('sync.pending', { count: status.pending }) : t('sync.allSent')}</p>
      <p id="sync-last" class="note">${status.lastSynced ? t('sync.last', { time: formatDateTime(status.lastSynced) })
        : t('sync.never')}</p>
      <p id="sync-problem" class="notice" ?hidden=${!problem}>${problem ? t(`sync.${problem}`) : ''}</p>
    </div>
    <button type="button" id="sync-update" class="button" ?hidden=${status.problem !== 'update'}
      @click=${updateNow}>${t('sync.reload')}</button>
    <h3 id="sync-rejected-title" ?hidden=${!refused.length}>${t('sync.rejected.title')}</h3>
    <ul id="sync-rejected" class="rejected" aria-labelledby="sync-rejected-title">${refused.map((op) =>
      rejectedItem(op, local.records.get(op.entity_id), local, sync))}</ul>
    <button type="button" id="sync-now" class="button secondary" ?hidden=${status.problem === 'update'}
      @click=${() => sync.request()}>${t('sync.now')}</button>
  </section>`;
}

/** An op the server refused: what it was, the server's words for each field, and Fix / Discard. */
function rejectedItem(op, record, local, sync) {
  const id = `rejected-${op.op_id}`;
  async function discardOp() {
    if (!(await confirmDialog({ title: 'sync.discard.title', body: 'sync.discard.body', confirm: 'sync.discard' }))) {
      return;
    }
    await discard(op.op_id);
    sync.refreshStatus();
  }
  return html`<li class="rejected-op" data-op=${op.op_id}>
    <p id=${id} class="rejected-what">${op.entity === 'conversation' && record
      ? t('conversation.title', describe(record, local)) : t(`sync.rejected.${op.entity}`)}</p>
    ${rejectionLines(op.rejected).map((line) => html`<p class="notice-error">${line}</p>`)}
    <div class="row-buttons">
      ${op.entity === 'conversation' && record ? html`<a href=${`/log/${op.entity_id}`} class="button secondary"
        aria-describedby=${id}>${t('sync.fix')}</a>` : nothing}
      <button type="button" class="button secondary" aria-describedby=${id} @click=${discardOp}>${t('sync.discard')}</button>
    </div>
  </li>`;
}

function campaignItem({ campaign, role }) {
  return html`<li class="campaign">
    <h3>${campaign.name}</h3>
    <p>${t('home.role', { role: t(`role.${role}`) })}</p>
    ${campaign.election_day ? html`<p>${t('home.electionDay', { date: formatDay(campaign.election_day) })}</p>` : nothing}
  </li>`;
}
