// A page that does not exist: say so, and offer the way home (or to sign in).
import { t } from '../../lib/i18n.js';
import { isSignedIn } from '../../lib/session.js';
import { html } from '../../ui/screen.js';

export const title = 'notFound.title';

export default function notFoundScreen() {
  return () => html`<section class="screen" id="not-found">
    <h1 id="not-found-title" tabindex="-1">${t('notFound.title')}</h1>
    <p>${t('notFound.body')}</p>
    <p><a href="/" class="button">${t(isSignedIn() ? 'notFound.home' : 'notFound.signin')}</a></p>
  </section>`;
}
