// Pieces shared by the test-drive screens: the head (driver, car, route, steps), a labelled field with its own
// error line, the conflict notice of a drive, and its signature cards (strokes kept in the draft).

import { h, mount } from '../core/dom.js';
import { fieldLabel } from '../core/field-labels.js';
import { t } from '../core/i18n.js';
import { signatureCard } from '../core/signature-card.js';
import { stepAllowed } from './model.js';
import { kindLabel } from './rules.js';
import { saveDraft } from './store.js';

/** The steps of a drive, in order: [key, label]. */
export function steps() {
  return [['eligibility', t('Eligibility')], ['agreement', t('Agreement')], ['start', t('Start')],
    ['return', t('Return')], ['feedback', t('Feedback and sign')]];
}

/** The head of every drive screen: who drives which car on which route, and the steps (links up to `reached`). */
export function driveHead(ctx, active, { nav = true } = {}) {
  const { drive, route, car } = ctx;
  const list = steps();
  return h('section', { class: 'card handover-head' },
    h('div', { class: 'handover-title' },
      h('a', { class: 'back', href: '#/test-drive' }, '‹ ', t('Test drives')),
      h('h1', { 'data-testid': 'drive-driver' }, t('Test drive: %(name)s', { name: drive.driver_name || drive.customer_name }))),
    h('p', { class: 'handover-vehicle' }, car ? h('strong', { 'data-testid': 'drive-car' }, car.description) : null,
      car && car.plate ? h('span', { class: 'vin' }, car.plate) : null, h('span', {}, kindLabel(drive.kind)),
      route ? h('span', { class: 'muted' }, `${route.name} · ${route.distance_km} km`) : null),
    nav ? h('nav', { class: 'steps', 'aria-label': t('Steps') }, list.map(([key, label], n) => {
      const props = { class: `step${key === active ? ' active' : ''}`, 'aria-current': key === active ? 'step' : null };
      return stepAllowed(key, ctx.reached || active)
        ? h('a', { ...props, href: `#/test-drive/${drive.id}/${key}` }, h('span', { class: 'step-no' }, String(n + 1)), label)
        : h('span', { ...props, class: `${props.class} step-later` }, h('span', { class: 'step-no' }, String(n + 1)), label);
    })) : null);
}

/** A labelled field: {wrap, input, setError(text|null)}; the error line has data-testid `error-<name>`. */
export function field(name, label, input, { hint = null } = {}) {
  input.id = input.id || `field-${name}`;
  const error = h('p', { class: 'field-error', role: 'alert', 'data-testid': `error-${name}`, hidden: true });
  const wrap = h('div', { class: 'field', 'data-field': name },
    h('label', { for: input.id }, label), input, hint ? h('p', { class: 'muted small' }, hint) : null, error);
  return {
    wrap,
    input,
    setError(text) {
      error.textContent = text || '';
      error.hidden = !text;
      wrap.classList.toggle('has-error', Boolean(text));
      input.setAttribute('aria-invalid', text ? 'true' : 'false');
    },
  };
}

/** Show `errors` ({name: text}) on `fields` ({name: field()}); returns whether there were any. */
export function showErrors(fields, errors) {
  for (const [name, f] of Object.entries(fields)) {
    f.setError(errors[name] || null);
  }
  const first = Object.keys(errors).find((name) => fields[name]);
  if (first) {
    fields[first].wrap.scrollIntoView({ block: 'center' });
  }
  return Object.keys(errors).length > 0;
}

function conflictLine(conflict, driveId) {
  const first = (conflict.overwritten_by && conflict.overwritten_by.user) || t('another escort');
  const second = (conflict.applied_by && conflict.applied_by.user) || t('another escort');
  if (conflict.field === 'current_drive_id') {
    return conflict.applied_value === driveId
      ? t('%(first)s had already taken this car out when this drive started (recorded by %(second)s). Both drives are kept.',
        { first, second })
      : t('%(second)s started another drive with this car while %(first)s had it out on this drive. Both drives are kept.',
        { first, second });
  }
  if (conflict.field === 'status') {
    return t('The car was not available (%(status)s) when this drive started.', { status: String(conflict.overwritten_value) });
  }
  return t('%(field)s: %(mine)s was replaced by %(theirs)s (%(who)s).', { field: conflict.field,
    mine: JSON.stringify(conflict.overwritten_value), theirs: JSON.stringify(conflict.applied_value), who: second });
}

/** The open conflicts of a drive: its car taken by two drives (or not available) while a tablet was offline. */
export function conflictNotice(ctx) {
  const slot = h('div', { class: 'conflict-slot' });
  drawConflicts(slot, ctx);
  return slot;
}

/** A rejected change of this drive: the server's reason, then each field's message under the field's own label. */
function rejectionLines(rejection) {
  const error = rejection.error || {};
  const entity = rejection.args && rejection.args.entity;
  const fields = Object.entries(error.errors || {});
  return [
    h('p', {}, error.message || error.code || t('The server refused this change.')),
    fields.length ? h('ul', { class: 'problem-fields' }, fields.map(([field, messages]) => h('li', {},
      h('strong', {}, fieldLabel(entity, field)), t(': '), [].concat(messages).join(' ')))) : null,
  ];
}

/** Redraw the conflicts of `ctx` into a slot made by conflictNotice (after a sync, without touching the form). */
export function drawConflicts(slot, ctx) {
  const conflicts = ctx.conflicts || [];
  const rejections = ctx.rejections || [];
  mount(slot,
    conflicts.length ? h('section', { class: 'card alert', role: 'alert', 'data-testid': 'drive-conflict' },
      h('h2', {}, t('Conflict: the same car on two drives')),
      conflicts.map((c) => h('p', { 'data-testid': 'drive-conflict-line' }, conflictLine(c, ctx.drive.id))),
      h('p', { class: 'muted small' }, t('Nothing has been lost. The back office settles the conflict.'))) : null,
    rejections.length ? h('section', { class: 'card alert', role: 'alert', 'data-testid': 'drive-rejection' },
      h('h2', {}, t('The server did not accept a change of this drive')),
      rejections.map((r) => rejectionLines(r)),
      h('p', { class: 'muted small' }, t('It is kept on this tablet; see the sync panel.'))) : null);
}

/** The signature card of `role` on this drive: core's signatureCard, its strokes kept in the draft under
 *  signatures[key][role] (key: 'agreement' or 'log'), so they survive a reload. */
export function signerCard(session, ctx, { role, title, defaultName, key, pads, onAct }) {
  const keep = (changes) => saveDraft(session, ctx.drive.id, (draft) => {
    const all = draft.signatures || {};
    const mine = all[key] || {};
    return { signatures: { ...all, [key]: { ...mine, [role]: { ...(mine[role] || {}), ...changes } } } };
  });
  return signatureCard({ id: `signer-${key}-${role}`, role, title, defaultName, pads, onAct, keep,
    saved: ((ctx.draft.signatures || {})[key] || {})[role] || {} });
}

/** Replace the children of `el` (re-exported so step modules import one place). */
export { mount };
