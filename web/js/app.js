// The tablet app: boots from IndexedDB (so it opens with no network), draws the header badge, routes between
// screens by the URL hash inside /tablet/, and owns the update banner and the toast.

import { getDevicePrefs, getSession, pendingCount, setDevicePrefs, updateSession } from './db.js';
import { h, mount } from './dom.js';
import { formatTime } from './format.js';
import { renderHome, updateHomeStatus } from './home-screen.js';
import { language, setLanguage, t } from './i18n.js';
import {
  forgetRevokedSession, refreshProfile, saveLanguage, signOut, storagePersisted,
} from './session.js';
import { renderSignIn } from './sign-in-screen.js';
import { getStatus, onStatus, setStatus, watchConnection } from './status.js';
import { applyUpdate, registerServiceWorker } from './sw-bridge.js';

const view = document.getElementById('view');
const badge = document.getElementById('badge');
const storeLabel = document.getElementById('store');
const brandName = document.getElementById('brand-name');
const banner = document.getElementById('banner');
const toast = document.getElementById('toast');

let session = null;
let device = {};
let waitingWorker = null;
let toastTimer = null;
let toastText = null; // a function, so a language switch redraws an open toast too
let refreshing = null;

const ROUTES = {
  '#/home': showHome,
  '#/sign-in': showSignIn,
};

function renderBadge(status) {
  const state = status.online ? 'online' : 'offline';
  badge.className = `badge badge-${status.revoked ? 'alert' : state}`;
  badge.dataset.state = state;
  let detail = null;
  if (session && status.revoked) {
    detail = t('Sign in again');
  } else if (session) {
    detail = [
      t('%(count)s pending', { count: status.pending }),
      status.lastSync ? t('Synced %(time)s', { time: formatTime(status.lastSync) }) : t('Never synced'),
    ].join(' · ');
  }
  mount(badge,
    h('span', { class: 'dot', 'aria-hidden': 'true' }),
    h('strong', { class: 'badge-state' }, status.online ? t('Online') : t('Offline')),
    detail ? h('span', { class: 'badge-detail' }, detail) : null);
}

function renderHeader() {
  document.title = t('Showroom');
  brandName.textContent = t('Showroom');
  storeLabel.textContent = session ? `${session.store.name} · ${session.store.code}` : '';
  storeLabel.hidden = !session;
  renderBadge(getStatus());
}

function renderBanner() {
  if (!waitingWorker) {
    banner.hidden = true;
    return;
  }
  const reload = h('button', { type: 'button', class: 'button light' }, t('Reload'));
  reload.addEventListener('click', () => {
    reload.disabled = true;
    applyUpdate(waitingWorker);
  });
  mount(banner, h('span', { class: 'banner-text' }, t('Update available')), reload);
  banner.hidden = false;
}

function renderToast() {
  toast.textContent = toastText ? toastText() : '';
  toast.hidden = !toastText;
}

function showToast(text) {
  toastText = text;
  renderToast();
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    toastText = null;
    renderToast();
  }, 6000);
}

function route() {
  let hash = location.hash in ROUTES ? location.hash : '#/home';
  if (!session) {
    hash = '#/sign-in';
  } else if (hash === '#/sign-in') {
    hash = '#/home';
  }
  if (location.hash !== hash) {
    history.replaceState(null, '', hash); // no hashchange event, no history entry for a redirect
  }
  ROUTES[hash]();
}

function renderAll() {
  renderHeader();
  renderBanner();
  renderToast();
  route();
}

function showSignIn() {
  renderSignIn(view, {
    lastUsername: device.lastUsername,
    onLanguage: changeLanguage,
    onSignedIn: async (signedIn) => {
      session = signedIn;
      device = await getDevicePrefs();
      await setLanguage(session.language);
      history.replaceState(null, '', '#/home');
      renderAll();
    },
  });
}

function showHome() {
  renderHome(view, {
    session,
    status: getStatus(),
    onLanguage: changeLanguage,
    onSignOut: async () => {
      const result = await signOut();
      if (!result.ok) {
        setStatus({ pending: result.pending });
        return t('Changes are waiting to be sent. Connect to the network and let them sync before signing out.');
      }
      session = null;
      device = await getDevicePrefs();
      renderAll();
      return null;
    },
    onSignInAgain: async () => {
      await forgetRevokedSession();
      session = null;
      device = await getDevicePrefs();
      renderAll();
    },
  });
}

async function changeLanguage(lang) {
  await setLanguage(lang);
  if (session) {
    session = (await saveLanguage(lang)) || session;
  } else {
    device = await setDevicePrefs({ language: lang });
  }
  renderAll();
  refresh();
}

/** Refresh the profile when online; one refresh at a time, the result redraws the screen. */
function refresh() {
  if (!session || refreshing) {
    return refreshing;
  }
  refreshing = (async () => {
    try {
      const next = await refreshProfile();
      if (!session || !next) {
        return; // signed out while the request was out
      }
      session = next;
      if (session.language !== language()) {
        await setLanguage(session.language);
      }
      setStatus({ pending: await pendingCount(session), revoked: Boolean(session.revoked) });
      renderAll();
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

async function start() {
  registerServiceWorker({
    onUpdate: (worker) => {
      waitingWorker = worker;
      renderBanner();
    },
    onReady: () => showToast(() => t('Ready to work offline')),
  }).catch(() => {
    // No service worker (private mode, old browser): the app still works while online.
  });
  watchConnection(refresh);
  onStatus((status) => {
    renderBadge(status);
    if (session && location.hash === '#/home') {
      updateHomeStatus(view, status);
    }
  });

  session = await getSession();
  device = await getDevicePrefs();
  await setLanguage(session ? session.language : device.language);
  if (session) {
    setStatus({ lastSync: session.lastSync || null, revoked: Boolean(session.revoked),
      pending: await pendingCount(session) });
    const persisted = await storagePersisted();
    if (persisted !== null && persisted !== session.storagePersistent) {
      session = (await updateSession({ storagePersistent: persisted })) || session;
    }
  }
  renderAll();
  document.body.classList.add('ready');
  window.addEventListener('hashchange', route);
  refresh();
}

window.addEventListener('unhandledrejection', () => {
  showToast(() => t('Something went wrong. Please try again.'));
});

start();
