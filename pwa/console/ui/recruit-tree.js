// Who recruited whom (GET .../recruits): the members who joined through a volunteer's own recruit link, nested
// under the member whose link it was, with each recruiter's count and how many door visits of theirs invited
// someone. Members who neither recruited, invited nor were recruited are left out (the roster above lists everyone).
import { formatNumber, t } from '../../lib/i18n.js';
import { html, nothing } from '../../ui/screen.js';
import { recruitTree } from '../api.js';
import { failed, loading } from './states.js';

/**
 * The tree's roots and each member's recruits, from the flat list the server answers.
 * @param {{id: number, recruited_by_id: number | null, recruits: number, invited_at_doors: number}[]} members
 */
export function nest(members) {
  const byId = new Map(members.map((member) => [member.id, member]));
  const children = new Map();
  for (const member of members) {
    const parent = member.recruited_by_id;
    if (parent != null && byId.has(parent)) children.set(parent, [...(children.get(parent) ?? []), member]);
  }
  const roots = members.filter((member) => (member.recruited_by_id == null || !byId.has(member.recruited_by_id))
    && (children.has(member.id) || member.invited_at_doors > 0));
  return { roots, children };
}

export class RecruitTree {
  /** @param {import('../../ui/screen.js').ScreenContext} ctx @param {number} campaignId */
  constructor(ctx, campaignId) {
    this.ctx = ctx;
    this.campaignId = campaignId;
    this.members = null;
    this.error = null;
  }

  async load() {
    this.error = null;
    try {
      this.members = (await recruitTree(this.campaignId)).members;
    } catch (problem) {
      this.error = problem;
    }
    this.ctx.update();
  }

  view() {
    return html`<section aria-labelledby="recruits-title" id="recruits">
      <h2 id="recruits-title">${t('console.recruits.title')}</h2>
      <p class="hint">${t('console.recruits.intro')}</p>
      ${this.members ? this.tree(this.members) : this.error ? failed(this.error, () => this.load()) : loading()}
    </section>`;
  }

  tree(members) {
    const { roots, children } = nest(members);
    if (!roots.length) return html`<p id="recruits-none">${t('console.recruits.none')}</p>`;
    const joined = members.filter((member) => member.recruited_by_id != null).length;
    const item = (member, seen) => {
      const below = seen.has(member.id) ? [] : children.get(member.id) ?? []; // a cycle cannot happen; never loop
      const next = new Set(seen).add(member.id);
      return html`<li class="recruit" data-member=${member.id}>
        <span class="recruit-who"><a class="link" href=${`/console/${this.campaignId}/volunteers/${member.id}`}>${
          member.display_name}</a>${member.active ? nothing : html` <span class="hint">${
          t('console.recruits.removed')}</span>`}</span>
        ${member.recruits ? html`<span class="recruit-count">${t('console.recruits.count',
          { n: member.recruits })}</span>` : nothing}
        ${member.invited_at_doors ? html`<span class="recruit-count invited">${t('console.recruits.invited',
          { n: member.invited_at_doors })}</span>` : nothing}
        ${below.length ? html`<ul class="recruit-list">${below.map((child) => item(child, next))}</ul>` : nothing}
      </li>`;
    };
    return html`<p id="recruits-total">${t('console.recruits.total', { n: formatNumber(joined) })}</p>
      <ul class="recruit-list recruit-tree">${roots.map((root) => item(root, new Set()))}</ul>`;
  }
}
