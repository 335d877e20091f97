// A sealed delivery: read-only. It shows what was signed, the content hash, the signatures, and the document's
// state as pulled (pending → ready / failed); once ready and online, the sealed PDF can be downloaded.

import { h, mount } from '../core/dom.js';
import { formatTime } from '../core/format.js';
import { t } from '../core/i18n.js';
import { fetchSealedPdf, loadHandover } from './store.js';
import { deliveryState, handoverHead, snapshotView } from './summary.js';
import { getStatus } from '../core/status.js';
import { photoStrip } from '../core/photo-strip.js';

async function download(session, document, button, message) {
  button.disabled = true;
  message.hidden = true;
  try {
    const answer = await fetchSealedPdf(session, document.pdf_sha256);
    if (!answer.ok) {
      throw new Error(String(answer.status));
    }
    const url = URL.createObjectURL(answer.blob);
    const link = h('a', { href: url, download: `delivery-${document.record_id}.pdf` });
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  } catch {
    message.textContent = t('The PDF could not be downloaded. Try again when the tablet is online.');
    message.hidden = false;
  } finally {
    button.disabled = false;
  }
}

/** Draw sealed delivery `id` (ctx from loadHandover); returns a redraw function for after a sync. */
export async function renderSealed(view, { session, id, ctx: first }) {
  const draw = async (given) => {
    const ctx = given || await loadHandover(session, id);
    if (!ctx) {
      return;
    }
    const { sealed, document } = ctx;
    const snapshot = sealed.snapshot || ctx.delivery;
    const [state, label] = deliveryState(ctx);
    const message = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const ready = document && document.state === 'ready' && document.pdf_sha256;
    const pdf = h('button', { type: 'button', class: 'button primary', 'data-testid': 'download-pdf',
      disabled: !ready || !getStatus().online }, t('Open the sealed PDF'));
    pdf.addEventListener('click', () => download(session, document, pdf, message));
    mount(view, h('div', { class: 'screen handover sealed' },
      handoverHead(ctx, null, { nav: false }),
      h('section', { class: 'card seal-card', 'data-testid': 'sealed' },
        h('h2', {}, t('Signed and sealed')),
        h('p', { class: 'muted' }, t('This record can no longer be changed. Corrections are made in a new record.')),
        h('dl', { class: 'rows' },
          h('div', { class: 'row' }, h('dt', {}, t('Content hash')),
            h('dd', { class: 'hash', 'data-testid': 'content-hash' }, sealed.contentHash)),
          sealed.signedAt ? h('div', { class: 'row' }, h('dt', {}, t('Signed at')), h('dd', {}, formatTime(sealed.signedAt)))
            : null,
          h('div', { class: 'row' }, h('dt', {}, t('Document')),
            h('dd', {}, h('span', { class: `doc-state doc-${state}`, 'data-testid': 'document-state',
              'data-state': state }, label)))),
        document && document.state === 'failed' && document.error ? h('p', { class: 'muted small' }, document.error) : null,
        (sealed.signatures || []).length ? h('div', { class: 'signatures' }, sealed.signatures.map((s) => h('figure', {},
          photoStrip(session, [s.blob], { testid: 'signature-image' }),
          h('figcaption', {}, s.role === 'customer' ? t('Customer') : t('Consultant'), ' · ', s.name)))) : null,
        h('div', { class: 'actions' }, pdf),
        message),
      snapshotView(session, snapshot, ctx.template, ctx.powertrain)));
  };
  await draw(first);
  return () => draw();
}
