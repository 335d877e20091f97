// Office pages: htmx does the work; this module only tells people when a request failed.

/** Show a dismissible message at the top of the page. */
export function notify(message) {
  let box = document.querySelector('.flashes');
  if (!box) {
    box = document.createElement('div');
    box.className = 'flashes';
    box.setAttribute('role', 'status');
    document.querySelector('main')?.prepend(box);
  }
  const line = document.createElement('p');
  line.className = 'flash flash-error';
  line.textContent = message;
  box.append(line);
}

// The texts come translated from the server (data-msg-* on <body>), from the gettext catalogues.
const texts = document.body.dataset;

document.body.addEventListener('htmx:sendError', () => notify(texts.msgOffline));
document.body.addEventListener('htmx:responseError', (event) => {
  const status = event.detail.xhr.status;
  if (status === 401) window.location.assign('/login');
  else notify(texts.msgFailed);
});
