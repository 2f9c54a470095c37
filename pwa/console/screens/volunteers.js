// /console/<id>/volunteers: the roster (sortable, searchable), the invite links and who recruited whom.
import { t } from '../../lib/i18n.js';
import { html } from '../../ui/screen.js';
import { listMembers } from '../api.js';
import { campaignRun } from '../campaigns.js';
import { Invites } from '../ui/invites.js';
import { RecruitTree } from '../ui/recruit-tree.js';
import { Roster } from '../ui/roster.js';
import { failed, loading, notYours } from '../ui/states.js';

export const title = 'console.volunteers.title';

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function volunteersScreen(ctx) {
  const run = campaignRun(ctx.params[0]);
  const roster = new Roster(ctx);
  const invites = run && new Invites(ctx, run.campaign.id, run.role);
  const recruits = run && new RecruitTree(ctx, run.campaign.id);
  let members = null;
  let error = null;

  async function load() {
    error = null;
    try {
      members = await listMembers(run.campaign.id);
    } catch (problem) {
      error = problem;
    }
    ctx.update();
  }
  if (run) {
    load();
    invites.load();
    recruits.load();
  }

  return () => html`<section class="screen wide" id="volunteers">
    <h1 tabindex="-1">${t('console.volunteers.title')}</h1>
    ${!run ? notYours() : html`
      <section aria-labelledby="roster-title">
        <h2 id="roster-title">${t('console.roster.title')}</h2>
        ${members ? roster.view(members, run.campaign.id) : error ? failed(error, load) : loading()}
      </section>
      ${invites.view()}
      ${recruits.view()}`}
  </section>`;
}
