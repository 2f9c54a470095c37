// The matches waiting for the volunteer's answer, and the answers: light enough for any screen to import
// (match.js, which finds them, loads the phone-number metadata and the crypto workers).
import { db, write } from '../db.js';

/** Matches for one campaign: [{contact_id, voter_id, strength, decision}] (decision null: not yet asked). */
export async function candidatesOf(userId, campaignId) {
  return (await db()).getAllFromIndex('candidates', 'campaign', [userId, campaignId]);
}

/** Remember the volunteer's answer: 'confirmed', or 'dismissed' ("not them": never offered again). */
export async function decide(candidate, decision) {
  await write(['candidates'], (tx) => tx.objectStore('candidates').put({ ...candidate, decision }));
}
