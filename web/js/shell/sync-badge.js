// The header badge (connection, pending changes, last sync or sync progress, problems that need a person) and the
// first-sync progress bar under the header. Signed in, the whole badge is one button that opens the sync panel.

import { h, mount } from '../core/dom.js';
import { formatTime } from '../core/format.js';
import { t } from '../core/i18n.js';

function badgeDetail(status) {
  if (status.revoked) {
    return t('Sign in again');
  }
  if (status.syncError === 'update') {
    return t('Update the app');
  }
  const parts = [t('%(count)s pending', { count: status.pending })];
  if (status.progress) {
    parts.push(t('Downloading… %(count)s', { count: status.progress.received }));
  } else if (status.syncing) {
    parts.push(t('Syncing…'));
  } else {
    parts.push(status.lastSync ? t('Synced %(time)s', { time: formatTime(status.lastSync) }) : t('Never synced'));
  }
  return parts.join(' · ');
}

function drawProgress(bar, progress) {
  if (!progress) {
    bar.hidden = true;
    return;
  }
  // The total is unknown until hasMore is false, so the bar is indeterminate and the count tells the progress.
  mount(bar,
    h('div', { class: 'progress-track', role: 'progressbar', 'aria-label': t('First sync'),
      'aria-valuetext': t('%(count)s records received', { count: progress.received }) },
    h('div', { class: 'progress-fill' })),
    h('span', { class: 'progress-text', 'data-testid': 'progress-text' }, progress.hasMore
      ? t('Downloading records: %(count)s received, more to come', { count: progress.received })
      : t('Downloading records: %(count)s received', { count: progress.received })));
  bar.hidden = false;
}

/** Draw `status` (status.js) into the badge and the progress bar; `onOpen` opens the sync panel. */
export function drawBadge(badge, bar, status, { signedIn, onOpen }) {
  const state = status.online ? 'online' : 'offline';
  const alert = status.revoked || status.syncError === 'update';
  badge.className = `badge badge-${alert ? 'alert' : state}`;
  badge.dataset.state = state;
  badge.dataset.pending = String(status.pending);
  const content = [
    h('span', { class: 'dot', 'aria-hidden': 'true' }),
    h('strong', { class: 'badge-state' }, status.online ? t('Online') : t('Offline')),
    signedIn ? h('span', { class: 'badge-detail', 'data-testid': 'badge-detail' }, badgeDetail(status)) : null,
    signedIn && status.problems ? h('span', { class: 'badge-problems', 'data-testid': 'badge-problems',
      title: t('Needs a person') }, `⚠ ${status.problems}`) : null,
  ];
  if (signedIn) {
    mount(badge, h('button', { type: 'button', class: 'badge-button', 'aria-haspopup': 'dialog',
      title: t('Sync details'), onclick: onOpen }, content));
  } else {
    mount(badge, content);
  }
  drawProgress(bar, signedIn ? status.progress : null);
}
