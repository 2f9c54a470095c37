// "Invite to volunteer", offered after a talk (and on a person's page in My people), never shown unasked: the volunteer's own recruit link as a QR code,
// large, for the other person's phone camera. Whoever joins through it joins as a volunteer, recorded as recruited
// by this volunteer (server/campaigns/recruits.py). "They scanned it" records it on the visit; the link is the one
// kept on the phone (pwa/app/recruit.js), so it works with no signal.
import { unsafeHTML } from 'lit-html/directives/unsafe-html.js';
import { t } from '../../lib/i18n.js';
import { html, nothing } from '../../ui/screen.js';
import { keptRecruitLink, refreshRecruitLink } from '../recruit.js';

export class RecruitShare {
  /** @param {{userId: number, campaignId: number, update: () => void}} who */
  constructor({ userId, campaignId, update }) {
    this.update = update;
    /** @type {{url?: string, expires_at?: string, off?: true} | null | undefined} undefined while it is read */
    this.link = undefined;
    /** @type {string | null} the SVG of the code, once shown */
    this.svg = null;
    // the kept one, asked for only when the phone has none (Doors asks again each time it opens online)
    keptRecruitLink(userId, campaignId).then((kept) => kept ?? (navigator.onLine
      ? refreshRecruitLink(userId, campaignId) : null)).then((link) => {
      this.link = link;
      update();
    });
  }

  async show() {
    if (!this.link?.url) return;
    this.svg = (await import('../../ui/qr.js')).qrSvg(this.link.url);
    this.update();
    document.querySelector('.invite-share .qr')?.scrollIntoView({ block: 'center' });
  }

  /** @param {string} id @param {(() => void) | null} scanned null: nothing to record it on (a person's page) */
  view(id, scanned) {
    if (this.link?.off) return nothing; // the campaign turned recruiting off: nothing to offer
    return html`<details class="fold invite-share" id=${id}>
      <summary>${t('door.invite')}</summary>
      <p class="hint">${t('door.invite.ask')}</p>
      ${this.link === undefined ? html`<p class="loading">${t('app.loading')}</p>`
        : !this.link ? html`<p class="notice" id=${`${id}-none`}>${t('door.invite.none')}</p>`
          : this.svg ? html`<div class="qr" id=${`${id}-qr`} role="img" aria-label=${t('door.invite.qr')}>${
            unsafeHTML(this.svg)}</div>
            <p class="hint">${t('door.invite.after')}</p>
            ${scanned ? html`<button type="button" class="button secondary scanned" @click=${scanned}>${
              t('door.invite.scanned')}</button>` : nothing}`
            : html`<button type="button" class="button secondary show-invite" @click=${() => this.show()}>${
              t('door.invite.show')}</button>`}
    </details>`;
  }
}
