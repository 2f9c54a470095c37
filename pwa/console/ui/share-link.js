// A link to pass on (an invite, a password-reset link): the address to read or select, Copy, and a QR code to show a
// phone, drawn when first asked for.
import { t } from '../../lib/i18n.js';
import { html, nothing } from '../../ui/screen.js';
import { unsafeHTML } from 'lit-html/directives/unsafe-html.js';
import { icon } from '../icons.js';

export class LinkShare {
  /** @param {import('../../ui/screen.js').ScreenContext} ctx */
  constructor(ctx) {
    this.ctx = ctx;
    /** @type {Map<string, string>} QR codes shown, by link: their SVG */
    this.codes = new Map();
  }

  async copy(url) {
    try {
      await navigator.clipboard.writeText(url);
      this.ctx.toasts.show('console.link.copied', { duration: 3000 });
    } catch {
      this.ctx.toasts.show('console.link.copyFailed', { duration: 6000 });
    }
  }

  async toggleQr(url) {
    if (this.codes.has(url)) this.codes.delete(url);
    else this.codes.set(url, (await import('../../ui/qr.js')).qrSvg(url));
    this.ctx.update();
  }

  /**
   * The link with its buttons; id names its parts, label is what the link is for (read with the address).
   * @param {{id: string, url: string, label: string}} link
   */
  view({ id, url, label }) {
    const svg = this.codes.get(url);
    return html`<div class="share-link" id=${id}>
      <label class="visually-hidden" for=${`${id}-url`}>${label}</label>
      <input id=${`${id}-url`} class="share-url" type="text" readonly .value=${url}
        @focus=${(/** @type {FocusEvent} */ event) => /** @type {HTMLInputElement} */ (event.target).select()}>
      <div class="share-buttons">
        <button type="button" class="button secondary inline copy" @click=${() => this.copy(url)}>${icon('copy')}${
          t('console.link.copy')}</button>
        <button type="button" class="button secondary inline show-qr" aria-expanded=${svg ? 'true' : 'false'}
          aria-controls=${`${id}-qr`} @click=${() => this.toggleQr(url)}>${icon('qr')}${
          t(svg ? 'console.link.hideQr' : 'console.link.showQr')}</button>
      </div>
      <div id=${`${id}-qr`} class="qr" role="img" aria-label=${t('console.link.qr', { label })} ?hidden=${!svg}>${
        svg ? unsafeHTML(svg) : nothing}</div>
    </div>`;
  }
}
