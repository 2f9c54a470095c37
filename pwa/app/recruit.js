// The volunteer's own recruit link (docs/canvassing.md#recruiting-volunteers): a join link that records them as the
// recruiter of whoever joins through it. Doors have no signal, so the phone asks for it while online (taking a turf
// offline, opening Doors) and keeps it in IndexedDB; a door shows the kept one.
import { ApiError, recruitLink } from '../lib/api.js';
import { keepOwnRecruitLink, ownRecruitLink } from '../lib/db.js';

/**
 * Ask the server for the link and keep it; the kept one when the server cannot be asked. null when there is none
 * (the campaign turned recruiting off, which also forgets the kept one).
 * @returns {Promise<{url: string, expires_at: string} | null>}
 */
export async function refreshRecruitLink(userId, campaignId) {
  try {
    const { url, expires_at: expiresAt } = await recruitLink(campaignId);
    const link = { url, expires_at: expiresAt };
    await keepOwnRecruitLink(userId, campaignId, link);
    return link;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 409) {
      await keepOwnRecruitLink(userId, campaignId, null);
      return null;
    }
    return keptRecruitLink(userId, campaignId); // offline, or the server had a problem: keep showing what works
  }
}

/** The kept link while it works; null when none is kept or it has expired. */
export async function keptRecruitLink(userId, campaignId, now = Date.now()) {
  const link = await ownRecruitLink(userId, campaignId);
  return link && Date.parse(link.expires_at) > now ? link : null;
}
