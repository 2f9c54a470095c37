// What a person asked, on the phone: one synced record per voter for the whole campaign (contact_preference, its
// id the voter's), so what one volunteer records at a door reaches every phone that shows that person, and an
// organizer can change it. Recorded here offline like any change (pwa/lib/outbox.js); the words and the form are
// shared with the console (pwa/ui/asked.js).
import { getRecord } from '../../lib/db.js';
import { recordChange } from '../../lib/outbox.js';
import { refused } from '../../ui/asked.js';
import { withOffset } from './entity-form.js';

/** The channels a voter refused, as this phone knows it: every one when they asked not to be contacted at all. */
export async function refusedBy(voterId) {
  const record = voterId ? await getRecord('contact_preference', voterId) : null;
  return refused(record?.values);
}

/**
 * Keep what the person asked, with its op: `flags` is {no_contact, no_text, no_call, no_email, no_door}; from is
 * where ('door' or 'person').
 * @param {{userId: number, campaignId: number, voterId: string, flags: object, from: string}} asked
 */
export function keepAsked({ userId, campaignId, voterId, flags, from }) {
  return recordChange({ userId, campaignId, entity: 'contact_preference', entityId: voterId,
    fields: { voter_id: voterId, ...flags, recorded_from: from, recorded_at: withOffset(new Date()) } });
}
