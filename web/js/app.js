// The tablet app: boots from IndexedDB (so it opens with no network), draws the header badge, routes between
// screens by the URL hash inside /tablet/, starts the sync loop, and owns the update banner and the toast.

import { getDevicePrefs, getSession, pendingCount, setDevicePrefs, updateSession } from './core/db.js';
import { h, mount } from './core/dom.js';
import { language, setLanguage, t } from './core/i18n.js';
import { countProblems } from './core/problems.js';
import { CUSTOMER_ROLES, HANDOVER_ROLES, TEST_DRIVE_ROLES, WALKAROUND_ROLES } from './core/roles.js';
import { getStatus, onStatus, setStatus, watchConnection } from './core/status.js';
import { applyUpdate, registerServiceWorker } from './core/sw-bridge.js';
import { onSynced, startSync, stopSync } from './core/sync.js';
import { renderHome, updateHomeStatus } from './shell/home.js';
import {
  forgetRevokedSession, refreshProfile, saveLanguage, signOut, storagePersisted,
} from './shell/session.js';
import { renderSignIn } from './shell/sign-in.js';
import { drawBadge } from './shell/sync-badge.js';
import { openSyncPanel, refreshSyncPanel } from './shell/sync-panel.js';
import { renderCustomerForm } from './customers/form.js';
import { renderNeedsForm } from './customers/needs-form.js';
import { renderCustomer, renderCustomerList } from './customers/screens.js';
import { renderHandover, renderHandoverList, renderHandoverStart } from './handover/screens.js';
import { renderTestDrive, renderTestDriveList } from './test-drive/screens.js';
import { renderWalkaround, renderWalkaroundList, renderWalkaroundStart } from './walkaround/screens.js';

const view = document.getElementById('view');
let screen = view; // this navigation's own element in #view (see route())
const badge = document.getElementById('badge');
const storeLabel = document.getElementById('store');
const brandName = document.getElementById('brand-name');
const banner = document.getElementById('banner');
const toast = document.getElementById('toast');
const progressBar = document.getElementById('sync-progress');

let session = null;
let device = {};
let waitingWorker = null;
let toastTimer = null;
let toastText = null; // a function, so a language switch redraws an open toast too
let refreshing = null;
let redraw = null; // redraws the screen shown from IndexedDB after a sync; null for screens never redrawn

