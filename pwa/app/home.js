// Home after signing in: the greeting, what is waiting to sync (and what the server refused, to fix or discard),
// the conversations logged on this phone, and the person's campaigns from GET /api/me.
import { getMe, logout } from '../lib/api.js';
import { forgetUser, pendingOps, recordsOf } from '../lib/db.js';
import { formatDateTime, formatDay, t, text } from '../lib/i18n.js';
import { discard, onOutboxChange } from '../lib/outbox.js';
import { getProfile } from '../lib/session.js';
import { confirmDialog } from './dialog.js';
import { h } from './dom.js';
import { updateNow } from './sw-bridge.js';
import { activeCampaigns, liveRecords, personName, today } from './people.js';

const SIGN_OUT_SYNC_WAIT_MS = 10_000;

/** The home screen; onSignedOut runs after the server has ended the session and this phone forgot its data. */
export function homeScreen({ onSignedOut, toasts, sync }) {
  const heading = h('h1', { id: 'home-title', tabindex: '-1' });
  const panel = syncPanel(sync);
  const conversations = h('ul', { class: 'conversations', id: 'conversations', 'aria-labelledby': 'conversations-title' });
  const followUps = h('ul', { class: 'cards', id: 'follow-ups', 'aria-labelledby': 'follow-ups-title' });
  const list = h('ul', { class: 'campaigns', 'aria-labelledby': 'campaigns-title' });
  const signout = h('button', { id: 'signout', type: 'button', class: 'button secondary', i18n: 'home.signout' });
  const section = h('section', { class: 'screen', id: 'home' },
    heading,
    h('a', { href: '/log', id: 'log-link', class: 'button', i18n: 'home.log' }),
    h('h2', { id: 'follow-ups-title', i18n: 'home.followUps' }),
    followUps,
    h('a', { href: '/people', id: 'people-link', class: 'button secondary', i18n: 'home.people' }),
    h('a', { href: '/contacts', id: 'contacts-link', class: 'button secondary', i18n: 'home.contacts' }),
    panel.container,
    h('h2', { id: 'conversations-title', i18n: 'home.conversations' }),
    conversations,
    h('h2', { id: 'campaigns-title', i18n: 'home.campaigns' }),
    list,
    signout);

  const show = (profile) => {
    text(heading, 'home.hello', { name: profile.user.display_name });
    const active = profile.memberships.filter((membership) => membership.active);
    list.replaceChildren(...(active.length ? active.map(campaignItem) : [h('li', { i18n: 'home.none' })]));
  };
  const known = getProfile();
  if (known) show(known);
  else text(heading, 'app.loading');
  getMe().then(show).catch(() => {
    // offline: the sync status says so; a 401 has already ended the session, which takes the person to sign in
  });

  let drawn = false;
  let generation = 0; // only the latest redraw paints: IndexedDB reads may finish out of order
  const stops = [];
  const stop = () => stops.forEach((fn) => fn());

  /** Redraw what lives on this phone; stops listening once the screen is gone. */
  const redraw = async () => {
    if (!section.isConnected && drawn) return stop();
    drawn = true;
    const profile = getProfile();
    if (!profile) return undefined;
    const mine = ++generation;
    const local = await readLocal(profile);
    if (mine !== generation) return undefined;
    conversations.replaceChildren(...(local.conversations.length
      ? local.conversations.map((record) => conversationItem(record, local))
      : [h('li', { i18n: 'home.noConversations' })]));
    panel.showRejected(local);
    const due = dueFollowUps(local);
    followUps.replaceChildren(...(due.length ? due.map(([person, date]) => h('li', { class: 'card follow-up' },
      h('a', { href: `/people/${person.entity_id}`, i18n: 'home.followUp',
        values: { name: personName(person), date: () => formatDay(date) } })))
      : [h('li', { i18n: 'home.noFollowUps' })]));
    return undefined;
  };
  stops.push(sync.onStatus((status) => {
    panel.show(status);
    return redraw();
  }), onOutboxChange(redraw));
  panel.show(sync.status());
  redraw();
  sync.refreshStatus();

  signout.addEventListener('click', async () => {
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
    await sync.idle();
    if (userId !== undefined) await forgetUser(userId); // a shared phone keeps nothing of theirs
    onSignedOut();
  });
  return section;
}

/** The person's conversations (newest first), their people, and their ops still on this phone by record. */
async function readLocal(profile) {
  const userId = profile.user.id;
  const people = new Map();
  const conversations = [];
  for (const campaign of activeCampaigns(profile)) {
    for (const person of await recordsOf(userId, campaign.id, 'relationship')) people.set(person.entity_id, person);
    conversations.push(...await liveRecords(userId, campaign.id, 'conversation'));
  }
  conversations.sort((a, b) => Date.parse(b.values.happened_at) - Date.parse(a.values.happened_at));
  const ops = await pendingOps(userId);
  const records = new Map(conversations.map((record) => [record.entity_id, record]));
  for (const person of people.values()) records.set(person.entity_id, person);
  return { people, conversations, records, ops, waiting: new Set(ops.map((op) => op.entity_id)),
    refused: new Set(ops.filter((op) => op.rejected).map((op) => op.entity_id)) };
}

/** [person, date] for each person whose latest conversation set a follow-up that is due today or earlier. */
function dueFollowUps({ people, conversations }) {
  const latest = new Map(); // conversations are newest first
  for (const record of conversations) {
    const id = record.values.relationship_id;
    if (id && !latest.has(id)) latest.set(id, record.values.follow_up_on);
  }
  const now = today();
  return [...latest].filter(([id, date]) => date && date <= now && people.has(id))
    .map(([id, date]) => [people.get(id), date]).sort((a, b) => (a[1] < b[1] ? -1 : 1));
}

