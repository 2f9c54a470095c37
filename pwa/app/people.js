// What the screens show of the local records: the volunteer's people and their logged conversations.
import { getVoter, recordsOf } from '../lib/db.js';
import { t } from '../lib/i18n.js';
import { recordChange } from '../lib/outbox.js';
import { withOffset } from './ui/entity-form.js';

/** The campaigns a profile may sync: its active memberships, as [{id, name}]. */
export function activeCampaigns(profile) {
  return (profile?.memberships ?? []).filter((m) => m.active).map((m) => m.campaign);
}

/** Live records of one entity of a person's, in one campaign. */
export async function liveRecords(userId, campaignId, entity) {
  return (await recordsOf(userId, campaignId, entity)).filter((record) => !record.deleted);
}

/**
 * One of the volunteer's people, from a confirmed match or a name search: the relationship and its op, saved on
 * this phone. The label (and the contact it came from) is kept here only; the server learns the voter's id.
 * @param {{userId: number, campaignId: number, voter: {id: string}, source: string, label: string,
 *   contactId?: string}} person
 */
export function addPerson({ userId, campaignId, voter, source, label, contactId }) {
  return recordChange({ userId, campaignId, entity: 'relationship', entityId: crypto.randomUUID(),
    fields: { voter_id: voter.id, source }, local: contactId ? { label, contact_id: contactId } : { label } });
}

/** "Ana L.": how a voter card names someone (the server shows no more than the last initial). */
export function voterName(card) {
  return [card.first_name, card.last_initial && `${card.last_initial}.`].filter(Boolean).join(' ');
}

/** The values of 'voter.card': name, age, city. */
export function cardValues(card) {
  return { name: voterName(card), age: card.age, city: card.city };
}

/** Today on this phone, as YYYY-MM-DD in its own time zone (follow-up dates are days, not moments). */
export function today() {
  return withOffset(new Date()).slice(0, 10);
}

/**
 * A person's name as this phone knows it: the label kept only here (their name in the volunteer's contacts), else
 * the first line of the volunteer's notes about them (their own words, synced), else the voter card's first name
 * and last initial (what a new phone has from its first sync), else a stand-in.
 */
export function personName(relationship, voter = null) {
  const label = relationship?.local?.label || relationship?.values.notes?.split('\n')[0].slice(0, 60)
    || (voter && voterName(voter));
  if (label) return label;
  return t('person.unnamed', { ref: relationship?.values.voter_id?.slice(-4) ?? '?' });
}

/**
 * A person's people in one campaign, each with their voter card (if this phone has it), their conversations
 * (newest first), the last one and the follow-up it set: [{record, voter, conversations, last, followUp}].
 */
export async function peopleOf(userId, campaignId) {
  const [relationships, conversations] = await Promise.all([
    liveRecords(userId, campaignId, 'relationship'), liveRecords(userId, campaignId, 'conversation')]);
  conversations.sort((a, b) => Date.parse(b.values.happened_at) - Date.parse(a.values.happened_at));
  return Promise.all(relationships.map(async (record) => {
    const theirs = conversations.filter((c) => c.values.relationship_id === record.entity_id);
    return { record, voter: await getVoter(campaignId, record.values.voter_id), conversations: theirs,
      last: theirs[0] ?? null, followUp: theirs[0]?.values.follow_up_on ?? null };
  }));
}
