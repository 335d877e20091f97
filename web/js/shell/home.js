// The home of the signed-in person: who and which store, the sync state, local storage, language and
// sign-out. Everything comes from IndexedDB, so it draws the same with or without a network.

import { h, mount } from '../core/dom.js';
import { formatTime, roleLabel } from '../core/format.js';
import { t } from '../core/i18n.js';
import { CUSTOMER_ROLES, HANDOVER_ROLES, TEST_DRIVE_ROLES, WALKAROUND_ROLES } from '../core/roles.js';
import { languageSwitch } from './language-switch.js';

const TABLET_ROLES = ['consultant', 'escort'];

let openPanel = null; // kept for updateHomeStatus, which redraws the sync card on its own

function row(label, value, extra) {
  return h('div', { class: 'row' }, h('dt', {}, label), h('dd', extra || {}, value));
}

function identityCard(session) {
  const { user, store } = session;
  return h('section', { class: 'card identity', 'aria-labelledby': 'greeting' },
    h('div', { class: 'avatar', 'aria-hidden': 'true' }, (user.display_name || user.username).slice(0, 1)),
    h('div', { class: 'identity-text' },
      h('h1', { id: 'greeting' }, t('Hello, %(name)s', { name: user.display_name || user.username })),
      h('p', { class: 'role' }, h('span', { class: 'pill', 'data-testid': 'role' }, roleLabel(user.role))),
      h('p', { class: 'store-line', 'data-testid': 'store' },
        h('span', { class: 'store-name' }, store.name), ' ', h('span', { class: 'store-code' }, store.code)),
      store.address ? h('p', { class: 'muted small' }, store.address) : null));
}

function revokedCard(onSignInAgain) {
  return h('section', { class: 'card alert', role: 'alert' },
    h('h2', {}, t('Signed out on the server — sign in again')),
    h('p', {}, t('Your records stay on this tablet. Sign in again to keep syncing.')),
    h('button', { type: 'button', class: 'button primary', onclick: onSignInAgain }, t('Sign in again')));
}

function officeCard() {
  return h('section', { class: 'card notice' },
    h('h2', {}, t('Your work is in the office pages')),
    h('p', {}, t('This tablet app is for sales consultants and test-drive escorts.')),
    h('a', { class: 'button primary', href: '/' }, t('Open the office pages')));
}

/** The entry of a feature: its title (its first character as the icon), what it is for, a link to it. */
function entryCard(href, testid, title, text) {
  return h('a', { class: 'card entry', href, 'data-testid': testid },
    h('span', { class: 'entry-icon', 'aria-hidden': 'true' }, title.slice(0, 1)),
    h('span', { class: 'entry-text' },
      h('strong', {}, title),
      h('span', { class: 'muted' }, text)),
    h('span', { class: 'entry-arrow', 'aria-hidden': 'true' }, '›'));
}

function syncCard(status, onOpenPanel) {
  const connection = status.online
    ? h('span', { class: 'state state-online' }, t('Online'))
    : h('span', { class: 'state state-offline' }, t('Offline'));
  return h('section', { class: 'card', id: 'sync-card', 'aria-labelledby': 'sync-title' },
    h('h2', { id: 'sync-title' }, t('Sync')),
    h('dl', { class: 'rows' },
      row(t('Connection'), connection),
      row(t('Pending changes'), String(status.pending), { 'data-testid': 'pending' }),
      row(t('Last sync'), status.lastSync ? formatTime(status.lastSync) : t('Never synced')),
      row(t('Needs a person'), String(status.problems || 0), { 'data-testid': 'problems' })),
    status.progress ? progressLine(status.progress) : null,
    status.online ? null
      : h('p', { class: 'muted small' },
        t('You can keep working. Changes stay on this tablet and are sent when the network is back.')),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'button secondary', onclick: onOpenPanel, 'data-testid': 'open-sync-panel' },
        t('Sync details and unsent changes'))));
}

function progressLine(progress) {
  return h('p', { class: 'muted small', 'data-testid': 'first-sync' },
    t('Downloading records: %(count)s received', { count: progress.received }));
}

function storageCard(persistent) {
  return h('section', { class: 'card', 'aria-labelledby': 'storage-title' },
    h('h2', { id: 'storage-title' }, t('Storage on this tablet')),
    h('p', { class: persistent ? 'state state-online' : 'state state-warning', 'data-testid': 'storage' },
      persistent ? t('Storage is persistent') : t('The browser may clear local data under pressure')));
}

function settingsCard({ onLanguage, onSignOut, onOpenPanel }) {
  const message = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const exportHint = h('button', { type: 'button', class: 'button secondary', hidden: true, onclick: onOpenPanel },
    t('See or export unsent changes'));
  const signOutButton = h('button', { type: 'button', class: 'button danger' }, t('Sign out'));
  signOutButton.addEventListener('click', async () => {
    signOutButton.disabled = true;
    try {
      const refused = await onSignOut();
      message.textContent = refused || '';
      message.hidden = !refused;
      exportHint.hidden = !refused;
    } finally {
      signOutButton.disabled = false;
    }
  });
  return h('section', { class: 'card', 'aria-labelledby': 'settings-title' },
    h('h2', { id: 'settings-title' }, t('This tablet')),
    h('dl', { class: 'rows' },
      row(t('Language'), languageSwitch(onLanguage))),
    message,
    h('div', { class: 'actions' }, signOutButton, exportHint));
}

/** Draw the home of `session` into `view` with the current `status` (see status.js). */
export function renderHome(view, { session, status, onLanguage, onSignOut, onSignInAgain, onOpenPanel }) {
  const tabletRole = TABLET_ROLES.includes(session.user.role);
  const customers = CUSTOMER_ROLES.includes(session.user.role);
  openPanel = onOpenPanel;
  mount(view, h('div', { class: 'home' },
    identityCard(session),
    session.revoked ? revokedCard(onSignInAgain) : null,
    customers ? entryCard('#/customers', 'customers-entry', t('Customers'),
      t('Find, add and grade customer files, also offline')) : null,
    HANDOVER_ROLES.includes(session.user.role) ? entryCard('#/handover', 'handover-entry', t('Handover'),
      t('Inspect the car with the customer, sign and seal, also offline')) : null,
    WALKAROUND_ROLES.includes(session.user.role) ? entryCard('#/walkaround', 'walkaround-entry', t('Walk-around'),
      t('Needs analysis and the six-position walk-around, also offline')) : null,
    TEST_DRIVE_ROLES.includes(session.user.role) ? entryCard('#/test-drive', 'test-drive-entry', t('Test drive'),
      t('Check the licence, sign, log the drive and the feedback, also offline')) : null,
    tabletRole ? null : officeCard(),
    syncCard(status, onOpenPanel),
    storageCard(session.storagePersistent),
    settingsCard({ onLanguage, onSignOut, onOpenPanel })));
}


/** Redraw only the sync card of a home already in `view` (keeps messages and focus elsewhere on the screen). */
export function updateHomeStatus(view, status) {
  const card = view.querySelector('#sync-card');
  if (card) {
    card.replaceWith(syncCard(status, openPanel));
  }
}
