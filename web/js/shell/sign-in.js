// The sign-in screen. The first sign-in on a tablet needs the network (the server checks the password and
// issues the token); after that the tablet opens offline from IndexedDB.

import { OfflineError } from '../core/api.js';
import { h, mount } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { languageSwitch } from './language-switch.js';
import { signIn } from './session.js';

/** Show `text` in an error line, or hide the line when there is none. */
function show(element, text) {
  element.textContent = text || '';
  element.hidden = !text;
}

function markInvalid(input, invalid) {
  if (invalid) {
    input.setAttribute('aria-invalid', 'true');
  } else {
    input.removeAttribute('aria-invalid');
  }
}

/** The form's inputs, error lines and button. */
function formParts(lastUsername) {
  const fieldError = (id) => h('p', { class: 'field-error', id, hidden: true });
  return {
    usernameError: fieldError('username-error'),
    passwordError: fieldError('password-error'),
    formError: h('p', { class: 'form-error', role: 'alert', hidden: true }),
    username: h('input', {
      id: 'username', name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false',
      enterkeyhint: 'next', value: lastUsername || '', 'aria-describedby': 'username-error',
    }),
    password: h('input', {
      id: 'password', name: 'password', type: 'password', autocomplete: 'current-password',
      enterkeyhint: 'go', 'aria-describedby': 'password-error',
    }),
    submit: h('button', { type: 'submit', class: 'button primary wide' }, t('Sign in')),
  };
}

function clearErrors(parts) {
  for (const element of [parts.usernameError, parts.passwordError, parts.formError]) {
    show(element, '');
  }
  markInvalid(parts.username, false);
  markInvalid(parts.password, false);
}

/** Show why the server refused the sign-in ({status, message, errors}) at its field or above the form. */
function showRefusal(parts, { status, message, errors }) {
  const { username, password } = parts;
  const first = (name) => (Array.isArray(errors[name]) ? errors[name][0] : errors[name]);
  show(parts.usernameError, first('username'));
  show(parts.passwordError, first('password'));
  markInvalid(username, Boolean(first('username')));
  markInvalid(password, Boolean(first('password')));
  if (status === 401) {
    show(parts.formError, t('Wrong username or password.'));
    password.select();
  } else if (status !== 400 || (!first('username') && !first('password'))) {
    show(parts.formError, message || t('Could not sign in. Please try again.'));
  }
  (first('username') ? username : password).focus();
}

/** Draw the sign-in form into `view`; `onSignedIn(session)` runs after a successful sign-in. */
export function renderSignIn(view, { lastUsername, onSignedIn, onLanguage }) {
  const parts = formParts(lastUsername);
  const { username, password, submit } = parts;

  const onSubmit = async (event) => {
    event.preventDefault();
    clearErrors(parts);
    submit.disabled = true;
    submit.textContent = t('Signing in…');
    try {
      const result = await signIn(username.value.trim(), password.value);
      if (result.session) {
        onSignedIn(result.session);
        return;
      }
      showRefusal(parts, result.error);
    } catch (error) {
      if (!(error instanceof OfflineError)) {
        throw error;
      }
      show(parts.formError, t('You are offline. The first sign-in on this tablet needs a network connection.'));
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
        parts.formError,
        h('div', { class: 'field' },
          h('label', { for: 'username' }, t('Username')), username, parts.usernameError),
        h('div', { class: 'field' },
          h('label', { for: 'password' }, t('Password')), password, parts.passwordError),
        submit)),
    h('div', { class: 'sign-in-foot' },
      languageSwitch(onLanguage),
      h('a', { class: 'link', href: '/login' }, t('Office staff: sign in to the office pages')))));
  (lastUsername ? password : username).focus();
}
