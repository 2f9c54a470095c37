// Changes made on this phone. Each one writes the local record and its op in ONE transaction, stamped by this
// device's clock (kept in the same transaction), so a closed tab or a dead battery leaves both or neither.
// Only the sync loop sends ops; it removes an op once the server has settled it (docs/sync.md).
import { applyChange, withdrawOp } from './db.js';
import { encode, send } from './hlc.js';
import { edit, undo } from './merge.js';

const listeners = new Set();

/** Run fn after every change to this phone's records and outbox made on this page: the volunteer's own, a sync's
 * settled ops and a pull's changes (an organizer's reply, an edit from the volunteer's other phone). */
export function onRecordsChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function recordsChanged() {
  for (const fn of listeners) fn();
}

const newestFirst = (a, b) => (a.hlc < b.hlc ? 1 : -1);

/**
 * Record an upsert of fields on one record: the record as it now reads here, and the op that tells the server.
 * local is merged into what never leaves the phone (a label). supersedes lists ops this change replaces (the
 * volunteer fixed a rejected op): they are undone and dropped in the same transaction. Returns the new op.
 * @param {{userId: number, campaignId: number, entity: string, entityId: string, fields: object, local?: object,
 *   supersedes?: string[]}} change
 */
export async function recordChange({ userId, campaignId, entity, entityId, fields, local, supersedes = [] }) {
  const op = await applyChange({ entity, entityId, supersedes }, ({ clock, record, replaced }) => {
    const [next] = send(clock, Date.now());
    const hlc = encode(next);
    let current = record;
    for (const old of [...replaced].sort(newestFirst)) current = undo(entity, current, old.before, old.hlc);
    const [edited, before] = edit(entity, current, fields, hlc);
    return {
      clock: next,
      record: { entity, entity_id: entityId, user_id: userId, campaign_id: campaignId,
        local: { ...current?.local, ...local }, ...edited },
      op: { op_id: crypto.randomUUID(), user_id: userId, campaign_id: campaignId, entity, entity_id: entityId,
        action: 'upsert', fields, hlc, before, rejected: null },
    };
  });
  recordsChanged();
  return op;
}

/**
 * Drop an op the volunteer gave up on, and undo it here. Discarding the op that made a record the server never had
 * (the record's first op still waiting, while the server has no version of it) takes the record with it, and so
 * every later op of that record too: edits of a record that will never exist would only be refused. Resolves to
 * the ids of the ops dropped (none when the op had already gone).
 */
export async function discard(opId) {
  const dropped = await withdrawOp(opId, ({ op, record, others }) => {
    if (!record) return { record: null };
    const made = record.version === 0 && others.every((other) => other.hlc > op.hlc);
    if (made) return { record: null, drop: others.map((other) => other.op_id) };
    const reverted = undo(op.entity, record, op.before, op.hlc);
    const empty = reverted.version === 0 && Object.keys(reverted.stamps).length === 0;
    return { record: empty ? null : reverted };
  });
  if (dropped.length) recordsChanged();
  return dropped;
}
