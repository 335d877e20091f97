// Pieces shared by the handover screens: the head (who, which car, which step) and the readable rendering of a
// snapshot — the review shows exactly this before signing, and the sealed screen shows it afterwards.

import { h } from '../core/dom.js';
import { localized, t } from '../core/i18n.js';
import { photoStrip } from '../core/photo-strip.js';
import { applicableGroups, documentLabel, owedCodes } from './rules.js';

const RESULT_MARKS = { ok: '✓', defect: '✗', na: 'N.A.' };

/** The result an item shows: its mark, else 'owed' when the we-owe list names it, else 'none'. */
function shownResult(items, owed, code) {
  return items[code]?.result || (owed.has(code) ? 'owed' : 'none');
}

/** The label of an item result. */
export function resultLabel(result) {
  return { ok: t('OK'), defect: t('Defect'), na: t('Not applicable') }[result] || t('Not checked');
}

/** The head of every handover screen: customer, vehicle, VIN and the steps (links when `nav`). */
export function handoverHead(ctx, active, { nav = true } = {}) {
  const { delivery } = ctx;
  const steps = [['check', t('Inspection'), `#/handover/${delivery.id}/check/A`],
    ['details', t('Items and documents'), `#/handover/${delivery.id}/details`],
    ['review', t('Review and sign'), `#/handover/${delivery.id}/review`]];
  return h('section', { class: 'card handover-head' },
    h('div', { class: 'handover-title' },
      h('a', { class: 'back', href: '#/handover' }, '‹ ', t('Handovers')),
      h('h1', { 'data-testid': 'handover-customer' }, t('Handover to %(name)s', { name: delivery.customer_name }))),
    h('p', { class: 'handover-vehicle' }, h('strong', {}, delivery.vehicle_description), ' ',
      h('span', { class: 'vin', 'data-testid': 'handover-vin' }, delivery.vin)),
    nav ? h('nav', { class: 'steps', 'aria-label': t('Steps') }, steps.map(([key, label, href], n) => h('a', {
      class: `step${key === active ? ' active' : ''}`, href, 'aria-current': key === active ? 'step' : null },
    h('span', { class: 'step-no' }, String(n + 1)), label))) : null);
}

function facts(rows) {
  return h('dl', { class: 'rows' }, rows.map(([label, value, testid]) => h('div', { class: 'row' },
    h('dt', {}, label), h('dd', testid ? { 'data-testid': testid } : {}, value))));
}

/** A snapshot rendered readably: every item result (an item the we-owe list names shows as owed), defects with
 *  photos, accessories, keys, km, what is still owed; and the old shape's documents list when it has one. */
export function snapshotView(session, snapshot, template, powertrain) {
  const groups = template ? applicableGroups(template, powertrain) : [];
  const items = snapshot.items || {};
  const owed = owedCodes(snapshot.we_owe);
  const label = (code) => {
    const item = groups.flatMap((g) => g.items).find((i) => i.code === code);
    return item ? `${code} ${localized(item.label)}` : code;
  };
  const defects = groups.flatMap((g) => g.items).filter((item) => items[item.code]?.result === 'defect');
  const yes = (on) => (on ? t('Yes') : t('No'));
  return h('div', { class: 'snapshot', 'data-testid': 'snapshot' },
    h('section', { class: 'card' }, h('h2', {}, t('Inspection results')),
      groups.map((group) => h('details', { class: 'result-group' },
        h('summary', {}, h('span', { class: 'group-code' }, group.code), ' ', localized(group.title),
          h('span', { class: 'muted small' }, ' ', t('%(ok)s OK · %(defect)s defects · %(na)s N.A.', {
            ok: group.items.filter((i) => items[i.code]?.result === 'ok').length,
            defect: group.items.filter((i) => items[i.code]?.result === 'defect').length,
            na: group.items.filter((i) => items[i.code]?.result === 'na').length }),
          group.items.some((i) => shownResult(items, owed, i.code) === 'owed')
            ? t(' · %(owed)s still owed', { owed: group.items.filter((i) => shownResult(items, owed, i.code) === 'owed').length })
            : null)),
        h('ul', { class: 'result-list' }, group.items.map((item) => h('li', {
          class: `result-${shownResult(items, owed, item.code)}`, 'data-code': item.code },
          h('span', { class: 'result-mark' }, RESULT_MARKS[items[item.code]?.result]
            || (owed.has(item.code) ? t('Still owed') : '—')), ' ',
          h('span', {}, item.code, ' ', localized(item.label)),
          items[item.code]?.note ? h('span', { class: 'muted' }, ` — ${items[item.code].note}`) : null)))))),
    h('section', { class: 'card' }, h('h2', {}, t('Defects (%(count)s)', { count: defects.length })),
      defects.length ? h('ul', { class: 'defect-list' }, defects.map((item) => h('li', { 'data-testid': 'review-defect' },
        h('strong', {}, item.code, ' ', localized(item.label)),
        items[item.code].note ? h('p', {}, items[item.code].note) : null,
        photoStrip(session, items[item.code].photos))))
        : h('p', { class: 'muted' }, t('No defects.'))),
    h('section', { class: 'card' }, h('h2', {}, t('Handed over')),
      facts([
        [t('Keys'), String(snapshot.keys_count), 'review-keys'],
        [t('Odometer'), t('%(km)s km', { km: snapshot.odometer_km }), 'review-odometer'],
        [t('Maintenance and warranty explained'), yes(snapshot.explained_maintenance)],
        [t('Operation explained'), yes(snapshot.explained_operation)],
      ]),
      // The old shape: a record started before the documents became checklist items keeps its list.
      snapshot.documents?.length ? [h('h3', {}, t('Documents')), h('ul', { class: 'chips', 'data-testid': 'review-documents' },
        snapshot.documents.map((code) => h('li', { class: 'chip' }, documentLabel(code))))] : null,
      h('h3', {}, t('Accessories')),
      snapshot.accessories.length ? h('ul', { class: 'plain-list' }, snapshot.accessories.map((a) => h('li', {
        'data-testid': 'review-accessory' }, h('strong', {}, a.name), ' ',
      a.installed ? t('installed') : t('not installed'), photoStrip(session, a.photos))))
        : h('p', { class: 'muted' }, t('None')),
      h('h3', {}, t('Items still owed to the customer')),
      snapshot.we_owe.length ? h('ul', { class: 'plain-list' }, snapshot.we_owe.map((w) => h('li', {
        'data-testid': 'review-we-owe' }, w.text, w.item_code ? h('span', { class: 'muted' }, ` · ${label(w.item_code)}`) : null,
        w.due_date ? h('span', { class: 'muted' }, ` · ${t('Due %(date)s', { date: w.due_date })}`) : null)))
        : h('p', { class: 'muted' }, t('Nothing')),
      snapshot.notes ? [h('h3', {}, t('Notes')), h('p', { class: 'notes' }, snapshot.notes)] : null));
}
