// The review: exactly what will be signed (the snapshot, rendered readably), the template's confirmation text in
// the person's language with its version, the customer's acceptance, both signatures, then "Sign and seal".
// Strokes are kept in the draft after every stroke, so a reload or a rotation keeps the signatures.
// Contradictions between the checklist and the we-owe list come first, each with the ways to resolve it; the seal
// is refused until none is left (the server refuses it too).

import { h, mount } from '../core/dom.js';
import { localToday } from '../core/format.js';
import { localized, t } from '../core/i18n.js';
import { padSignatures, signatureCard, unsignedReasons } from '../core/signature-card.js';
import { itemName } from './details.js';
import { applicableGroups, buildSnapshot, contradictions, missingBeforeSigning, typedProblems } from './rules.js';
import { loadHandover, saveDelivery, saveDraft, sealDelivery } from './store.js';
import { handoverHead, snapshotView } from './summary.js';

/** The signature card of `role` on this delivery: core's signatureCard, its strokes kept in the draft under
 *  signatures[role], so they survive a reload. */
function signerCard(session, ctx, role, title, defaultName, pads, onAct) {
  const keep = (changes) => saveDraft(session, ctx.delivery.id, (draft) => ({
    signatures: { ...(draft.signatures || {}), [role]: { ...((draft.signatures || {})[role] || {}), ...changes } },
  }));
  return signatureCard({ id: `signer-${role}`, role, title, defaultName, pads, onAct, keep,
    saved: (ctx.draft.signatures || {})[role] || {} });
}

/** The contradictions between the checklist and the we-owe list, each with its three ways out: the item is still
 *  owed (clear its mark), it was handed over (take the entry off the list), or the entry is about something else
 *  (it names no item). Each saves at once and draws the review again; null when there is none. */
function contradictionsCard(session, ctx, groups, redraw) {
  const { delivery } = ctx;
  const found = contradictions(delivery.items, delivery.we_owe);
  if (!found.length) {
    return null;
  }
  const resolve = (values) => async () => {
    await saveDelivery(session, delivery.id, values);
    await redraw();
  };
  const withoutEntry = (n) => delivery.we_owe.filter((_w, m) => m !== n);
  const unlinked = (n) => delivery.we_owe.map((w, m) => {
    if (m !== n) {
      return w;
    }
    const { item_code: _dropped, ...rest } = w;
    return rest;
  });
  const withoutMark = (code) => Object.fromEntries(Object.entries(delivery.items).filter(([c]) => c !== code));
  return h('section', { class: 'card contradictions', 'data-testid': 'contradictions', role: 'group',
    'aria-labelledby': 'contradictions-title' },
  h('h2', { id: 'contradictions-title' }, t('The checklist and the we-owe list disagree')),
  found.map(({ item, result, we_owe: n }) => {
    const mark = result === 'ok' ? '✓' : 'N.A.';
    const entry = delivery.we_owe[n];
    return h('div', { class: 'contradiction', 'data-testid': 'contradiction', 'data-item': item },
      h('p', {}, h('strong', {}, itemName(groups, item)), ' ',
        t('is marked %(mark)s on the checklist, and the we-owe list says “%(text)s”.', { mark, text: entry.text })),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'button primary', 'data-testid': 'keep-owed',
          onclick: resolve({ items: withoutMark(item) }) }, t('Still owed: clear the %(mark)s', { mark })),
        h('button', { type: 'button', class: 'button secondary', 'data-testid': 'handed-over',
          onclick: resolve({ we_owe: withoutEntry(n) }) }, t('Handed over: take it off the we-owe list')),
        h('button', { type: 'button', class: 'button secondary', 'data-testid': 'unlink',
          onclick: resolve({ we_owe: unlinked(n) }) }, t('The entry is about something else'))));
  }));
}

/** Draw the review step of `ctx`. */
export function renderReview(view, { session, ctx }) {
  const id = ctx.delivery.id;
  const delivery = ctx.delivery;
  const consent = ctx.template.consent || {};
  const groups = applicableGroups(ctx.template, ctx.powertrain);
  const snapshot = buildSnapshot(delivery);
  const problems = h('ul', { class: 'problem-fields', 'data-testid': 'review-problems' });
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'seal-error', hidden: true });
  const accepted = h('input', { type: 'checkbox', id: 'consent', 'data-testid': 'consent',
    checked: Boolean(delivery.consent_accepted && delivery.consent_version === consent.version) });
  const state = { ...delivery };

  const drawProblems = () => {
    const missing = {
      ...missingBeforeSigning(state, groups, ctx.draft.pendingDefects, consent, localToday()),
      ...typedProblems(ctx.draft),
    };
    mount(problems, Object.values(missing).map((text) => h('li', { class: 'field-error' }, text)));
    problems.hidden = !Object.keys(missing).length;
    return missing;
  };
  // A reason shown after a refused "Sign and seal" goes away once the person acts on it (never on a mere tap:
  // collapsing it under a finger would shift the page between pointerdown and click).
  const acted = () => { error.hidden = true; };
  accepted.addEventListener('change', async () => {
    acted();
    state.consent_accepted = accepted.checked;
    state.consent_version = consent.version;
    drawProblems();
    await saveDelivery(session, id, { consent_version: consent.version, consent_accepted: accepted.checked });
  });

  const factories = [];
  const seal = h('button', { type: 'button', class: 'button primary wide seal-button', 'data-testid': 'seal' },
    t('Sign and seal'));
  let pads = [];
  seal.addEventListener('click', async () => {
    const missing = drawProblems();
    const reasons = [...Object.values(missing), ...unsignedReasons(pads, {
      customer: t('The customer has not signed.'), consultant: t('The consultant has not signed.') })];
    error.textContent = reasons.join(' ');
    error.hidden = !reasons.length;
    if (reasons.length) {
      error.scrollIntoView({ block: 'center' });
      return;
    }
    seal.disabled = true;
    try {
      await sealDelivery(session, id, await padSignatures(pads));
      pads.forEach((p) => p.pad.destroy());
      location.hash = `#/handover/${id}`;
    } finally {
      seal.disabled = false;
    }
  });

  mount(view, h('div', { class: 'screen handover' },
    handoverHead(ctx, 'review'),
    h('p', { class: 'review-intro' }, t('This is exactly what the customer and you sign. Check it together.')),
    contradictionsCard(session, ctx, groups, async () => {
      const fresh = await loadHandover(session, id);
      if (fresh) {
        pads.forEach((p) => p.pad.destroy());
        renderReview(view, { session, ctx: fresh });
      }
    }),
    snapshotView(session, snapshot, ctx.template, ctx.powertrain),
    h('section', { class: 'card consent' },
      h('h2', {}, localized(ctx.template.title)),
      h('p', { class: 'consent-text', 'data-testid': 'consent-text' }, localized(consent.text)),
      h('p', { class: 'muted small', 'data-testid': 'consent-version' }, t('Version %(version)s', { version: consent.version })),
      h('label', { class: 'check-option consent-accept', for: 'consent' }, accepted,
        h('span', {}, t('The customer has read and accepts this confirmation')))),
    signerCard(session, ctx, 'customer', t('Customer signature'), delivery.customer_name, factories, acted),
    signerCard(session, ctx, 'consultant', t('Consultant signature'),
      session.user.display_name || session.user.username, factories, acted),
    problems,
    error,
    seal));
  pads = factories.map((make) => make());
  drawProblems();
  return null;
}
