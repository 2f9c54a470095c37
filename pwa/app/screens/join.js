// Join a campaign by invite (/join/<code>): show what the invite is for, then one form that creates the
// account, or adds the membership to an existing account when its password is given.
import { invite, join } from '../../lib/api.js';
import { LANGUAGES, formatDateTime, language, t } from '../../lib/i18n.js';
import { getProfile } from '../../lib/session.js';
import { html, nothing } from '../../ui/screen.js';
import { Form, explain, field, formAlert, selectField, submitButton } from '../../ui/forms.js';

export const title = 'join.title';
const LANGUAGE_NAMES = { en: 'English', es: 'Español' };
const STATUS_KEYS = { 401: 'join.error.401', 403: 'join.error.403', 404: 'join.error.404', 409: 'join.error.409',
  410: 'join.error.410' };

/** @param {import('../../ui/screen.js').ScreenContext} ctx */
export default function joinScreen(ctx) {
  const [code] = ctx.params;
  const form = new Form(ctx, 'join-form');
  const user = getProfile()?.user; // joining a second campaign while signed in: start from the account
  let preview = null;
  let problem = null; // [key, values] when the invite cannot be used

  invite(code).then((found) => {
    preview = found;
  }).catch((error) => {
    problem = { message: explain(error, { 404: 'join.error.404', 410: 'join.error.410' }),
      askAgain: error.status === 404 || error.status === 410 };
  }).finally(() => ctx.update());

  function send(/** @type {SubmitEvent} */ event) {
    event.preventDefault();
    if (!form.check()) return;
    const { display_name: name, email, password, language: lang } = /** @type {import('../../ui/forms.js').Controls} */ (
      form.element.elements);
    form.submit(async () => ctx.onJoined(await join({ code, displayName: name.value.trim(), email: email.value.trim(),
      password: password.value, language: lang.value }), lang.value), STATUS_KEYS);
  }

  const signinInstead = () => html`<p><a href="/signin" class="link">${t('join.signinInstead')}</a></p>`;

  const joinForm = () => html`<div>
    <form id="join-form" novalidate aria-labelledby="join-title" @submit=${send}>
      ${field(form, { id: 'join-name', name: 'display_name', type: 'text', label: 'field.name', hint: 'field.name.hint',
        required: true, maxlength: '100', autocomplete: 'name', value: user?.display_name })}
      <p class="note">${t('join.haveAccount')}</p>
      ${field(form, { id: 'join-email', name: 'email', type: 'email', label: 'field.email', required: true,
        autocomplete: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', value: user?.email })}
      ${field(form, { id: 'join-password', name: 'password', type: 'password', label: 'field.password',
        hint: 'field.newPassword.hint', required: true, minlength: '8', autocomplete: 'new-password' })}
      ${selectField({ id: 'join-language', name: 'language', label: 'field.language', value: language(),
        options: LANGUAGES.map((lang) => [lang, LANGUAGE_NAMES[lang], lang]) })}
      ${formAlert(form)}
      ${submitButton(form, 'join.submit', 'join.busy')}
    </form>
    ${signinInstead()}
  </div>`;

  return () => html`<section class="screen" id="join">
    <h1 id="join-title" tabindex="-1">${t('join.title')}</h1>
    <p class=${problem ? 'notice-error' : 'lead'} aria-live="polite">${problem ? t(...problem.message)
      : preview ? t('join.invited', { campaign: preview.campaign.name, role: preview.role }) : t('join.checking')}</p>
    ${problem ? html`${problem.askAgain ? html`<p>${t('join.askAgain')}</p>` : nothing}${signinInstead()}`
    : preview ? html`<p class="note">${t('join.expires', { date: formatDateTime(preview.expires_at) })}</p>
      ${joinForm()}` : nothing}
  </section>`;
}
