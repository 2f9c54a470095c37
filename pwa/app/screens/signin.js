// Sign in with e-mail and password (/signin, and any signed-in page when signed out).
import { login } from '../../lib/api.js';
import { t } from '../../lib/i18n.js';
import { html } from '../../ui/screen.js';
import { Form, field, formAlert, submitButton } from '../../ui/forms.js';

export const title = 'signin.title';

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function signinScreen(ctx) {
  const form = new Form(ctx, 'signin-form');

  function send(/** @type {SubmitEvent} */ event) {
    event.preventDefault();
    if (!form.check()) return;
    const { email, password } = /** @type {import('../../ui/forms.js').Controls} */ (form.element.elements);
    form.submit(async () => ctx.onSignedIn(await login(email.value.trim(), password.value)),
      { 401: 'signin.error.401' });
  }

  return () => html`<section class="screen" id="signin">
    <h1 id="signin-title" tabindex="-1">${t('signin.title')}</h1>
    <p class="lead">${t('signin.intro')}</p>
    <form id="signin-form" novalidate aria-labelledby="signin-title" @submit=${send}>
      ${field(form, { id: 'signin-email', name: 'email', type: 'email', label: 'field.email', required: true,
        autocomplete: 'username', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false' })}
      ${field(form, { id: 'signin-password', name: 'password', type: 'password', label: 'field.password',
        required: true, autocomplete: 'current-password' })}
      ${formAlert(form)}
      ${submitButton(form, 'signin.submit', 'signin.busy')}
    </form>
    <p><a href="/reset" class="link" id="forgot-password">${t('signin.forgot')}</a></p>
    <p class="note">${t('signin.noAccount')}</p>
  </section>`;
}
