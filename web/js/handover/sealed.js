// A sealed delivery: read-only. It shows what was signed, the content hash, the signatures, and the document's
// state as pulled (pending → ready / failed); once ready and online, the sealed PDF can be downloaded.

import { h, mount } from '../core/dom.js';
import { t } from '../core/i18n.js';
import { photoStrip } from '../core/photo-strip.js';
import { documentRow, sealCard } from '../core/sealed.js';
import { loadHandover } from './store.js';
import { handoverHead, snapshotView } from './summary.js';

function signatures(session, sealed) {
  return (sealed.signatures || []).length ? h('div', { class: 'signatures' }, sealed.signatures.map((s) => h('figure', {},
    photoStrip(session, [s.blob], { testid: 'signature-image' }),
    h('figcaption', {}, s.role === 'customer' ? t('Customer') : t('Consultant'), ' · ', s.name)))) : null;
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
    mount(view, h('div', { class: 'screen handover sealed' },
      handoverHead(ctx, null, { nav: false }),
      sealCard(session, { title: t('Signed and sealed'), sealed, document,
        rows: [documentRow(t('Document'), ctx, 'document-state')],
        extra: signatures(session, sealed),
        pdfs: [{ doc: document, label: t('Open the sealed PDF'), file: 'delivery' }] }),
      snapshotView(session, snapshot, ctx.template, ctx.powertrain)));
  };
  await draw(first);
  return () => draw();
}