/** Who, how and when, for a conversation in a list; values follow the language. */
function describe(record, people) {
  const { values } = record;
  return {
    person: personName(people.get(values.relationship_id)),
    channel: () => t(`channel.${values.channel}`),
    date: () => formatDateTime(values.happened_at),
  };
}

function conversationItem(record, { people, waiting, refused }) {
  const { values } = record;
  const state = refused.has(record.entity_id) ? 'conversation.rejected'
    : waiting.has(record.entity_id) ? 'conversation.pending' : 'conversation.sent';
  return h('li', { class: 'conversation', 'data-id': record.entity_id },
    h('h3', { i18n: 'conversation.title', values: describe(record, people) }),
    h('p', { i18n: 'conversation.support', values: { support: () => t(`support.${values.support ?? 'unknown'}`) } }),
    values.notes ? h('p', { class: 'notes' }, values.notes) : null,
    values.follow_up_on
      ? h('p', { i18n: 'conversation.followUp', values: { date: () => formatDay(values.follow_up_on) } }) : null,
    values.review_reply ? h('p', { class: 'reply', i18n: 'conversation.reply', values: { reply: values.review_reply } })
      : null,
    h('p', { class: `state ${state.split('.')[1]}`, i18n: state }));
}

/** The sync status: what is waiting, when it last synced, what went wrong, and what the server refused. */
function syncPanel(sync) {
  const pending = h('p', { id: 'sync-pending' });
  const last = h('p', { id: 'sync-last', class: 'note' });
  const problem = h('p', { id: 'sync-problem', class: 'notice', hidden: true });
  const update = h('button', { type: 'button', id: 'sync-update', class: 'button', hidden: true, i18n: 'sync.reload',
    onclick: updateNow });
  const now = h('button', { type: 'button', id: 'sync-now', class: 'button secondary', i18n: 'sync.now',
    onclick: () => sync.request() });
  const rejectedTitle = h('h3', { id: 'sync-rejected-title', hidden: true, i18n: 'sync.rejected.title' });
  const rejected = h('ul', { id: 'sync-rejected', class: 'rejected', 'aria-labelledby': 'sync-rejected-title' });
  const container = h('section', { id: 'sync', class: 'sync', 'aria-labelledby': 'sync-title' },
    h('h2', { id: 'sync-title', i18n: 'sync.title' }),
    h('div', { role: 'status' }, pending, last, problem),
    update, rejectedTitle, rejected, now);

  return {
    container,
    show(status) {
      if (status.syncing) text(pending, 'sync.syncing');
      else if (status.pending) text(pending, 'sync.pending', { count: status.pending });
      else text(pending, 'sync.allSent');
      if (status.lastSynced) text(last, 'sync.last', { time: () => formatDateTime(status.lastSynced) });
      else text(last, 'sync.never');
      problem.hidden = !status.problem || status.problem === 'signedOut';
      if (!problem.hidden) text(problem, `sync.${status.problem}`);
      update.hidden = status.problem !== 'update';
      now.hidden = status.problem === 'update';
    },
    showRejected({ ops, records, people }) {
      const refused = ops.filter((op) => op.rejected);
      rejectedTitle.hidden = refused.length === 0;
      rejected.replaceChildren(...refused.map((op) => rejectedItem(op, records.get(op.entity_id), people, sync)));
    },
  };
}

/** An op the server refused: what it was, the server's words for each field, and Fix / Discard. */
function rejectedItem(op, record, people, sync) {
  const id = `rejected-${op.op_id}`;
  const what = op.entity === 'conversation' && record
    ? h('p', { id, class: 'rejected-what', i18n: 'conversation.title', values: describe(record, people) })
    : h('p', { id, class: 'rejected-what', i18n: `sync.rejected.${op.entity}` });
  return h('li', { class: 'rejected-op', 'data-op': op.op_id },
    what,
    Object.entries(op.rejected.errors).map(([name, messages]) => h('p', { class: 'notice-error', i18n: 'sync.error',
      values: { field: () => fieldLabel(name),
        message: () => problemText([].concat(messages)[0], op.rejected.codes?.[name]?.[0]) } })),
    h('div', { class: 'row-buttons' },
      op.entity === 'conversation' && record
        ? h('a', { href: `/log/${op.entity_id}`, class: 'button secondary', 'aria-describedby': id, i18n: 'sync.fix' })
        : null,
      h('button', { type: 'button', class: 'button secondary', 'aria-describedby': id, i18n: 'sync.discard',
        onclick: async () => {
          if (!(await confirmDialog({ title: 'sync.discard.title', body: 'sync.discard.body',
            confirm: 'sync.discard' }))) return;
          await discard(op.op_id);
          sync.refreshStatus();
        } })));
}

/** What the server refused, in the volunteer's language: by its stable code when the catalog knows it. */
function problemText(message, problem) {
  const key = problem && `problem.${problem.code}`;
  if (key && t(key) !== key) return t(key, problem.params ?? {});
  return t('server.text', { message });
}

/** The words for a field the server named; its own name if the catalog has none. */
function fieldLabel(name) {
  const label = t(`syncField.${name}`);
  return label === `syncField.${name}` ? name : label;
}

function campaignItem({ campaign, role }) {
  return h('li', { class: 'campaign' },
    h('h3', {}, campaign.name),
    h('p', { i18n: 'home.role', values: { role: () => t(`role.${role}`) } }),
    campaign.election_day
      ? h('p', { i18n: 'home.electionDay', values: { date: () => formatDay(campaign.election_day) } })
      : null);
}
