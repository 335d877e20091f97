// A finished drive, read-only: a refusal with its reasons (as it syncs and is reported), or a sealed log with the
// state of its documents as pulled (signed, waiting to sync → PDF being made → ready / failed); once ready and
// online, the sealed PDF of agreement and log can be downloaded.

import { h, mount } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { documentRow, sealCard } from '../core/sealed.js';
import { logSummary } from './feedback.js';
import { conflictNotice, driveHead } from './parts.js';
import { reasonLabel } from './rules.js';
import { loadDrive } from './store.js';

function refusedCard(drive) {
  return h('section', { class: 'card alert', 'data-testid': 'refused' },
    h('h2', {}, t('Test drive refused')),
    h('p', { class: 'muted' }, t('Recorded with its reasons; the office sees it in the refusal report.')),
    h('ul', { class: 'problem-fields' }, (drive.refusal_reasons || []).map((code) => h('li', { 'data-reason': code },
      reasonLabel(code)))),
    drive.refusal_note ? h('p', {}, drive.refusal_note) : null,
    h('p', { class: 'muted small' }, drive.pending ? t('Waiting to sync') : t('Synced')),
    h('dl', { class: 'rows' },
      h('div', { class: 'row' }, h('dt', {}, t('Licence')), h('dd', { 'data-testid': 'licence-masked-shown' },
        drive.licence_masked || t('(none)')))));
}

/** Draw a finished drive (ctx from loadDrive); returns a redraw function for after a sync. */
export async function renderFinished(view, { session, id, ctx: first }) {
  const draw = async (given) => {
    const ctx = given || await loadDrive(session, id);
    if (!ctx) {
      return;
    }
    if (ctx.drive.outcome === 'refused' && !ctx.agreement.sealed) {
      mount(view, h('div', { class: 'screen handover test-drive' }, driveHead(ctx, null, { nav: false }),
        conflictNotice(ctx), refusedCard(ctx.drive)));
      return;
    }
    const { sealed, document } = ctx.logSeal;
    const log = sealed.snapshot || ctx.log || {};
    const feedback = log.feedback || {};
    mount(view, h('div', { class: 'screen handover test-drive sealed' },
      driveHead(ctx, null, { nav: false }),
      conflictNotice(ctx),
      sealCard(session, { title: t('Drive signed and sealed'), sealed, document,
        rows: [
          documentRow(t('Agreement'), ctx.agreement, 'agreement-state'),
          documentRow(t('Drive log'), ctx.logSeal, 'document-state'),
          h('div', { class: 'row' }, h('dt', {}, t('Licence')), h('dd', { 'data-testid': 'licence-masked-shown' },
            ctx.drive.licence_masked)),
          feedback.overall ? h('div', { class: 'row' }, h('dt', {}, t('Overall satisfaction')),
            h('dd', { 'data-testid': 'overall' }, `${feedback.overall} / 5`)) : null,
        ],
        pdfs: [
          { doc: document, label: t('Open the sealed PDF'), file: 'test-drive' },
          { doc: ctx.agreement.document, label: t('Open the signed agreement'), file: 'test-drive',
            testid: 'download-agreement', kind: 'secondary' },
        ] }),
      logSummary(ctx, log)));
  };
  await draw(first);
  return () => draw();
}
