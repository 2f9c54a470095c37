// A way back in after a forgotten password (docs/auth.md, "Forgotten passwords"). /reset: ask for a link by
// e-mail where the server can send one, else say to ask an organizer. /reset/<token>: the link someone was given
// or sent; it greets them by name and takes the new password, then signs them in.
import { requestReset, resetOptions, resetPassword, resetState } from '../../lib/api.js';
import { formatDateTime, t } from '../../lib/i18n.js';
import { html } from '../../ui/screen.js';
import { Form, explain, field, formAlert, submitButton } from '../../ui/forms.js';

export const title = 'reset.title';

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function resetScreen(ctx) {
  const [token] = ctx.params;
  const form = new Form(ctx, 'reset-form');
  let link = null; // {state, display_name, expires_at} of /reset/<token>
  let options = null; // {by_email} of /reset
  let problem = null; // [key, values] when the server could not be asked
  let sent = false;

  (token ? resetState(token).then((found) => { link = found; }) : resetOptions().then((found) => { options = found; }))
    .catch((error) => { problem = explain(error, { 404: 'reset.error.404' }); })
    .finally(() => ctx.update());

  function choose(/** @type {SubmitEvent} */ event) {
    event.preventDefault();
    if (!form.check()) return;
    const { password } = /** @type {import('../../ui/forms.js').Controls} */ (form.element.elements);
    form.submit(async () => ctx.onSignedIn(await resetPassword(token, password.value)), { 404: 'reset.error.404',
      410: 'reset.error.410' });
  }

  function ask(/** @type {SubmitEvent} */ event) {
    event.preventDefault();
    if (!form.check()) return;
    const { email } = /** @type {import('../../ui/forms.js').Controls} */ (form.element.elements);
    form.submit(async () => {
      await requestReset(email.value.trim());
      sent = true;
    }, { 409: 'reset.byOrganizer' });
  }

  const signin = () => html`<p><a href="/signin" class="link">${t('join.signinInstead')}</a></p>`;

  const withLink = () => (link.state === 'valid' ? html`
    <p class="lead">${t('reset.hello', { name: link.display_name })}</p>
    <p class="note">${t('reset.expires', { date: formatDateTime(link.expires_at) })}</p>
    <form id="reset-form" novalidate aria-labelledby="reset-title" @submit=${choose}>
      ${field(form, { id: 'reset-password', name: 'password', type: 'password', label: 'field.newPassword',
        hint: 'field.newPassword.hint', required: true, minlength: '8', autocomplete: 'new-password' })}
      ${formAlert(form)}
      ${submitButton(form, 'reset.submit', 'reset.busy')}
    </form>` : html`<p class="notice-error">${t(`reset.state.${link.state}`)}</p>
    <p><a href="/reset" class="button">${t('reset.again')}</a></p>${signin()}`);

  const withoutLink = () => (sent ? html`<p class="lead" role="status">${t('reset.sent')}</p>${signin()}`
    : options.by_email ? html`
      <p class="lead">${t('reset.intro')}</p>
      <form id="reset-form" novalidate aria-labelledby="reset-title" @submit=${ask}>
        ${field(form, { id: 'reset-email', name: 'email', type: 'email', label: 'field.email', required: true,
          autocomplete: 'username', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false' })}
        ${formAlert(form)}
        ${submitButton(form, 'reset.send', 'reset.sending')}
      </form>${signin()}`
      : html`<p class="lead">${t('reset.byOrganizer')}</p>${signin()}`);

  return () => html`<section class="screen" id="reset">
    <h1 id="reset-title" tabindex="-1">${t('reset.title')}</h1>
    ${problem ? html`<p class="notice-error">${t(...problem)}</p>${signin()}`
      : token ? (link ? withLink() : html`<p class="loading">${t('app.loading')}</p>`)
        : options ? withoutLink() : html`<p class="loading">${t('app.loading')}</p>`}
  </section>`;
}
