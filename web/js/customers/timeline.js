// The customer file as one timeline: needs analyses, walk-arounds, test drives and refusals, handovers with their
// PDFs, follow-ups, conflicts and grade changes, newest first, each with its time in the store's time zone and a
// link to its record or PDF; each at the best time we have of the event (the device's, else the server's receipt).
// Read from IndexedDB only (each feature's view: server truth + this tablet's unsent
// changes), so it works offline.
//
// A new kind of entry is one more element of KINDS: how to find its records of the
// customer (`load`) and how to show one (`entry`). The office draws the same timeline
// (server/workflow/customer_timeline.py).

import { readRecords } from '../core/db.js';
import { h, mount } from '../core/dom.js';
import { entityLabel, fieldLabel } from '../core/field-labels.js';
import { madeAt } from '../core/format.js';
import { languageTag, t } from '../core/i18n.js';
import { entityView, live, userDb } from '../core/record-store.js';
import { HANDOVER_ROLES, TEST_DRIVE_ROLES, WALKAROUND_ROLES } from '../core/roles.js';
import { pdfButton, sealState } from '../core/sealed.js';
import { listDeliveries } from '../handover/store.js';
import { kindLabel, reasonLabel } from '../test-drive/rules.js';
import { listDrives } from '../test-drive/store.js';
import { coverageLabel } from '../walkaround/summary.js';
import { listWalkarounds, loadPresentations } from '../walkaround/store.js';
import { timelineLabel } from './needs-rules.js';
import { needsOf } from './needs-store.js';
import { gradeLabel, gradeReasonLabel } from './rules.js';
import { gradeChangesOf } from './store.js';
import { ownershipChangesOf, ownershipReasonLabel, visitKindLabel, visitsOf } from './visits.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A moment of an entry for people: a device or server time in the store's time zone `zone` ("11月29日 10:14",
 * with the year when it is not this year), a date alone as it is. The one place the timeline formats a time.
 */
export function entryTime(value, zone) {
  if (!value) {
    return '';
  }
  const date = new Date(DATE_ONLY.test(value) ? `${value}T12:00:00Z` : value);
  if (Number.isNaN(date.getTime())) {
    return String(value);
  }
  const thisYear = date.getUTCFullYear() === new Date().getUTCFullYear();
  const options = { timeZone: DATE_ONLY.test(value) ? 'UTC' : zone || undefined, month: 'short', day: 'numeric',
    ...(thisYear ? {} : { year: 'numeric' }), ...(DATE_ONLY.test(value) ? {} : { hour: '2-digit', minute: '2-digit',
      hourCycle: 'h23' }) };
  return new Intl.DateTimeFormat(languageTag(), options).format(date);
}

/** The sort key of a moment (ms since 1970; a date alone counts from its start), 0 when there is none. */
function sortKey(value) {
  const ms = value ? Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value) : NaN;
  return Number.isNaN(ms) ? 0 : ms;
}

const allowed = (ctx, roles) => roles.includes(ctx.session.user.role);
const shown = (v) => (v === null || v === undefined || v === '' ? t('(empty)') : String(v));

/** Each kind: `load(ctx)` → its records of the customer, `entry(record, ctx)` → {id, at, title, state, detail,
 *  who, link, pdf}: `at` the best event time we have (the device's, else the server's receipt). */
