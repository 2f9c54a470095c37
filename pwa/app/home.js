// Home after signing in: a greeting and the person's campaigns, from GET /api/me. A placeholder for what comes
// next, but real data.
import { getMe, logout } from '../lib/api.js';
import { formatDay, t, text } from '../lib/i18n.js';
import { getProfile } from '../lib/session.js';
import { h } from './dom.js';

/** The home screen; onSignedOut runs after the server has ended the session. */
export function homeScreen({ onSignedOut, toasts }) {
  const heading = h('h1', { id: 'home-title', tabindex: '-1' });
  const list = h('ul', { class: 'campaigns', 'aria-labelledby': 'campaigns-title' });
  const signout = h('button', { id: 'signout', type: 'button', class: 'button secondary', i18n: 'home.signout' });
  const section = h('section', { class: 'screen', id: 'home' },
    heading,
    h('h2', { id: 'campaigns-title', i18n: 'home.campaigns' }),
    list,
    signout);

  const show = (profile) => {
    text(heading, 'home.hello', { name: profile.user.display_name });
    const active = profile.memberships.filter((membership) => membership.active);
    list.replaceChildren(...(active.length ? active.map(campaignItem) : [h('li', { i18n: 'home.none' })]));
  };
  const known = getProfile();
  if (known) show(known);
  else text(heading, 'app.loading');
  getMe().then(show).catch((error) => {
    if (error.offline) toasts.show('error.offline', { duration: 6000 });
    // a 401 has already ended the session, which takes the person to sign in
  });

  signout.addEventListener('click', async () => {
    try {
      await logout();
      onSignedOut();
    } catch {
      toasts.show('home.signoutFailed', { duration: 6000 });
    }
  });
  return section;
}

function campaignItem({ campaign, role }) {
  return h('li', { class: 'campaign' },
    h('h3', {}, campaign.name),
    h('p', { i18n: 'home.role', values: { role: () => t(`role.${role}`) } }),
    campaign.election_day
      ? h('p', { i18n: 'home.electionDay', values: { date: () => formatDay(campaign.election_day) } })
      : null);
}
