// Invite links: make one (the role it grants, how many people may use it, for how many days), see each with its
// expiry and uses, copy it or show its QR code, withdraw it.
import { formatDateTime, t } from '../../lib/i18n.js';
import { confirmDialog } from '../../ui/dialog.js';
import { Form, field, formAlert, selectField, submitButton } from '../../ui/forms.js';
import { html, nothing } from '../../ui/screen.js';
import { createInvite, listInvites, withdrawInvite } from '../api.js';
import { mayManage, roleName, rolesToGrant } from '../members.js';
import { LinkShare } from './share-link.js';
import { failed, loading } from './states.js';

/** What an invite can be used for now: 'active', or why not. */
export function inviteState(invite, now = Date.now()) {
  if (invite.revoked_at) return 'withdrawn';
  if (Date.parse(invite.expires_at) <= now) return 'expired';
  if (invite.uses >= invite.max_uses) return 'usedUp';
  return 'active';
}

export class Invites {
  /**
   * @param {import('../../ui/screen.js').ScreenContext} ctx
   * @param {number} campaignId
   * @param {string} role the person's role in the campaign
   */
  constructor(ctx, campaignId, role) {
    this.ctx = ctx;
    this.campaignId = campaignId;
    this.role = role;
    this.form = new Form(ctx, 'invite-form');
    this.share = new LinkShare(ctx);
    this.list = null; // null while loading
    this.error = null;
    this.made = null; // the id of the invite just made, shown first with its link open
  }

  async load() {
    this.error = null;
    try {
      this.list = await listInvites(this.campaignId);
    } catch (error) {
      this.error = error;
    }
    this.ctx.update();
  }

  make(/** @type {SubmitEvent} */ event) {
    event.preventDefault();
    if (!this.form.check()) return;
    const { role, max_uses: uses, days } = /** @type {import('../../ui/forms.js').Controls} */ (
      this.form.element.elements);
    this.form.submit(async () => {
      const invite = await createInvite(this.campaignId, { role: role.value, max_uses: Number(uses.value),
        days: Number(days.value) });
      this.made = invite.id;
      this.list = [invite, ...(this.list ?? [])];
      this.ctx.toasts.show('console.invites.made', { duration: 4000 });
    });
  }

  async withdraw(invite) {
    if (!(await confirmDialog({ title: 'console.invites.withdraw.title', body: 'console.invites.withdraw.body',
      confirm: 'console.invites.withdraw' }))) return;
    try {
      await withdrawInvite(this.campaignId, invite.id);
      await this.load();
      this.ctx.toasts.show('console.invites.withdrawn', { duration: 4000 });
    } catch {
      this.ctx.toasts.show('console.invites.withdrawFailed', { duration: 6000 });
    }
  }

  view() {
    const roles = rolesToGrant(this.role);
    return html`<section class="invites" aria-labelledby="invites-title">
      <h2 id="invites-title">${t('console.invites.title')}</h2>
      <p>${t('console.invites.intro')}</p>
      <form id="invite-form" class="inline-form" novalidate aria-labelledby="invite-form-title"
        @submit=${(/** @type {SubmitEvent} */ e) => this.make(e)}>
        <h3 id="invite-form-title">${t('console.invites.new')}</h3>
        <div class="form-row">
          ${roles.length > 1 ? selectField({ id: 'invite-role', name: 'role', label: 'console.invites.role',
            options: roles.map((role) => [role, roleName(role)]), value: 'volunteer', form: this.form })
            : html`<input type="hidden" name="role" value="volunteer">`}
          ${field(this.form, { id: 'invite-uses', name: 'max_uses', type: 'number', label: 'console.invites.uses',
            hint: 'console.invites.uses.hint', required: true, min: '1', max: '10000', value: '1', inputmode: 'numeric' })}
          ${field(this.form, { id: 'invite-days', name: 'days', type: 'number', label: 'console.invites.days',
            hint: 'console.invites.days.hint', required: true, min: '1', max: '90', value: '14', inputmode: 'numeric' })}
        </div>
        ${formAlert(this.form)}
        ${submitButton(this.form, 'console.invites.make', 'console.invites.making', 'button inline')}
      </form>
      ${this.list === null ? (this.error ? failed(this.error, () => this.load()) : loading())
        : this.list.length ? html`<ul class="invite-list" id="invite-list">${this.list.map((invite) => this.item(invite))}</ul>`
          : html`<p id="invites-empty">${t('console.invites.none')}</p>`}
    </section>`;
  }

  item(invite) {
    const state = inviteState(invite);
    const id = `invite-${invite.id}`;
    const label = t('console.invites.linkFor', { role: roleName(invite.role) });
    return html`<li class="card invite" id=${id} data-state=${state}>
      <h3>${label}${invite.id === this.made ? html` <span class="badge">${t('console.invites.new.badge')}</span>`
        : nothing}</h3>
      <p class="invite-facts">
        <span class=${`state ${state}`}>${t(`console.invites.state.${state}`)}</span> ·
        ${t('console.invites.used', { uses: invite.uses, max: invite.max_uses })} ·
        ${t(state === 'expired' ? 'console.invites.expired' : 'console.invites.expires', {
          date: formatDateTime(invite.expires_at) })}</p>
      ${state === 'active' ? html`
        ${this.share.view({ id: `${id}-link`, url: invite.url, label })}
        ${mayManage(this.role, invite.role) ? html`<button type="button" class="button secondary inline withdraw"
          @click=${() => this.withdraw(invite)}>${t('console.invites.withdraw')}</button>` : nothing}` : nothing}
    </li>`;
  }
}