const KINDS = [
  {
    kind: 'needs_analysis',
    load: (ctx) => needsOf(ctx.session, ctx.customer.id),
    entry: (n, ctx) => ({ id: n.id, at: n.answered_at || madeAt(n), title: t('Needs analysis'),
      detail: [t('Suggested grade: '), n.suggested_grade, ' · ', timelineLabel(n.timeline)].join(''),
      link: allowed(ctx, WALKAROUND_ROLES) ? `#/customers/${ctx.customer.id}/needs` : null }),
  },
  {
    kind: 'walkaround',
    load: async (ctx) => {
      ctx.presentations = await loadPresentations(ctx.session);
      return listWalkarounds(ctx.session, ctx.customer.id);
    },
    entry: (w, ctx) => {
      const p = ctx.presentations.find((x) => x.id === w.presentation_id);
      const finished = w.status === 'finished';
      return { id: w.id, at: w.started_at || madeAt(w), title: t('Walk-around'),
        state: finished ? ['ready', coverageLabel(w, p)] : ['pending', t('In progress')],
        detail: p && p.series ? p.series.name : '',
        link: allowed(ctx, WALKAROUND_ROLES) ? `#/walkaround/${w.id}${finished ? '/summary' : ''}` : null };
    },
  },
  {
    kind: 'test_drive',
    load: async (ctx) => (await listDrives(ctx.session)).filter((r) => r.drive.customer_id === ctx.customer.id),
    entry: (row, ctx) => {
      const { drive, log, car } = row;
      const refused = drive.outcome === 'refused';
      return { id: drive.id, at: (log && log.start_at) || drive.checked_at || madeAt(drive),
        title: t('Test drive'), state: refused ? ['refused', t('Refused')] : sealState(row),
        detail: [kindLabel(drive.kind), car ? car.description : null,
          ...(refused ? (drive.refusal_reasons || []).map(reasonLabel) : [])].filter(Boolean).join(' · '),
        link: allowed(ctx, TEST_DRIVE_ROLES) ? `#/test-drive/${drive.id}` : null,
        pdf: row.document && { doc: row.document, file: 'test-drive' } };
    },
  },
  {
    kind: 'delivery',
    load: async (ctx) => (await listDeliveries(ctx.session)).filter((r) => r.delivery.customer_id === ctx.customer.id),
    entry: (row, ctx) => ({ id: row.delivery.id,
      at: (row.sealed && row.sealed.signedAt) || (row.document && row.document.created_at) || madeAt(row.delivery),
      title: t('Handover'), state: sealState(row), detail: row.delivery.vehicle_description || row.delivery.vin || '',
      link: allowed(ctx, HANDOVER_ROLES) ? `#/handover/${row.delivery.id}` : null,
      pdf: row.document && { doc: row.document, file: 'delivery' } }),
  },
  {
    kind: 'follow_up',
    load: async (ctx) => [...(await entityView(ctx.db, 'follow_up')).view.values()]
      .filter((f) => f.customer_id === ctx.customer.id),
    // A follow-up still to make sits where it was planned (its due date is shown), not in the future.
    entry: (f) => ({ id: f.id, at: f.done_at || madeAt(f), title: t('Follow-up after the handover'),
      state: f.done_at ? ['ready', t('Done')] : ['pending', t('Call by %(date)s', { date: entryTime(f.due_date) })],
      detail: f.result || f.notes || '' }),
  },
  {
    kind: 'grade_change',
    load: (ctx) => gradeChangesOf(ctx.session, ctx.customer.id),
    entry: (c) => ({ id: c.id, at: c.changed_at || madeAt(c), title: t('Grade changed'),
      detail: `${c.from_grade || '—'} → ${c.to_grade} · ${gradeLabel(c.to_grade)}`,
      who: [gradeReasonLabel(c.reason), c.changed_by_name].filter(Boolean).join(' · ') }),
  },
  {
    kind: 'visit',
    load: (ctx) => visitsOf(ctx.session, ctx.customer.id),
    entry: (v) => ({ id: v.id, at: v.arrived_at, title: visitKindLabel(v.kind),
      detail: v.first_visit ? t('First visit') : t('Repeat visit') }),
  },
  {
    kind: 'ownership_change',
    load: (ctx) => ownershipChangesOf(ctx.session, ctx.customer.id),
    entry: (c, ctx) => ({ id: c.id, at: c.at, title: t('Owner changed'),
      detail: c.to_id === ctx.session.user.id ? t('Now your customer') : t("Now another consultant's customer"),
      who: ownershipReasonLabel(c.reason) }),
  },
  {
    // Last: conflicts of the customer's file and of every record above.
    kind: 'conflict',
    load: async (ctx) => live(await readRecords(ctx.db, 'conflict/')).filter((c) => ctx.ids.has(c.record_id)),
    entry: (c) => ({ id: c.id, at: c.created_at, title: t('Conflicting changes'),
      state: c.state === 'open' ? ['failed', t('Waiting for the office')] : ['ready', t('Settled')],
      detail: `${c.entity === 'customer' ? '' : `${entityLabel(c.entity)} · `}${fieldLabel(c.entity, c.field)}: `
        + `${shown(c.applied_value)} · `
        + t('Replaced: %(value)s, by %(user)s', { value: shown(c.overwritten_value),
          user: (c.overwritten_by && c.overwritten_by.user) || '?' }) }),
  },
];

/** Every entry of `customer`'s file, newest first: [{kind, id, at, key, title, …}]. */
export async function timelineOf(session, customer) {
  const ctx = { session, customer, db: await userDb(session), ids: new Set([customer.id]) };
  const entries = [];
  for (const { kind, load, entry } of KINDS) {
    for (const record of await load(ctx)) {
      const made = { kind, ...entry(record, ctx) };
      ctx.ids.add(made.id);
      entries.push({ ...made, key: sortKey(made.at), tie: String(record.due_date || '') });
    }
  }
  // Entries of one moment (the follow-ups a handover opened) by their own date, the latest first.
  return entries.sort((a, b) => b.key - a.key || b.tie.localeCompare(a.tie));
}

function entryRow(session, e, message) {
  const zone = session.store && session.store.time_zone;
  return h('li', { class: `timeline-entry kind-${e.kind}`, 'data-testid': 'timeline-entry', 'data-kind': e.kind,
    'data-id': e.id, 'data-at': e.key ? new Date(e.key).toISOString() : '' },
  h('time', { class: 'timeline-when', datetime: e.at || '' }, entryTime(e.at, zone)),
  h('div', { class: 'timeline-what' },
    h('p', { class: 'timeline-title' }, h('strong', {}, e.title),
      e.state ? h('span', { class: `doc-state doc-${e.state[0]}` }, e.state[1]) : null),
    e.detail ? h('p', { class: 'timeline-detail' }, e.detail) : null,
    e.who ? h('p', { class: 'muted small' }, e.who) : null),
  e.link || e.pdf ? h('div', { class: 'timeline-links' },
    e.link ? h('a', { class: 'button secondary', href: e.link, 'data-testid': 'timeline-link' }, t('Details')) : null,
    e.pdf ? pdfButton(session, { ...e.pdf, label: t('PDF'), testid: 'timeline-pdf', kind: 'secondary' }, message)
      : null) : null);
}

/** The customer file's timeline card (from IndexedDB; works offline). */
export async function timelineCard(session, customer) {
  const entries = await timelineOf(session, customer);
  const message = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const list = h('ol', { class: 'timeline', 'data-testid': 'timeline' });
  mount(list, entries.length ? entries.map((e) => entryRow(session, e, message))
    : h('li', { class: 'empty' }, t('Nothing recorded for this customer yet.')));
  return h('section', { class: 'card timeline-card' }, h('h2', {}, t('History')), list, message);
}
