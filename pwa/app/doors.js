// Door to door on the phone: the turfs a volunteer holds, taking one offline (its walk list and, when the campaign
// has a basemap, the map of its area, both into IndexedDB) and what the walk list screens show of it: doors grouped
// by street and side, each door's visits, the next door not knocked yet. The screens that use this are chunks of
// their own (pwa/app/screens/doors.js, walk.js, door.js); nothing here is in the first screen's code.
import { ApiError, basemapInfo, myTurfs, walkList } from '../lib/api.js';
import { keepBasemap } from '../lib/basemap.js';
import { keptWalkList, keptWalkLists, saveWalkList } from '../lib/db.js';
import { activeCampaigns, liveRecords } from './people.js';
import { refreshRecruitLink } from './recruit.js';

export { addressOf, sideOf, streetRuns } from './streets.js';

const MARGIN = 0.002; // degrees (about 200 m) around a turf's doors: the streets that lead to them

/** Where a basemap extract of a turf is kept (pwa/lib/basemap.js). */
export const basemapKey = (turfId) => `turf/${turfId}`;

/** Whether a turf (or a walk list kept for it) is past its expiry. */
export function expired({ expires_at: expiresAt }, now = Date.now()) {
  return Boolean(expiresAt) && Date.parse(expiresAt) <= now;
}

/**
 * The turfs a volunteer holds, as this phone knows them: each kept walk list, and, online, each turf the server says
 * they hold; [{campaign, turf (the server's, or null offline), kept (the walk list, or undefined)}].
 * offline is true when the server could not be asked.
 */
export async function turfsOfVolunteer(profile) {
  const userId = profile.user.id;
  const campaigns = activeCampaigns(profile);
  const kept = await keptWalkLists(userId);
  const rows = new Map(kept.filter((list) => campaigns.some((c) => c.id === list.campaign_id)).map((list) => [
    `${list.campaign_id}/${list.turf_id}`,
    { campaign: campaigns.find((c) => c.id === list.campaign_id), turf: null, kept: list }]));
  let offline = false;
  for (const campaign of campaigns) {
    try {
      for (const turf of await myTurfs(campaign.id)) {
        const key = `${campaign.id}/${turf.id}`;
        rows.set(key, { campaign, turf, kept: rows.get(key)?.kept });
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.offline) offline = true; // a campaign left or not reachable keeps what the phone has
    }
  }
  // live turfs first, then expired ones; newest first within each
  const order = (row) => `${expired(row.turf ?? row.kept) ? 0 : 1}${row.turf?.created_at ?? row.kept?.saved_at ?? ''}`;
  return { offline, turfs: [...rows.values()].sort((a, b) => (order(a) < order(b) ? 1 : -1)) };
}

/** Whether the server's walk list differs from the one kept: the new one to keep, or null (304: the same). */
export async function newerWalkList(kept) {
  const answer = await walkList(kept.campaign_id, kept.turf_id, kept.etag);
  return answer.changed ? answer : null;
}

/**
 * Take a turf offline: its walk list, then the basemap of its area when the campaign has one, then keep both, and
 * keep the volunteer's recruit link for the campaign too (pwa/app/recruit.js). A
 * walk list already fetched (an Update) is not fetched again. progress(step) is told 'list', 'map' and 'done'.
 * @param {{userId: number, campaignId: number, turfId: number, fetched?: {walkList: any, etag?: string | null}}} turf
 * @param {(step: 'list' | 'map' | 'done') => void} progress
 */
export async function takeOffline({ userId, campaignId, turfId, fetched = null }, progress = () => {}) {
  progress('list');
  const { walkList: list, etag } = fetched ?? await walkList(campaignId, turfId);
  progress('map');
  const basemap = await keepMapOf(campaignId, turfId, list.doors);
  await saveWalkList({ user_id: userId, campaign_id: campaignId, turf_id: turfId, name: list.name,
    expires_at: list.expires_at, version: list.version, etag: etag ?? null, doors: list.doors,
    questions: list.questions, basemap });
  await refreshRecruitLink(userId, campaignId); // the link a door offers, kept for when there is no signal
  progress('done');
}

/** Keep the basemap around a turf's doors; false when there is none to keep (no basemap, no coordinates). */
async function keepMapOf(campaignId, turfId, doors) {
  const box = boxOf(doors);
  if (!box) return false;
  try {
    await basemapInfo(campaignId); // 404: the campaign has no basemap; the map shows dots
    await keepBasemap(campaignId, basemapKey(turfId), box);
    return true;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 422)) return false; // none, or too big
    throw error;
  }
}

/** West, south, east, north around the doors with coordinates (with a margin), or null if none has any. */
export function boxOf(doors) {
  const placed = doors.filter(hasPlace);
  if (!placed.length) return null;
  const lons = placed.map((door) => door.longitude);
  const lats = placed.map((door) => door.latitude);
  return [Math.min(...lons) - MARGIN, Math.min(...lats) - MARGIN, Math.max(...lons) + MARGIN,
    Math.max(...lats) + MARGIN].map((degrees) => Math.round(degrees * 1e6) / 1e6);
}

export function hasPlace(door) {
  return Number.isFinite(door.latitude) && Number.isFinite(door.longitude);
}

/** A kept walk list, or undefined. */
export function walkListOf(profile, campaignId, turfId) {
  return keptWalkList(profile.user.id, campaignId, turfId);
}

/** The volunteer's door visits in a campaign by household id, each household's in the order they were made. */
export async function visitsByHousehold(userId, campaignId) {
  const visits = (await liveRecords(userId, campaignId, 'door_visit'))
    .sort((a, b) => Date.parse(a.values.happened_at) - Date.parse(b.values.happened_at));
  const byHousehold = new Map();
  for (const visit of visits) {
    const id = visit.values.household_id;
    byHousehold.set(id, [...(byHousehold.get(id) ?? []), visit]);
  }
  return byHousehold;
}

/** The first door in walk order after `from` (else from the start) with no visit yet; undefined when all are. */
export function nextDoor(doors, visits, from = -1) {
  const open = (door) => !door.do_not_knock && !visits.get(door.household_id)?.length; // nor one not to knock
  return doors.slice(from + 1).find(open) ?? doors.slice(0, Math.max(from, 0)).find(open);
}

/**
 * What a door's visits come to, for the list and the map: 'todo' (none), 'talked' (someone talked), else the
 * latest visit's result.
 */
export function doorStatus(visits = []) {
  if (!visits.length) return 'todo';
  if (visits.some((visit) => visit.values.result === 'talked')) return 'talked';
  return visits.at(-1).values.result;
}
