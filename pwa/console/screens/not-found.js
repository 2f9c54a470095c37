// A console path that does not exist.
import { t } from '../../lib/i18n.js';
import { html } from '../../ui/screen.js';

export const title = 'notFound.title';

export default function notFoundScreen() {
  return () => html`<section class="screen" id="not-found">
    <h1 tabindex="-1">${t('notFound.title')}</h1>
    <p>${t('notFound.body')}</p>
    <p><a href="/console" class="button">${t('console.home')}</a></p>
  </section>`;
}
