// Which campaigns the signed-in person runs (as an organizer or owner), and the one they chose last on this device.
import { getProfile } from '../lib/session.js';

const CHOICE = 'kin.console.campaign';

/**
 * @typedef {object} Run a campaign the person runs, and their role in it
 * @property {{id: number, name: string}} campaign
 * @property {'organizer' | 'owner'} role
 */

/** @returns {Run[]} */
export function campaignsRun(profile = getProfile()) {
  return (profile?.memberships ?? []).filter((m) => m.active && (m.role === 'organizer' || m.role === 'owner'));
}

export function runsACampaign(profile = getProfile()) {
  return campaignsRun(profile).length > 0;
}

/** The person's run of campaign id (a number, or the string from a path), or null. */
export function campaignRun(id) {
  return campaignsRun().find((run) => run.campaign.id === Number(id)) ?? null;
}

/** Where the console opens: the campaign chosen last here, or the only one; null when the person must choose. */
export function startPath() {
  const runs = campaignsRun();
  const chosen = runs.find((run) => run.campaign.id === remembered()) ?? (runs.length === 1 ? runs[0] : null);
  return chosen ? `/console/${chosen.campaign.id}/dashboard` : null;
}

export function rememberCampaign(id) {
  try {
    localStorage.setItem(CHOICE, String(id));
  } catch {
    // private mode: the console asks again next time
  }
}

function remembered() {
  try {
    return Number(localStorage.getItem(CHOICE));
  } catch {
    return null;
  }
}
