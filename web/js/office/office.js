// Office pages: htmx does the work; this module tells people when a request failed, and keeps what they typed
// in a form whose session ended meanwhile (idle time, sign-out elsewhere) until they have signed in again.

/** Show a dismissible message at the top of the page. */
export function notify(message, kind = 'error') {
  let box = document.querySelector('.flashes');
  if (!box) {
    box = document.createElement('div');
    box.className = 'flashes';
    box.setAttribute('role', 'status');
    document.querySelector('main')?.prepend(box);
  }
  const line = document.createElement('p');
  line.className = `flash flash-${kind}`;
  line.textContent = message;
  box.append(line);
}

// The texts come translated from the server (data-msg-* on <body>), from the gettext catalogues.
const texts = document.body.dataset;

// --- Typed values outlive an ended session -------------------------------------------------------------------
// Every form sent keeps its values (never passwords or the CSRF token) in this tab's sessionStorage. A sent form
// whose answer is a page of its own clears them; if the answer is the sign-in page instead, they stay, and once
// the person is back on the form's page they are put back into its fields, to check and send again.
const KEPT = 'showroom.kept-form';
const VIA_LOGIN = 'showroom.kept-form.via-login';
const SKIP = new Set(['csrf_token', 'password', 'new_password']);

function keep(target, entries) {
  const values = {};
  for (const [name, value] of entries) {
    if (!SKIP.has(name) && typeof value === 'string') {
      values[name] = value;
    }
  }
  sessionStorage.setItem(KEPT, JSON.stringify({ page: location.pathname, target, values }));
}

/** The fields a kept form's values belong to: the form, or the row an inline htmx form includes. */
function scopeOf(target, root) {
  const sender = [...root.querySelectorAll('form, [hx-post]')]
    .find((el) => (el.getAttribute('hx-post') || el.getAttribute('action')) === target);
  if (!sender) {
    return null;
  }
  return sender.getAttribute('hx-include') === 'closest tr' ? sender.closest('tr') : sender;
}

function restore(root) {
  const kept = JSON.parse(sessionStorage.getItem(KEPT) || 'null');
  if (!kept || !sessionStorage.getItem(VIA_LOGIN) || kept.page !== location.pathname) {
    return;
  }
  const scope = scopeOf(kept.target, root);
  if (!scope) {
    return; // not on screen yet (an inline row opened later): tried again on htmx:load
  }
  for (const field of scope.querySelectorAll('input[name], select[name], textarea[name]')) {
    if (SKIP.has(field.name) || ['hidden', 'file', 'password'].includes(field.type)) {
      continue;
    }
    if (field.type === 'checkbox' || field.type === 'radio') {
      field.checked = kept.values[field.name] === field.value;
    } else if (field.name in kept.values) {
      field.value = kept.values[field.name];
    }
  }
  sessionStorage.removeItem(KEPT);
  sessionStorage.removeItem(VIA_LOGIN);
  notify(texts.msgKept, 'info');
}

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form.id === 'login-form') {
    if (sessionStorage.getItem(KEPT)) {
      sessionStorage.setItem(VIA_LOGIN, '1');
    }
    return;
  }
  keep(new URL(form.action, location.href).pathname, new FormData(form).entries());
}, true);

document.body.addEventListener('htmx:configRequest', (event) => {
  if (event.detail.verb !== 'get') {
    const parameters = event.detail.parameters;
    keep(event.detail.path, parameters instanceof FormData ? parameters.entries() : Object.entries(parameters));
  }
});
document.body.addEventListener('htmx:afterRequest', (event) => {
  if (event.detail.successful && event.detail.requestConfig?.verb !== 'get') {
    sessionStorage.removeItem(KEPT);
  }
});
document.body.addEventListener('htmx:load', (event) => restore(event.detail.elt));

if (document.getElementById('login-form') === null) {
  const kept = JSON.parse(sessionStorage.getItem(KEPT) || 'null');
  if (kept && sessionStorage.getItem(VIA_LOGIN) && kept.page === location.pathname) {
    restore(document);
  } else { // the form was answered with a page (or the person went elsewhere): nothing to keep
    sessionStorage.removeItem(KEPT);
    sessionStorage.removeItem(VIA_LOGIN);
  }
}

document.body.addEventListener('htmx:sendError', () => notify(texts.msgOffline));
document.body.addEventListener('htmx:responseError', (event) => {
  const status = event.detail.xhr.status;
  if (status === 401) {
    window.location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
  } else {
    notify(texts.msgFailed);
  }
});
