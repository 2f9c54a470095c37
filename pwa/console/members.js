// What an organizer or owner may do to a member, mirroring server/campaigns/service.py and server/auth/reset.py (the
// server decides; these only keep from offering what it would refuse).
import { formatDay, t } from '../lib/i18n.js';
import { getProfile } from '../lib/session.js';

const RANK = { volunteer: 0, organizer: 1, owner: 2 };
export const ROLES = Object.keys(RANK);

/** Owners manage everyone; organizers manage volunteers only (roles, removing and bringing back). */
export function mayManage(actorRole, memberRole) {
  return actorRole === 'owner' || (actorRole === 'organizer' && memberRole === 'volunteer');
}

/** The roles an actor may give: owners any, organizers none but volunteer (so they see roles read-only). */
export function rolesToGrant(actorRole) {
  return actorRole === 'owner' ? ROLES : ['volunteer'];
}

/** A reset link: organizers for volunteers, owners for volunteers and organizers; never an owner or yourself. */
export function mayMakeResetLink(actorRole, member) {
  if (!member.active || member.user_id === getProfile()?.user.id || member.role === 'owner') return false;
  return RANK[member.role] < RANK[actorRole];
}

export const roleName = (role) => t(`role.${role}`);

/** "Joined 3 November 2026", from a moment, as a day in this browser's time zone. */
export const joinedDay = (iso) => formatDay(new Date(iso).toLocaleDateString('en-CA'));
