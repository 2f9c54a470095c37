// What the phone does with a pulled record, as sync/decide.py's merge() does it: field by field the later stamp
// wins, the later tombstone wins, and a record is deleted while its tombstone is later than every field its
// creator owns. Pure: records in, a record out. A record here is {values, stamps, deleted, deleted_stamp, version}.
import { entities } from './constants.gen.js';

/** Deleted while the tombstone is later than every field the entity's creator owns. */
export function isDeleted(entity, stamps, deletedStamp) {
  const { fields, creator } = entities[entity];
  return deletedStamp != null && Object.entries(stamps)
    .every(([name, s]) => fields[name].owner !== creator || s < deletedStamp);
}

/** Join two states of one record (local may be null); the version is the greater of the two. */
export function merge(entity, local, remote) {
  const values = { ...local?.values };
  const stamps = { ...local?.stamps };
  for (const [name, s] of Object.entries(remote.stamps)) {
    if (!(name in stamps) || s > stamps[name]) {
      values[name] = remote.values[name];
      stamps[name] = s;
    }
  }
  const tombstones = [local?.deleted_stamp, remote.deleted_stamp].filter((s) => s != null).sort();
  const deletedStamp = tombstones.at(-1) ?? null;
  return {
    values, stamps, deleted: isDeleted(entity, stamps, deletedStamp), deleted_stamp: deletedStamp,
    version: Math.max(local?.version ?? 0, remote.version),
  };
}

/**
 * A local edit stamped `stamp`: the record with `fields` written, and what they held before (for undoing the
 * edit if the volunteer discards it).
 */
export function edit(entity, record, fields, stamp) {
  const values = { ...record?.values };
  const stamps = { ...record?.stamps };
  const before = {};
  for (const [name, value] of Object.entries(fields)) {
    before[name] = name in stamps ? [values[name], stamps[name]] : null;
    values[name] = value;
    stamps[name] = stamp;
  }
  const deletedStamp = record?.deleted_stamp ?? null;
  const next = { values, stamps, deleted: isDeleted(entity, stamps, deletedStamp), deleted_stamp: deletedStamp,
    version: record?.version ?? 0 };
  return [next, before];
}

/** Undo the edit stamped `stamp` on the fields it still holds (a later edit of a field keeps that field). */
export function undo(entity, record, before, stamp) {
  const values = { ...record.values };
  const stamps = { ...record.stamps };
  for (const [name, previous] of Object.entries(before)) {
    if (stamps[name] !== stamp) continue;
    if (previous) [values[name], stamps[name]] = previous;
    else {
      delete values[name];
      delete stamps[name];
    }
  }
  return { ...record, values, stamps, deleted: isDeleted(entity, stamps, record.deleted_stamp) };
}

/** A pulled change merged into the local record (or null); a deleted record keeps no values on the phone. */
export function mergePulled(local, change) {
  const remote = { values: change.fields, stamps: change.stamps, deleted_stamp: change.deleted_stamp,
    version: change.version };
  const merged = merge(change.entity, local, remote);
  return merged.deleted ? { ...merged, values: {}, stamps: {} } : merged;
}
