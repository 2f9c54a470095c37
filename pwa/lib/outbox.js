// Changes made on this phone. Each one writes the local record and its op in ONE transaction, stamped by this
// device's clock (kept in the same transaction), so a closed tab or a dead battery leaves both or neither.
// Only the sync loop sends ops; it removes an op once the server has settled it (docs/sync.md).
import { readClock, write, writeClock } from './db.js';
import { encode, send } from './hlc.js';
import { edit, undo } from './merge.js';

const listeners = new Set();

/** Run fn after every change to the outbox made on this page. */
export function onOutboxChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function outboxChanged() {
  for (const fn of listeners) fn();
}

/**
 * Record an upsert of fields on one record: the record as it now reads here, and the op that tells the server.
 * local is merged into what never leaves the phone (a label). supersedes lists ops this change replaces (the
 * volunteer fixed a rejected op): they are undone and dropped in the same transaction. Returns the new op.
 */
export async function recordChange({ userId, campaignId, entity, entityId, fields, local, supersedes = [] }) {
  const op = await write(['records', 'outbox', 'meta'], async (tx) => {
    const [clock] = send(await readClock(tx), Date.now());
    const hlc = encode(clock);
    writeClock(tx, clock);
    const records = tx.objectStore('records');
    const outbox = tx.objectStore('outbox');
    let record = await records.get([entity, entityId]);
    const replaced = (await Promise.all(supersedes.map((id) => outbox.get(id)))).filter(Boolean);
    for (const old of replaced.sort((a, b) => (a.hlc < b.hlc ? 1 : -1))) {
      record = undo(entity, record, old.before, old.hlc);
      outbox.delete(old.op_id);
    }
    const [next, before] = edit(entity, record, fields, hlc);
    records.put({ entity, entity_id: entityId, user_id: userId, campaign_id: campaignId,
      local: { ...record?.local, ...local }, ...next });
    const added = { op_id: crypto.randomUUID(), user_id: userId, campaign_id: campaignId, entity, entity_id: entityId,
      action: 'upsert', fields, hlc, before, rejected: null };
    outbox.add(added);
    return added;
  });
  outboxChanged();
  return op;
}

/** Drop an op the volunteer gave up on, and undo it here; a record the server never had goes with it. */
export async function discard(opId) {
  await write(['records', 'outbox'], async (tx) => {
    const outbox = tx.objectStore('outbox');
    const records = tx.objectStore('records');
    const op = await outbox.get(opId);
    if (!op) return;
    outbox.delete(opId);
    const record = await records.get([op.entity, op.entity_id]);
    if (!record) return;
    const reverted = undo(op.entity, record, op.before, op.hlc);
    if (reverted.version === 0 && Object.keys(reverted.stamps).length === 0) records.delete([op.entity, op.entity_id]);
    else records.put(reverted);
  });
  outboxChanged();
}
