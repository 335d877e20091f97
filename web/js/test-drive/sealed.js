// A finished drive, read-only: a refusal with its reasons (as it syncs and is reported), or a sealed log with the
// state of its documents as pulled (signed, waiting to sync → PDF being made → ready / failed); once ready and
// online, the sealed PDF of agreement and log can be downloaded.

import { h, mount } from '../core/dom.js';
import { formatTime } from '../core/format.js';
import { t } from '../core/i18n.js';
import { deliveryState } from '../handover/summary.js';
import { getStatus } from '../core/status.js';
import { logSummary } from './feedback.js';
import { conflictNotice, driveHead } from './parts.js';
import { reasonLabel } from './rules.js';
import { fetchSealedPdf, loadDrive } from './store.js';

async function download(session, document, button, message) {
  button.disabled = true;
  message.hidden = true;
  try {
    const answer = await fetchSealedPdf(session, document.pdf_sha256);
    if (!answer.ok) {
      throw new Error(String(answer.status));
    }
    const url = URL.createObjectURL(answer.blob);
    h('a', { href: url, download: `test-drive-${document.record_id}.pdf` }).click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch {
    message.textContent = t('The PDF could not be downloaded. Try again when the tablet is online.');
    message.hidden = false;
  } finally {
    button.disabled = false;
  }
}

function docRow(label, seal, testid) {
  const [state, text] = deliveryState(seal);
  return h('div', { class: 'row' }, h('dt', {}, label),
    h('dd', {}, h('span', { class: `doc-state doc-${state}`, 'data-testid': testid, 'data-state': state }, text)));
}

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
    const message = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const ready = document && document.state === 'ready' && document.pdf_sha256;
    const pdf = h('button', { type: 'button', class: 'button primary', 'data-testid': 'download-pdf',
      disabled: !ready || !getStatus().online }, t('Open the sealed PDF'));
    pdf.addEventListener('click', () => download(session, document, pdf, message));
    const agreementDoc = ctx.agreement.document;
    const agreementPdf = h('button', { type: 'button', class: 'button secondary', 'data-testid': 'download-agreement',
      disabled: !(agreementDoc && agreementDoc.state === 'ready' && agreementDoc.pdf_sha256) || !getStatus().online },
    t('Open the signed agreement'));
    agreementPdf.addEventListener('click', () => download(session, agreementDoc, agreementPdf, message));
    const log = sealed.snapshot || ctx.log || {};
    const feedback = log.feedback || {};
    mount(view, h('div', { class: 'screen handover test-drive sealed' },
      driveHead(ctx, null, { nav: false }),
      conflictNotice(ctx),
      h('section', { class: 'card seal-card', 'data-testid': 'sealed' },
        h('h2', {}, t('Drive signed and sealed')),
        h('p', { class: 'muted' }, t('This record can no longer be changed. Corrections are made in a new record.')),
        h('dl', { class: 'rows' },
          h('div', { class: 'row' }, h('dt', {}, t('Content hash')),
            h('dd', { class: 'hash', 'data-testid': 'content-hash' }, sealed.contentHash)),
          sealed.signedAt ? h('div', { class: 'row' }, h('dt', {}, t('Signed at')), h('dd', {}, formatTime(sealed.signedAt)))
            : null,
          docRow(t('Agreement'), ctx.agreement, 'agreement-state'),
          docRow(t('Drive log'), ctx.logSeal, 'document-state'),
          h('div', { class: 'row' }, h('dt', {}, t('Licence')), h('dd', { 'data-testid': 'licence-masked-shown' },
            ctx.drive.licence_masked)),
          feedback.overall ? h('div', { class: 'row' }, h('dt', {}, t('Overall satisfaction')),
            h('dd', { 'data-testid': 'overall' }, `${feedback.overall} / 5`)) : null),
        document && document.state === 'failed' && document.error ? h('p', { class: 'muted small' }, document.error) : null,
        h('div', { class: 'actions' }, pdf, agreementPdf),
        message),
      logSummary(ctx, log)));
  };
  await draw(first);
  return () => draw();
}
