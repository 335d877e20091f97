// The sign-in screen. The first sign-in on a tablet needs the network (the server checks the password and
// issues the token); after that the tablet opens offline from IndexedDB.

import { OfflineError } from '../core/api.js';
import { h, mount } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { languageSwitch } from './language-switch.js';
import { signIn } from './session.js';

/** Draw the sign-in form into `view`; `onSignedIn(session)` runs after a successful sign-in. */
export function renderSignIn(view, { lastUsername, onSignedIn, onLanguage }) {
  const fieldError = (id) => h('p', { class: 'field-error', id, hidden: true });
  const usernameError = fieldError('username-error');
  const passwordError = fieldError('password-error');
  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const username = h('input', {
    id: 'username', name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false',
    enterkeyhint: 'next', value: lastUsername || '', 'aria-describedby': 'username-error',
  });
  const password = h('input', {
    id: 'password', name: 'password', type: 'password', autocomplete: 'current-password',
    enterkeyhint: 'go', 'aria-describedby': 'password-error',
  });
  const submit = h('button', { type: 'submit', class: 'button primary wide' }, t('Sign in'));

  const show = (element, text) => {
    element.textContent = text || '';
    element.hidden = !text;
  };
  const markInvalid = (input, invalid) => {
    if (invalid) {
      input.setAttribute('aria-invalid', 'true');
    } else {
      input.removeAttribute('aria-invalid');
    }
  };
  const clearErrors = () => {
    for (const element of [usernameError, passwordError, formError]) {
      show(element, '');
    }
    markInvalid(username, false);
    markInvalid(password, false);
  };

  const onSubmit = async (event) => {
    event.preventDefault();
    clearErrors();
    submit.disabled = true;
    submit.textContent = t('Signing in…');
    try {
      const result = await signIn(username.value.trim(), password.value);
      if (result.session) {
        onSignedIn(result.session);
        return;
      }
      const { status, message, errors } = result.error;
      const first = (name) => (Array.isArray(errors[name]) ? errors[name][0] : errors[name]);
      show(usernameError, first('username'));
      show(passwordError, first('password'));
      markInvalid(username, Boolean(first('username')));
      markInvalid(password, Boolean(first('password')));
      if (status === 401) {
        show(formError, t('Wrong username or password.'));
        password.select();
      } else if (status !== 400 || (!first('username') && !first('password'))) {
        show(formError, message || t('Could not sign in. Please try again.'));
      }
      (first('username') ? username : password).focus();
    } catch (error) {
      if (!(error instanceof OfflineError)) {
        throw error;
      }
      show(formError, t('You are offline. The first sign-in on this tablet needs a network connection.'));
    } finally {
      submit.disabled = false;
      submit.textContent = t('Sign in');
    }
  };

  mount(view, h('section', { class: 'sign-in' },
    h('div', { class: 'card sign-in-card' },
      h('div', { class: 'sign-in-head' },
        h('img', { src: '/static/icons/icon.svg', alt: '', width: 72, height: 72 }),
        h('h1', {}, t('Showroom')),
        h('p', { class: 'muted' }, t('Sign in on this tablet'))),
      h('form', { class: 'form', novalidate: true, onsubmit: onSubmit },
        formError,
        h('div', { class: 'field' },
          h('label', { for: 'username' }, t('Username')), username, usernameError),
        h('div', { class: 'field' },
          h('label', { for: 'password' }, t('Password')), password, passwordError),
        submit)),
    h('div', { class: 'sign-in-foot' },
      languageSwitch(onLanguage),
      h('a', { class: 'link', href: '/login' }, t('Office staff: sign in to the office pages')))));
  (lastUsername ? password : username).focus();
}
