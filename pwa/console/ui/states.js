// What a console screen shows besides its content: loading, a failed read with a way to try again, and a campaign
// the person does not run. Every screen draws these the same way.
import { t } from '../../lib/i18n.js';
import { explain } from '../../ui/forms.js';
import { html } from '../../ui/screen.js';

export const loading = () => html`<p class="loading" role="status">${t('app.loading')}</p>`;

/** A read that failed, in words, and Try again. */
export function failed(error, retry) {
  return html`<div class="problem">
    <p class="notice-error" role="alert">${t(...explain(error))}</p>
    <button type="button" class="button secondary inline" @click=${retry}>${t('console.retry')}</button>
  </div>`;
}

/** A campaign id in the path that is not one of the person's (or not as organizer or owner). */
export function notYours() {
  return html`<p class="notice-error">${t('console.notYours')}</p>
    <p><a class="link" href="/console/campaigns">${t('console.nav.campaigns')}</a></p>`;
}
