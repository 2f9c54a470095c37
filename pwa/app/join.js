// Join a campaign by invite (/join/<code>): show what the invite is for, then one form that creates the
// account, or adds the membership to an existing account when its password is given.
import { invite, join } from '../lib/api.js';
import { LANGUAGES, formatDateTime, language, text } from '../lib/i18n.js';
import { getProfile } from '../lib/session.js';
import { h } from './dom.js';
import { checkFields, explain, field, formAlert, selectField, submit, trackInput } from './forms.js';

const LANGUAGE_NAMES = { en: 'English', es: 'Español' };

/** The join screen for code; onJoined(session, language) runs after the server accepts. */
export function joinScreen({ params: [code], onJoined }) {
  const invitation = h('p', { class: 'lead', 'aria-live': 'polite', i18n: 'join.checking' });
  const section = h('section', { class: 'screen', id: 'join' },
    h('h1', { id: 'join-title', tabindex: '-1', i18n: 'join.title' }),
    invitation);

  invite(code).then((preview) => {
    text(invitation, 'join.invited', { campaign: preview.campaign.name, role: preview.role });
    section.append(
      h('p', { class: 'note', i18n: 'join.expires', values: { date: () => formatDateTime(preview.expires_at) } }),
      joinForm(code, onJoined));
  }).catch((error) => {
    const [key, values] = explain(error, { 404: 'join.error.404', 410: 'join.error.410' });
    invitation.className = 'notice-error';
    text(invitation, key, values);
    if (error.status === 404 || error.status === 410) section.append(h('p', { i18n: 'join.askAgain' }));
    section.append(h('p', {}, h('a', { href: '/signin', class: 'link', i18n: 'join.signinInstead' })));
  });

  return section;
}

function joinForm(code, onJoined) {
  const user = getProfile()?.user; // joining a second campaign while signed in: start from the account
  const form = trackInput(h('form', { id: 'join-form', novalidate: true, 'aria-labelledby': 'join-title' },
    field({ id: 'join-name', name: 'display_name', type: 'text', label: 'field.name', hint: 'field.name.hint',
      required: true, maxlength: '100', autocomplete: 'name', value: user?.display_name }),
    h('p', { class: 'note', i18n: 'join.haveAccount' }),
    field({ id: 'join-email', name: 'email', type: 'email', label: 'field.email', required: true,
      autocomplete: 'email', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false', value: user?.email }),
    field({ id: 'join-password', name: 'password', type: 'password', label: 'field.password',
      hint: 'field.newPassword.hint', required: true, minlength: '8', autocomplete: 'new-password' }),
    selectField({ id: 'join-language', name: 'language', label: 'field.language', value: language(),
      options: LANGUAGES.map((lang) => [lang, LANGUAGE_NAMES[lang], lang]) }),
    formAlert('join-form'),
    h('button', { type: 'submit', class: 'button', i18n: 'join.submit' })));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!checkFields(form)) return;
    const { display_name: name, email, password, language: lang } = form.elements;
    submit(form, 'join.busy', async () => onJoined(await join({
      code, displayName: name.value.trim(), email: email.value.trim(), password: password.value, language: lang.value,
    }), lang.value), { 401: 'join.error.401', 403: 'join.error.403', 404: 'join.error.404', 409: 'join.error.409',
      410: 'join.error.410' });
  });

  return h('div', {}, form, h('p', {}, h('a', { href: '/signin', class: 'link', i18n: 'join.signinInstead' })));
}
