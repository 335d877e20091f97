// The agreement step: the store's agreement template (试乘试驾协议书) in the language shown, with its version; the
// customer accepts it, customer and escort sign on the glass, and "Sign the agreement" seals the test_drive
// record through the sync `sign` mutator — offline too. The drive cannot start before both have signed.
// A customer who will not sign is a refusal (`not_signed`).

import { deviceTime } from '../core/db.js';
import { h, mount } from '../core/dom.js';
import { localized, t } from '../core/i18n.js';
import { collectSignatures } from '../core/signature-card.js';
import { conflictNotice, driveHead, signerCard } from './parts.js';
import { saveDrive, signAgreement } from './store.js';

/** The template's clauses as readable sections (title and text in the language shown). The box scrolls, so it
 * takes the focus: a keyboard can scroll it too (named by the title `labelledBy` names). */
export function agreementText(template, labelledBy) {
  return h('div', { class: 'agreement-text', 'data-testid': 'agreement-text', tabindex: 0, role: 'region',
    'aria-labelledby': labelledBy },
    (template.clauses || []).map((clause) => h('section', { class: 'clause', 'data-code': clause.code },
      h('h3', {}, localized(clause.title)),
      h('p', {}, localized(clause.text)))));
}

/** Draw the agreement step of `ctx`. */
export function renderAgreement(view, { session, ctx }) {
  const { drive } = ctx;
  const id = drive.id;
  const template = ctx.fleet.template;
  if (!template) {
    mount(view, h('section', { class: 'card notice' },
      h('h2', {}, t('The agreement text is not on this tablet yet. Sync while online.')),
      h('a', { class: 'button primary', href: '#/test-drive' }, t('Test drives'))));
    return null;
  }
  const error = h('p', { class: 'form-error', role: 'alert', 'data-testid': 'agreement-error', hidden: true });
  const acted = () => { error.hidden = true; };
  const accepted = h('input', { type: 'checkbox', id: 'agreement-accepted', 'data-testid': 'agreement-accepted',
    checked: Boolean(drive.agreement_accepted && drive.agreement_template_id === template.id) });
  accepted.addEventListener('change', async () => {
    acted();
    await saveDrive(session, id, { agreement_accepted: accepted.checked, agreement_template_id: template.id,
      agreement_version: template.template_version, outcome: accepted.checked ? 'agreed' : 'pending' });
  });

  const factories = [];
  let pads = [];
  const sign = h('button', { type: 'button', class: 'button primary wide seal-button', 'data-testid': 'sign-agreement' },
    t('Sign the agreement'));
  sign.addEventListener('click', async () => {
    if (!accepted.checked) {
      error.textContent = t('The customer must read and accept the agreement.');
      error.hidden = false;
      error.scrollIntoView({ block: 'center' });
      return;
    }
    const signatures = await collectSignatures(pads, error, {
      customer: t('The customer has not signed.'), escort: t('The escort has not signed.'),
    });
    if (!signatures) {
      return;
    }
    sign.disabled = true;
    try {
      await saveDrive(session, id, { agreement_accepted: true, agreement_template_id: template.id,
        agreement_version: template.template_version, outcome: 'agreed' });
      await signAgreement(session, id, signatures);
      pads.forEach((p) => p.pad.destroy());
      location.hash = `#/test-drive/${id}/start`;
    } finally {
      sign.disabled = false;
    }
  });

  const refuse = h('button', { type: 'button', class: 'button danger', 'data-testid': 'refuses-to-sign' },
    t('The customer will not sign'));
  refuse.addEventListener('click', async () => {
    refuse.disabled = true;
    await saveDrive(session, id, { outcome: 'refused', refusal_reasons: ['not_signed'], agreement_accepted: false,
      checked_at: drive.checked_at || deviceTime() });
    location.hash = `#/test-drive/${id}`;
  });

  mount(view, h('div', { class: 'screen handover test-drive' },
    driveHead(ctx, 'agreement'),
    conflictNotice(ctx),
    h('section', { class: 'card consent' },
      h('h2', { id: 'agreement-title', 'data-testid': 'agreement-title' }, localized(template.title)),
      h('p', { class: 'muted small', 'data-testid': 'agreement-version' },
        t('Version %(version)s', { version: template.template_version })),
      agreementText(template, 'agreement-title'),
      h('label', { class: 'check-option consent-accept', for: 'agreement-accepted' }, accepted,
        h('span', {}, t('The customer has read and accepts this agreement')))),
    signerCard(session, ctx, { role: 'customer', title: t('Customer signature'), key: 'agreement',
      defaultName: drive.driver_name || drive.customer_name, pads: factories, onAct: acted }),
    signerCard(session, ctx, { role: 'escort', title: t('Escort signature'), key: 'agreement',
      defaultName: session.user.display_name || session.user.username, pads: factories, onAct: acted }),
    error,
    h('div', { class: 'actions spread' }, refuse, sign)));
  pads = factories.map((make) => make());
  return null;
}
