// The volunteer's own recruit link (docs/canvassing.md#recruiting-volunteers): a join link that records them as the
// recruiter of whoever joins through it. Doors have no signal, so the phone asks for it while online (taking a turf
// offline, opening Doors) and keeps it in IndexedDB; a door shows the kept one.
import { ApiError, recruitLink } from '../lib/api.js';
import { keepOwnRecruitLink, ownRecruitLink } from '../lib/db.js';

/**
 * Ask the server for the link and keep it; the kept one when the server cannot be asked. {off: true} when the
 * campaign turned recruiting off (kept too, so that a door offers nothing), null when the phone has no link.
 * @returns {Promise<{url: string, expires_at: string} | {off: true} | null>}
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
      await keepOwnRecruitLink(userId, campaignId, { off: true });
      return { off: true };
    }
    return keptRecruitLink(userId, campaignId); // offline, or the server had a problem: keep showing what works
  }
}

/** The kept link while it works ({off: true} as kept); null when none is kept or it has expired. */
export async function keptRecruitLink(userId, campaignId, now = Date.now()) {
  const link = await ownRecruitLink(userId, campaignId);
  return link && (link.off || Date.parse(link.expires_at) > now) ? link : null;
}
