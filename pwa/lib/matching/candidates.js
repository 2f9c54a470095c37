// The matches waiting for the volunteer's answer, and the answers: light enough for any screen to import
// (match.js, which finds them, loads the phone-number metadata and the crypto workers).
import { rememberDecision } from '../db.js';

/** Matches for one campaign: [{contact_id, voter_id, strength, decision}] (decision null: not yet asked). */
export { candidatesOf } from '../db.js';

const DECISIONS = new Set(['confirmed', 'dismissed']);

/** Remember the volunteer's answer: 'confirmed', or 'dismissed' ("not them": not offered again until undone). */
export async function decide(candidate, decision) {
  if (!DECISIONS.has(decision)) throw new TypeError(`not an answer to a match: ${decision}`);
  await rememberDecision(candidate, decision);
}

/** Take back a "not them" (tapped by mistake, or they were someone after all): the match is offered again. */
export async function askAgain(candidate) {
  if (candidate.decision !== 'dismissed') throw new TypeError('only a "not them" can be taken back');
  await rememberDecision(candidate, null);
}