const ROUTES = [
  [/^#\/home$/, showHome],
  [/^#\/sign-in$/, showSignIn],
  [/^#\/customers$/, showCustomers, CUSTOMER_ROLES],
  [/^#\/customers\/new$/, showCustomerForm, CUSTOMER_ROLES],
  [/^#\/customers\/([0-9a-f-]{36})$/, showCustomer, CUSTOMER_ROLES],
  [/^#\/customers\/([0-9a-f-]{36})\/edit$/, showCustomerForm, CUSTOMER_ROLES],
  [/^#\/handover$/, showHandovers, HANDOVER_ROLES],
  [/^#\/handover\/start\/([0-9a-f-]{36})$/, showHandoverStart, HANDOVER_ROLES],
  [/^#\/handover\/([0-9a-f-]{36})(?:\/(check\/[A-Z]|details|review))?$/, showHandover, HANDOVER_ROLES],
  [/^#\/test-drive$/, showTestDrives, TEST_DRIVE_ROLES],
  [/^#\/test-drive\/([0-9a-f-]{36})(?:\/(eligibility|agreement|start|return|feedback))?$/, showTestDrive, TEST_DRIVE_ROLES],
  [/^#\/customers\/([0-9a-f-]{36})\/needs$/, showNeeds, WALKAROUND_ROLES],
  [/^#\/walkaround$/, showWalkarounds, WALKAROUND_ROLES],
  [/^#\/walkaround\/start\/([0-9a-f-]{36})$/, showWalkaroundStart, WALKAROUND_ROLES],
  [/^#\/walkaround\/([0-9a-f-]{36})(?:\/(\d{1,2}|summary))?$/, showWalkaround, WALKAROUND_ROLES],
];

function renderBadge(status) {
  drawBadge(badge, progressBar, status, { signedIn: Boolean(session), onOpen: openPanel });
}

function openPanel() {
  if (session) {
    openSyncPanel(session, { onProblemsChanged: updateProblems });
  }
}

async function updateProblems() {
  if (session) {
    setStatus({ problems: await countProblems(session) });
  }
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
  let hash = location.hash;
  let match = null;
  let show = null;
  for (const [pattern, handler, roles] of ROUTES) {
    const found = hash.match(pattern);
    if (found && (!roles || (session && roles.includes(session.user.role)))) {
      [match, show] = [found, handler];
      break;
    }
  }
  if (!session) {
    [hash, show, match] = ['#/sign-in', showSignIn, null];
  } else if (!show || show === showSignIn) {
    [hash, show, match] = ['#/home', showHome, null];
  }
  if (location.hash !== hash) {
    history.replaceState(null, '', hash); // no hashchange event, no history entry for a redirect
  }
  redraw = null;
  // Each navigation draws into a fresh element: a screen still loading from IndexedDB when the person moved on
  // (or a redraw after a sync that was under way) finishes into a detached element and never covers the new one.
  screen = document.createElement('div');
  screen.className = 'screen';
  view.replaceChildren(screen);
  window.scrollTo(0, 0);
  show(...(match ? match.slice(1) : []));
}

function renderAll() {
  renderHeader();
  renderBanner();
  renderToast();
  route();
}

function showSignIn() {
  renderSignIn(screen, {
    lastUsername: device.lastUsername,
    onLanguage: changeLanguage,
    onSignedIn: async (signedIn) => {
      session = signedIn;
      device = await getDevicePrefs();
      await setLanguage(session.language);
      history.replaceState(null, '', '#/home');
      renderAll();
      startSync();
    },
  });
}

function showHome() {
  renderHome(screen, {
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
      stopSync();
      device = await getDevicePrefs();
      renderAll();
      return null;
    },
    onSignInAgain: async () => {
      await forgetRevokedSession();
      session = null;
      stopSync();
      device = await getDevicePrefs();
      renderAll();
    },
    onOpenPanel: openPanel,
  });
}

/** Draw a screen that redraws itself after a sync: `render` resolves to its redraw function (or null), which is
 *  kept only while the person is still on the screen it was drawn for. */
async function showRedrawn(render, props = {}) {
  const shown = location.hash;
  const draw = await render(screen, { session, ...props });
  if (draw && location.hash === shown) {
    redraw = draw;
  }
}

function showCustomers() {
  return showRedrawn(renderCustomerList);
}

function showCustomer(id) {
  return showRedrawn(renderCustomer, { id, onSaved: saved });
}

function showHandovers() {
  return showRedrawn(renderHandoverList);
}

function showHandoverStart(customerId) {
  renderHandoverStart(screen, { session, customerId });
}

function showHandover(id, step) {
  // Only a sealed delivery redraws after a sync (its document state); a form never changes under a person.
  return showRedrawn(renderHandover, { id, step });
}

function showTestDrives() {
  return showRedrawn(renderTestDriveList);
}

function showTestDrive(id, step) {
  // A finished drive redraws after a sync (its document state); a step redraws only its conflict notice.
  return showRedrawn(renderTestDrive, { id, step });
}

function showNeeds(customerId) {
  // Never redrawn after a sync: the form does not change under a person who is typing.
  renderNeedsForm(screen, {
    session,
    customerId,
    onSaved: (_id, mutation, then) => {
      saved(customerId, mutation);
      location.hash = then === 'walkaround' ? `#/walkaround/start/${customerId}` : `#/customers/${customerId}`;
    },
  });
}

function showWalkarounds() {
  return showRedrawn(renderWalkaroundList);
}

function showWalkaroundStart(customerId) {
  renderWalkaroundStart(screen, { session, customerId });
}

function showWalkaround(id, step) {
  // Never redrawn after a sync: the position on screen keeps its taps and its clock.
  renderWalkaround(screen, { session, id, step });
}

function showCustomerForm(id) {
  // Never redrawn after a sync: the page does not change under a person who is typing.
  renderCustomerForm(screen, {
    session,
    id: id || null,
    onSaved: (savedId, mutation) => {
      saved(savedId, mutation);
      location.hash = `#/customers/${savedId}`;
    },
    onCancel: () => history.back(),
  });
}

async function saved(_id, mutation) {
  if (mutation) {
    setStatus({ pending: await pendingCount(session) });
    showToast(() => t('Saved on this tablet'));
  }
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
    refreshSyncPanel();
  });
  onSynced(() => {
    if (redraw) {
      redraw();
    }
    refreshSyncPanel();
  });

  session = await getSession();
  device = await getDevicePrefs();
  await setLanguage(session ? session.language : device.language);
  if (session) {
    setStatus({ lastSync: session.lastSync || null, revoked: Boolean(session.revoked),
      pending: await pendingCount(session), problems: await countProblems(session) });
    const persisted = await storagePersisted();
    if (persisted !== null && persisted !== session.storagePersistent) {
      session = (await updateSession({ storagePersistent: persisted })) || session;
    }
  }
  renderAll();
  document.body.classList.add('ready');
  window.addEventListener('hashchange', route);
  refresh();
  if (session) {
    startSync();
  }
}

window.addEventListener('unhandledrejection', () => {
  showToast(() => t('Something went wrong. Please try again.'));
});

start();
