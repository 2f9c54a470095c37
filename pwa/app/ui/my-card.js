// The volunteer's own contact card as a QR code, for a voter at the door to scan with their phone's camera and save:
// the voter's phone keeps it, not Kin, and the server never sees it. What the card holds is the volunteer's choice
// (their name, and a number or an e-mail if they want), kept on this phone only (db.js, card/<user>).
import { unsafeHTML } from 'lit-html/directives/unsafe-html.js';
import { keepOwnCard, ownCard } from '../../lib/db.js';
import { t } from '../../lib/i18n.js';
import { html, nothing } from '../../ui/screen.js';

/** A vCard 3.0 of the card (RFC 2426): what a phone's camera offers to save as a contact. */
export function vcard({ name, phone, email }) {
  const escape = (text) => text.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n');
  const parts = name.trim().split(/\s+/);
  const last = parts.length > 1 ? parts.pop() : '';
  return ['BEGIN:VCARD', 'VERSION:3.0', `N:${escape(last)};${escape(parts.join(' '))};;;`, `FN:${escape(name.trim())}`,
    ...(phone.trim() ? [`TEL;TYPE=CELL:${escape(phone.trim())}`] : []),
    ...(email.trim() ? [`EMAIL:${escape(email.trim())}`] : []), 'END:VCARD'].join('\r\n');
}

/**
 * The card's fold on a door: its fields (the kept card, else the volunteer's name), "Show the code", the code, and
 * "They saved my card", which calls saved(). Holds the code it drew; update() redraws the screen.
 */
export class CardShare {
  /** @param {{userId: number, name: string, update: () => void}} who */
  constructor({ userId, name, update }) {
    this.userId = userId;
    this.update = update;
    this.card = { name, phone: '', email: '' };
    this.svg = null;
    ownCard(userId).then((kept) => {
      if (kept) this.card = kept;
      update();
    });
  }

  async show(/** @type {SubmitEvent} */ event) {
    event.preventDefault();
    const form = /** @type {HTMLFormElement} */ (event.target);
    const value = (name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name)).value.trim();
    this.card = { name: value('name'), phone: value('phone'), email: value('email') };
    if (!this.card.name) return;
    await keepOwnCard(this.userId, this.card);
    this.svg = (await import('../../ui/qr.js')).qrSvg(vcard(this.card));
    form.removeAttribute('data-dirty');
    this.update();
  }

  /** @param {string} id @param {() => void} saved */
  view(id, saved) {
    return html`<details class="fold share-card" id=${id}>
      <summary>${t('card.show')}</summary>
      <p class="hint">${t('card.hint')}</p>
      <form id=${`${id}-form`} @submit=${(/** @type {SubmitEvent} */ event) => this.show(event)}>
        ${[['name', 'text', 'name'], ['phone', 'tel', 'tel'], ['email', 'email', 'email']].map(([name, type, auto]) =>
          html`<div class="field"><label for=${`${id}-${name}`}>${t(`card.${name}`)}</label>
            <input id=${`${id}-${name}`} name=${name} type=${type} autocomplete=${auto} maxlength="200"
              ?required=${name === 'name'} .value=${this.card[name]}></div>`)}
        <button type="submit" class="button secondary">${t('card.makeCode')}</button>
      </form>
      ${this.svg ? html`<div class="qr" id=${`${id}-qr`} role="img" aria-label=${t('card.qr')}>${unsafeHTML(this.svg)}</div>
        <button type="button" class="button secondary shared-card" @click=${saved}>${t('card.saved')}</button>`
        : nothing}
    </details>`;
  }
}
