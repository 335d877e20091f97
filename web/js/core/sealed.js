// A sealed record on the tablet, shown the same way for a delivery and a test drive: its state for people
// (signed, waiting to sync → PDF being made → ready / failed), the read-only card with its content hash and
// documents, and its sealed PDF, fetched from the server (online only) and saved as a file.

import { getBytes } from './api.js';
import { h, saveFile } from './dom.js';
import { formatTime } from './format.js';
import { t } from './i18n.js';
import { getStatus } from './status.js';

/** The sealed PDF as a Blob (online only); resolves to {ok, status, blob}. */
export async function fetchSealedPdf(session, pdfSha256) {
  return getBytes(`/api/sync/v1/blobs/${pdfSha256}`, { token: session.token });
}

/** The state of a record for people, as [code, label]: draft, waiting to sync, PDF pending / ready / failed. */
export function sealState({ sealed, document }) {
  if (!sealed) {
    return ['draft', t('In progress')];
  }
  if (!document) {
    return ['signed', t('Signed, waiting to sync')];
  }
  return { pending: ['pending', t('Signed, PDF being made')], ready: ['ready', t('Signed, PDF ready')],
    failed: ['failed', t('Signed, PDF failed')] }[document.state] || ['signed', t('Signed')];
}

/** A row of a sealed card: the state of one seal ({sealed, document}) under `label`, as a chip with `testid`. */
export function documentRow(label, seal, testid) {
  const [state, text] = sealState(seal);
  return h('div', { class: 'row' }, h('dt', {}, label),
    h('dd', {}, h('span', { class: `doc-state doc-${state}`, 'data-testid': testid, 'data-state': state }, text)));
}

async function download(session, doc, name, button, message) {
  button.disabled = true;
  message.hidden = true;
  try {
    const answer = await fetchSealedPdf(session, doc.pdf_sha256);
    if (!answer.ok) {
      throw new Error(String(answer.status));
    }
    saveFile(answer.blob, name);
  } catch {
    message.textContent = t('The PDF could not be downloaded. Try again when the tablet is online.');
    message.hidden = false;
  } finally {
    button.disabled = false;
  }
}

/** A button that saves the PDF of document `doc` as "<file>-<record id>.pdf", enabled once the PDF is ready and
 *  the tablet is online; a failed download is told in `message`. */
export function pdfButton(session, { doc, label, file, testid = 'download-pdf', kind = 'primary' }, message) {
  const ready = doc && doc.state === 'ready' && doc.pdf_sha256;
  const button = h('button', { type: 'button', class: `button ${kind}`, 'data-testid': testid,
    disabled: !ready || !getStatus().online }, label);
  button.addEventListener('click', () => download(session, doc, `${file}-${doc.record_id}.pdf`, button, message));
  return button;
}

/**
 * The read-only card of a sealed record: `title`, its content hash and signing time, more `rows` (documentRow()
 * and facts), why its PDF failed (`document`), `extra` content (e.g. the signatures), and one download button per
 * entry of `pdfs` ({doc, label, file, testid, kind}).
 */
export function sealCard(session, { title, sealed, document, rows = [], extra = null, pdfs = [] }) {
  const message = h('p', { class: 'form-error', role: 'alert', hidden: true });
  return h('section', { class: 'card seal-card', 'data-testid': 'sealed' },
    h('h2', {}, title),
    h('p', { class: 'muted' }, t('This record can no longer be changed. Corrections are made in a new record.')),
    h('dl', { class: 'rows' },
      h('div', { class: 'row' }, h('dt', {}, t('Content hash')),
        h('dd', { class: 'hash', 'data-testid': 'content-hash' }, sealed.contentHash)),
      sealed.signedAt ? h('div', { class: 'row' }, h('dt', {}, t('Signed at')), h('dd', {}, formatTime(sealed.signedAt)))
        : null,
      rows),
    document && document.state === 'failed' && document.error ? h('p', { class: 'muted small' }, document.error) : null,
    extra,
    h('div', { class: 'actions' }, pdfs.map((pdf) => pdfButton(session, pdf, message))),
    message);
}
