// Sign in with e-mail and password (/signin, and / when signed out).
import { login } from '../lib/api.js';
import { h } from './dom.js';
import { checkFields, field, formAlert, submit, trackInput } from './forms.js';

/** The sign-in screen; onSignedIn(session) runs after the server accepts. */
export function signinScreen({ onSignedIn }) {
  const form = trackInput(h('form', { id: 'signin-form', novalidate: true, 'aria-labelledby': 'signin-title' },
    field({ id: 'signin-email', name: 'email', type: 'email', label: 'field.email', required: true,
      autocomplete: 'username', inputmode: 'email', autocapitalize: 'none', spellcheck: 'false' }),
    field({ id: 'signin-password', name: 'password', type: 'password', label: 'field.password', required: true,
      autocomplete: 'current-password' }),
    formAlert('signin-form'),
    h('button', { type: 'submit', class: 'button', i18n: 'signin.submit' })));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!checkFields(form)) return;
    const { email, password } = form.elements;
    submit(form, 'signin.busy', async () => onSignedIn(await login(email.value.trim(), password.value)),
      { 401: 'signin.error.401' });
  });

  return h('section', { class: 'screen', id: 'signin' },
    h('h1', { id: 'signin-title', tabindex: '-1', i18n: 'signin.title' }),
    h('p', { class: 'lead', i18n: 'signin.intro' }),
    form,
    h('p', { class: 'note', i18n: 'signin.noAccount' }));
}
