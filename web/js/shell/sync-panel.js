// The sync panel, opened from the header badge: connection, pending changes, last sync, what went wrong, and
// the "needs a person" list — rejected changes with the server's reasons and open conflicts of this tablet.
// From here a person can force a sync and export unsent changes as a file.

import { h, mount, saveFile } from '../core/dom.js';
import { formatTime, maskPhone } from '../core/format.js';
import { t } from '../core/i18n.js';
import { dismissProblem, exportUnsent, listProblems } from '../core/problems.js';
import { getStatus } from '../core/status.js';
import { syncNow } from '../core/sync.js';
import { entityLabel, fieldLabel } from '../core/field-labels.js';

let dialog = null;
let context = null;

function describeError(status) {
  if (status.revoked) {
    return t('Signed out on the server — sign in again');
  }
  if (status.syncError === 'update') {
    return t('This version of the app is no longer supported. Update the app: reload it while online.');
  }
  if (status.syncError === 'retry') {
    return t('The server is busy. Your changes are safe on this tablet; retrying shortly.');
  }
  if (status.syncError === 'refused') {
    return status.syncMessage || t('The server refused the changes.');
  }
  return null;
}

function shown(field, value) {
  if (value === null || value === undefined || value === '') {
    return t('(empty)');
  }
  return field === 'phone' ? maskPhone(String(value)) : String(value);
}

/** What a rejected change was about, as a person names it: "Delivery inspection · 王五 (Inspection results)". */
function rejectedWhat(args) {
  const set = args.set && typeof args.set === 'object' ? args.set : {};
  const named = args.entity === 'customer' ? set.name : set.customer_name;
  const subject = typeof named === 'string' && named ? `${entityLabel(args.entity)} · ${named}`
    : entityLabel(args.entity);
  const fields = Object.keys(set).map((field) => fieldLabel(args.entity, field)).join(t(', '));
  return fields ? `${subject} (${fields})` : subject;
}

function rejectionItem(rejection, onDismiss) {
  const error = rejection.error || {};
  const args = rejection.args && typeof rejection.args === 'object' ? rejection.args : {};
  const fieldErrors = Object.entries(error.errors || {}).map(([field, messages]) => h('li', {},
    h('strong', {}, fieldLabel(args.entity, field)), t(': '), [].concat(messages).join(' ')));
  const what = rejectedWhat(args);
  return h('li', { class: 'problem problem-rejected', 'data-testid': 'rejection' },
    h('div', { class: 'problem-head' },
      h('span', { class: 'problem-kind' }, t('Not accepted')),
      h('span', { class: 'muted small' }, formatTime(rejection.at))),
    h('p', { class: 'problem-message' }, error.message || error.code || t('The server refused this change.')),
    fieldErrors.length ? h('ul', { class: 'problem-fields' }, fieldErrors) : null,
    h('p', { class: 'muted small' }, t('Change: %(what)s', { what })),
    h('button', { type: 'button', class: 'button secondary small-button', onclick: () => onDismiss(rejection) },
      t('Dismiss')));
}

function conflictItem(conflict) {
  const who = (side) => (side && side.user) || '?';
  return h('li', { class: 'problem problem-conflict', 'data-testid': 'conflict' },
    h('div', { class: 'problem-head' },
      h('span', { class: 'problem-kind' }, t('Conflict')),
      h('span', { class: 'muted small' }, formatTime(conflict.created_at))),
    h('p', { class: 'problem-message' },
      `${conflict.recordName || entityLabel(conflict.entity)} · ${fieldLabel(conflict.entity, conflict.field)}`),
    h('p', {}, t('Now: %(value)s, by %(user)s',
      { value: shown(conflict.field, conflict.applied_value), user: who(conflict.applied_by) })),
    h('p', {}, t('Replaced: %(value)s, by %(user)s',
      { value: shown(conflict.field, conflict.overwritten_value), user: who(conflict.overwritten_by) })),
    h('p', { class: 'muted small' }, t('The office decides which value to keep.')),
    conflict.entity === 'customer'
      ? h('a', { class: 'link', href: `#/customers/${conflict.record_id}`, onclick: () => dialog.close() },
        t('Open customer'))
      : null);
}

async function download(session) {
  const file = await exportUnsent(session);
  saveFile(file.blob, file.name);
}

async function draw() {
  if (!dialog || !dialog.open || !context) {
    return;
  }
  const { session } = context;
  const status = getStatus();
  const { rejections, conflicts } = await listProblems(session);
  const error = describeError(status);
  const syncButton = h('button', { type: 'button', class: 'button primary', disabled: !status.online,
    'data-testid': 'sync-now' }, status.syncing ? t('Syncing…') : t('Sync now'));
  syncButton.addEventListener('click', () => syncNow().catch(() => {}));
  const exportButton = h('button', { type: 'button', class: 'button secondary', disabled: !status.pending,
    'data-testid': 'export-unsent' }, t('Export unsent changes'));
  exportButton.addEventListener('click', () => download(session));
  const onDismiss = async (rejection) => {
    await dismissProblem(session, rejection);
    context.onProblemsChanged();
    draw();
  };
  const problems = [...rejections.map((r) => rejectionItem(r, onDismiss)), ...conflicts.map(conflictItem)];
  mount(dialog, h('div', { class: 'panel' },
    h('div', { class: 'panel-head' },
      h('h2', { id: 'sync-panel-title' }, t('Sync')),
      h('button', { type: 'button', class: 'button secondary', onclick: () => dialog.close() }, t('Close'))),
    h('dl', { class: 'rows' },
      h('div', { class: 'row' }, h('dt', {}, t('Connection')),
        h('dd', {}, status.online ? t('Online') : t('Offline'))),
      h('div', { class: 'row' }, h('dt', {}, t('Pending changes')),
        h('dd', { 'data-testid': 'panel-pending' }, String(status.pending))),
      h('div', { class: 'row' }, h('dt', {}, t('Last sync')),
        h('dd', {}, status.lastSync ? formatTime(status.lastSync) : t('Never synced')))),
    error ? h('p', { class: 'form-error', role: 'alert', 'data-testid': 'sync-error' }, error) : null,
    h('div', { class: 'actions' }, syncButton, exportButton),
    h('h3', { class: 'panel-subtitle' }, t('Needs a person'), ' ',
      h('span', { class: 'count', 'data-testid': 'problem-count' }, String(problems.length))),
    problems.length ? h('ul', { class: 'problems' }, problems)
      : h('p', { class: 'muted', 'data-testid': 'no-problems' }, t('Nothing needs your attention.'))));
}

/** Open the panel for `session`; `onProblemsChanged()` runs after a person dismissed a rejection. */
export function openSyncPanel(session, { onProblemsChanged }) {
  dialog = dialog || document.getElementById('sync-panel');
  context = { session, onProblemsChanged };
  if (!dialog.open) {
    dialog.showModal();
  }
  return draw();
}

/** Redraw the panel if it is open (after a sync or a status change). */
export function refreshSyncPanel() {
  return draw();
}
