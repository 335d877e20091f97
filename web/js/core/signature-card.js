// The signature card of every signed record (a delivery, a test-drive agreement, a drive log): the signer's name
// and a pad on the glass whose strokes the caller keeps in its draft after every stroke, so a reload or a
// rotation keeps the signature; and the checks that turn the pads into signatures when the person seals.

import { h } from './dom.js';
import { t } from './i18n.js';
import { signaturePad } from './signature.js';

/**
 * A signature card for `role` titled `title`: the signer's name (an input with id `id`, `saved.name` or else
 * `defaultName`) and a pad showing the strokes `saved.data`. `keep(changes)` stores {name} or {data} after each
 * change; `onAct()` runs after every stroke. The pad needs the canvas in the document to know its size, so the
 * card pushes a factory onto `pads`: call it after mount, it returns {role, pad, name}.
 */
export function signatureCard({ id, role, title, defaultName, saved = {}, keep, pads, onAct }) {
  const name = h('input', { type: 'text', id, maxlength: 80, value: saved.name ?? defaultName,
    'data-testid': `signer-${role}` });
  const canvas = h('canvas', { class: 'signature-canvas', 'data-testid': `pad-${role}`,
    'aria-label': t('Signature of %(name)s', { name: name.value }) });
  name.addEventListener('change', () => keep({ name: name.value.trim() }));
  const clear = h('button', { type: 'button', class: 'button secondary small-button' }, t('Clear'));
  pads.push(() => {
    const pad = signaturePad(canvas, { data: saved.data, onChange: (data) => {
      onAct();
      keep({ data });
    } });
    clear.addEventListener('click', () => pad.clear());
    return { role, pad, name };
  });
  return h('section', { class: 'card signature-card' },
    h('div', { class: 'group-head' }, h('h2', {}, title), clear),
    h('div', { class: 'field' }, h('label', { for: name.id }, t('Name')), name),
    h('div', { class: 'signature-frame' }, canvas,
      h('span', { class: 'signature-hint', 'aria-hidden': 'true' }, t('Sign here'))));
}

/** Why the pads cannot be sealed yet: `labels[role]` of each pad of a role in `labels` that is blank or has no
 *  name (a pad whose role is not in `labels` is optional). */
export function unsignedReasons(pads, labels) {
  return pads.filter((p) => p.role in labels && (p.pad.isEmpty() || !p.name.value.trim())).map((p) => labels[p.role]);
}

/** The signature of every pad drawn on and named: [{role, name, blob}] with the drawing as a PNG Blob. */
export async function padSignatures(pads) {
  const signatures = [];
  for (const p of pads.filter((pad) => !pad.pad.isEmpty() && pad.name.value.trim())) {
    signatures.push({ role: p.role, name: p.name.value.trim(), blob: await p.pad.toPng() });
  }
  return signatures;
}

/** Check the pads and return [signatures], or null after showing why in `error` (see unsignedReasons). */
export async function collectSignatures(pads, error, labels) {
  const reasons = unsignedReasons(pads, labels);
  if (reasons.length) {
    error.textContent = reasons.join(' ');
    error.hidden = false;
    error.scrollIntoView({ block: 'center' });
    return null;
  }
  return padSignatures(pads);
}
