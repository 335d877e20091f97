// Thumbnails of photos kept on this tablet (defects, accessories, damage, a licence, signatures): every feature
// shows its photos the same way, from the blobs store, before and after they are uploaded.

import { h } from './dom.js';
import { t } from './i18n.js';
import { blobUrl } from './record-store.js';

/** Thumbnails of photos kept on this tablet (object URLs, revoked when the image has loaded). */
export function photoStrip(session, shas, { testid = 'photo-thumb' } = {}) {
  const strip = h('div', { class: 'thumbs' });
  for (const sha of shas || []) {
    const img = h('img', { class: 'thumb', alt: t('Photo'), 'data-testid': testid, 'data-sha': sha });
    strip.append(img);
    blobUrl(session, sha).then((url) => {
      if (url) {
        img.addEventListener('load', () => URL.revokeObjectURL(url), { once: true });
        img.src = url;
      } else {
        img.classList.add('thumb-missing'); // on the server only (another tablet took it)
      }
    });
  }
  return strip;
}
