// Door visits as the phone records them, one way for every screen that does (a door, a paper sheet entered
// afterwards): a door_visit record and its op written together in the outbox (pwa/lib/outbox.js), which the sync
// loop sends exactly once.
import { recordChange } from '../lib/outbox.js';
import { withOffset } from './ui/entity-form.js';

/** A new visit's fields: the door, when it happened (now, unless a paper sheet says when) and what happened. */
export function visitFields(householdId, fields, at = new Date()) {
  return { household_id: householdId, happened_at: withOffset(at), ...fields };
}

/**
 * Keep a visit (new, or more about one made: its result changed, details added) with its op.
 * @param {{userId: number, campaignId: number, visitId: string, fields: object}} visit
 */
export function keepVisit({ userId, campaignId, visitId, fields }) {
  return recordChange({ userId, campaignId, entity: 'door_visit', entityId: visitId, fields });
}
